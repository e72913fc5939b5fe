"""Compose: the HTML of every PDF, from the site's partials and theme/pdf/.

Everything a PDF shows is put into its HTML here, in the parent process:
images as ``data:`` URIs (re-encoded by :mod:`casebook.load.media`, metadata
stripped), charts as inline SVG.  The only files the renderer then reads
are the print stylesheet and the fonts in the theme, so the HTML plus the
theme's files decide the PDF's bytes (which is what the cache keys on).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from casebook import registry
from casebook.render import media as media_mod
from casebook.load.cases import LoadedCase
from casebook.load.model import Case, Profile
from casebook.load.project import Project
from casebook.pdf.tables import kpi_table, period_label, report_tables, story
from casebook.render.i18n import Translator, translator
from casebook.render.templates import platform_label, render
from casebook.render.views import CaseView, case_view
from casebook.settings import CACHE_DIR_NAME, epoch_from_public_cases, source_date_epoch, theme_dir

log = logging.getLogger("casebook.pdf")

PHOTO_SIDE = 480  # px: the cover shows it at about 40 mm
MEDIA_SIDE = 1200
CHART_WIDTH = 380  # px; two charts side by side fill the A4 text width at about 0.9 scale
CHART_HEIGHT = 150  # px of plot height
CASE_MAX_PAGES = 2
MAX_PROOF = 3  # proof images a case PDF may show
CASE_CHARTS = 2  # a case PDF is one or two pages: the two most telling charts
REPORT_CHARTS = 4


@dataclass
class PdfDoc:
    """One PDF to make: its HTML and where it goes."""

    kind: str  # case | portfolio | report
    name: str  # slug, or "portfolio"
    html: str
    base_url: str
    title: str
    slugs: tuple[str, ...] = ()
    # When the PDF of `html` has more than `max_pages` pages, the documents
    # of `fallback_html` (the same with less in it) are tried in turn.
    fallback_html: tuple[str, ...] = ()  # tried in order
    max_pages: int = 0


@dataclass(frozen=True)
class Cover:
    """A tailored portfolio's cover: its title, interface language and a line for the vacancy."""

    title: str = ""
    lang: str = ""
    note: str = ""


@dataclass
class Context:
    """What every document of one build shares: project, charts, profile."""

    project: Project
    charts: Any = None  # a ChartRenderer, or None when charts are unavailable
    _photo: str | None = None
    _views: dict[str, CaseView] = field(default_factory=dict)
    _charts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _loaded: dict[str, LoadedCase] = field(default_factory=dict)
    cover: Cover = field(default_factory=Cover)

    @property
    def profile(self) -> Profile | None:
        return self.project.profile

    # -- values -------------------------------------------------------------
    def photo(self) -> str:
        if self._photo is None:
            self._photo = ""
            prof = self.profile
            if prof and prof.photo:
                path = media_mod.resolve(self.project.profile_path, prof.photo, self.project.root)
                self._photo = data_uri(media_mod.prepare(path, max_side=PHOTO_SIDE))
        return self._photo

    def view(self, loaded: LoadedCase) -> CaseView:
        """The case formatted for its locale, with media as data: URIs."""
        slug = loaded.case.slug
        self._loaded[slug] = loaded
        if slug not in self._views:
            case = loaded.case
            view = case_view(loaded)
            view.url = f"cases/{slug}/"

            def embed(value: str | None, side: int = MEDIA_SIDE) -> str:
                if not value:
                    return ""
                path = media_mod.resolve(loaded.source, value, self.project.root)
                return data_uri(media_mod.prepare(path, max_side=side))

            view.cover = embed(case.cover)
            # A client report goes to its client: the logo may be shown; a
            # case (public, or private under NDA) shows it only when the
            # client's name is disclosed.
            show_logo = case.client.disclose_name or case.kind == "report"
            view.logo = embed(case.client.logo, 600) if show_logo else ""
            view.media = [
                {"src": embed(item.src), "video": item.video or "", "alt": item.alt or "",
                 "caption": item.caption or ""}
                for item in case.media
            ]
            self._views[slug] = view
        return self._views[slug]

    def chart_blocks(self, view: CaseView, limit: int = 2) -> list[dict[str, Any]]:
        """Static SVG charts for print, the most telling first; [] without the chart modules."""
        slug = view.case.slug
        key = f"{slug}:{limit}"
        if key in self._charts:
            return self._charts[key]
        # The same case file, charts and renderer give the same charts: reuse
        # them across builds of one process (a serve session, tailored portfolios).
        loaded = self._loaded.get(slug)
        memo_key = (loaded.digest if loaded else "", slug, view.case.locale, limit, CHART_WIDTH,
                    CHART_HEIGHT, type(self.charts).__qualname__, _charts_version())
        if memo_key[0] and memo_key in _CHART_MEMO:
            self._charts[key] = _CHART_MEMO[memo_key]
            return self._charts[key]
        blocks: list[dict[str, Any]] = []
        if self.charts is not None:
            try:
                from casebook.render.charts import build_charts, pick_charts  # deferred: Altair loads only for charts

                case = view.case
                specs = getattr(self.charts, "specs_dir", None)  # the site's spec cache, when there is one
                for chart in pick_charts(build_charts(view.facts, view.t, cache_dir=specs), view.facts, limit):
                    svg = self.charts.svg(chart, case.locale, case.currency,
                                          width=CHART_WIDTH, height=CHART_HEIGHT)
                    # as an image, not inline: the SVG's nodes stay out of the
                    # HTML cascade (faster), and the figure gets alt text
                    src = "data:image/svg+xml;base64," + base64.b64encode(print_svg(svg).encode("utf-8")).decode()
                    blocks.append({"chart": chart, "id": chart.id, "src": src,
                                   "title": getattr(chart, "title", ""),
                                   "description": getattr(chart, "description", "")})
            except Exception as exc:  # noqa: BLE001 - a PDF without charts beats no PDF
                log.warning("casebook: charts left out of the PDF of %s: %s", slug, exc)
                blocks = []
        self._charts[key] = blocks
        if memo_key[0] and blocks:
            if len(_CHART_MEMO) > 512:
                _CHART_MEMO.clear()
            _CHART_MEMO[memo_key] = blocks
        return blocks

    def web_url(self, case: Case) -> str:
        prof = self.profile
        if not prof or not prof.site_url or not case.is_public:
            return ""
        base = prof.site_url if prof.site_url.endswith("/") else prof.site_url + "/"
        return f"{base}cases/{case.slug}/"


_CHART_MEMO: dict[tuple, list[dict[str, Any]]] = {}


def _charts_version() -> str:
    """Changes when the chart modules change (a reloaded module is a new file)."""
    parts = []
    for name in ("casebook.render.charts", "casebook.render.charts.static"):
        mod = sys.modules.get(name)
        path = getattr(mod, "__file__", None)
        if path:
            try:
                st = Path(path).stat()
                parts.append(f"{st.st_mtime_ns}:{st.st_size}")
            except OSError:
                pass
    return "|".join(parts)


def chart_renderer(site: Any, cache_dir: Path | None, project: Project) -> Any:
    """The site's chart renderer, or a new one, or None when charts are unavailable."""
    if site is not None and getattr(site, "charts", None) is not None:
        return site.charts
    try:
        from casebook.render.charts import build_charts  # noqa: F401 - both modules must be there
        from casebook.render.charts.static import ChartRenderer  # deferred: vl-convert loads only when charts are drawn
    except Exception as exc:  # noqa: BLE001
        log.info("casebook: PDFs are made without charts (%s)", exc)
        return None
    folder = Path(cache_dir) if cache_dir else project.root / CACHE_DIR_NAME
    try:
        return ChartRenderer(folder / "charts")
    except Exception as exc:  # noqa: BLE001
        log.warning("casebook: PDFs are made without charts: %s", exc)
        return None


# --------------------------------------------------------------------------
# Helpers


def data_uri(f: media_mod.MediaFile) -> str:
    return f"data:{f.mime};base64," + base64.b64encode(f.data).decode("ascii")


_SVG_DROP = re.compile(
    r"<(script|foreignObject|style)\b.*?</\1\s*>|<(?:script|foreignObject)\b[^>]*/>",
    re.IGNORECASE | re.DOTALL,
)
# The chart font, then the bundled symbols (Liberation Sans has no rouble sign: the PDF takes
# it from DejaVu Sans on every machine), then what a browser has for the standalone HTML.
PRINT_CHART_FONT = "CB Chart, CB Symbols, Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
_SVG_FONT = re.compile(r"""font-family\s*=\s*(?:"[^"]*"|'[^']*')""", re.IGNORECASE)
_SVG_FONT_CSS = re.compile(r"""font-family\s*:\s*[^;"'>]+""", re.IGNORECASE)
_SVG_EXTERNAL = re.compile(r"""\s(?:xlink:)?href\s*=\s*(["'])(?!#|data:)[^"']*\1""", re.IGNORECASE)


def print_svg(svg: str) -> str:
    """A chart's SVG made fit for inline print: our fonts, nothing external, no fixed size."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.IGNORECASE)
    svg = _SVG_DROP.sub("", svg)
    svg = _SVG_EXTERNAL.sub("", svg)
    # the font vl-convert measured the labels in (charts.style.FONT_FAMILY), from
    # print.css; a browser showing the standalone HTML has no "CB" fonts
    svg = _SVG_FONT.sub(f'font-family="{PRINT_CHART_FONT}"', svg)
    svg = _SVG_FONT_CSS.sub(f"font-family: {PRINT_CHART_FONT}", svg)
    # Let the print stylesheet size the chart: keep the viewBox, drop width/height.
    head = re.match(r"\s*<svg\b[^>]*>", svg)
    if head:
        tag = head.group(0)
        w = re.search(r'\swidth="([\d.]+)(?:px)?"', tag)
        h = re.search(r'\sheight="([\d.]+)(?:px)?"', tag)
        new = tag
        if w and h and "viewBox" not in tag:
            new = new.replace("<svg", f'<svg viewBox="0 0 {w.group(1)} {h.group(1)}"', 1)
        new = re.sub(r'\s(width|height|class)="[^"]*"', "", new)
        new = new.replace("<svg", '<svg class="cb-pchart__svg" preserveAspectRatio="xMidYMid meet"', 1)
        svg = svg.replace(tag, new, 1)
    return svg


def css_string(text: str) -> Markup:
    """A CSS string literal safe inside a <style> element."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;!?()-–—·@_/+%'" or ord(ch) > 127 and ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return Markup('"' + "".join(out) + '"')


def fixed_date(cases: list[Case]) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH, else the latest case's end.

    Never the clock: the same input gives the same bytes.  When the build
    chose the epoch itself (from the public cases), a private PDF (an NDA
    case, a client report) is dated by its own period instead: an October
    report says October, and the public site never learns it.
    """
    epoch = source_date_epoch()
    if epoch is not None and not (epoch_from_public_cases() and any(not c.is_public for c in cases)):
        when = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    day = max((c.period.end for c in cases), default=dt.date(2000, 1, 1))
    return f"{day.isoformat()}T00:00:00Z"


def base_url() -> str:
    return (theme_dir() / "pdf").as_uri() + "/"


def _head(t: Translator, *, title: str, author: str, lang: str, description: str, keywords: list[str],
          created: str, running: str, accent: str | None = None) -> dict[str, Any]:
    return {
        "doc_title": title,
        "doc_author": author,
        "doc_lang": lang,
        "doc_description": description,
        "doc_keywords": ", ".join(keywords),
        "doc_created": created,
        "run_left": css_string(running),
        "run_page": css_string(t.t("ui.page")),
        "accent": accent if accent and re.fullmatch(r"#[0-9A-Fa-f]{6}", accent) else "",
    }


# --------------------------------------------------------------------------
# Documents


def case_doc(ctx: Context, loaded: LoadedCase) -> PdfDoc:
    view = ctx.view(loaded)
    case = view.case
    t = view.t
    prof = ctx.profile
    author = prof.name if prof else ""
    context = dict(
        **_head(t, title=case.title, author=author, lang=case.locale, description=view.headline,
                keywords=case.tags, created=fixed_date([case]),
                running=" · ".join(x for x in (author, case.title) if x)),
        v=view, t=t, base="", profile=prof, photo=ctx.photo(), charts=ctx.chart_blocks(view),
        web_url=ctx.web_url(case), story=story(view),
        kpi_table=kpi_table(view) if len(view.kpis) > 1 else None,  # two platforms and more: one table
    )
    images = sum(1 for m in view.media if m["src"])
    # A case PDF is one or two pages: the proof images (up to three, in one
    # row) go when they would make a third page.  Fewer images would save
    # no height (the row is as tall as its tallest image), so there is no
    # step between all and none.
    variants = list(dict.fromkeys((min(images, MAX_PROOF), 0)))
    htmls = [render("pdf/case.html", proof=n, **context) for n in variants]
    return PdfDoc("case", case.slug, htmls[0], base_url(), case.title, (case.slug,),
                  fallback_html=tuple(htmls[1:]), max_pages=CASE_MAX_PAGES if len(htmls) > 1 else 0)


BEST_FIGURES = 3  # headline figures a portfolio's cover shows


def best_figures(views: list[Any], limit: int = BEST_FIGURES) -> list[dict[str, str]]:
    """The biggest headline growths across the cases, one per case, biggest first: what a cover leads with.

    ``views``: CaseView or the site's kept CardView; both have ``case`` and ``growth_line``."""
    ranked = []
    for v in views:
        line = v.growth_line
        if line:
            ranked.append((line[0], v.case.slug, {"figure": line[1], "case": v.case.title, "lang": v.case.locale}))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return [r[2] for r in ranked[:limit]]


CONTENTS_PER_PART = 10  # contents entries a part holds (one page with room to spare)


def portfolio_cover_docs(ctx: Context, cases: list[LoadedCase], pages: list[int], name: str = "portfolio",
                         view_of: Any = None, total: int = 0) -> list[PdfDoc]:
    """The portfolio's cover, then its contents in parts of CONTENTS_PER_PART entries.

    ``pages[i]`` is where case i starts in the joined PDF.  Each part is a
    document of its own, so an edit re-renders the part that shows it (the
    others come from the cache, keyed by their HTML).  ``view_of`` gives a
    case's view (the site's, already made); the contents show text only.
    ``total``: how many public cases there are, when the portfolio holds
    only the most recent of them (the cover says so).
    """
    prof = ctx.profile
    locale = ctx.cover.lang or (prof.locale if prof else "en")
    t = translator(locale)
    author = prof.name if prof else ""
    title = ctx.cover.title or (f"{author}: {t.t('ui.portfolio')}" if author else t.t("ui.portfolio"))
    view_of = view_of or case_view
    tags = sorted({tag for c in cases for tag in c.case.tags})
    head = _head(t, title=title, author=author, lang=locale, description=prof.role if prof else "",
                 keywords=tags, created=fixed_date([c.case for c in cases]),
                 running=" · ".join(x for x in (author, t.t("ui.portfolio")) if x))
    common = dict(t=t, base="", profile=prof, site_url=prof.site_url if prof else "")
    platform_names = [platform_label(p) for p in registry.platforms() if any(p in c.case.platforms for c in cases)]
    docs = [PdfDoc("portfolio", name, render("pdf/portfolio.html", **head, **common, part="cover",
                                             photo=ctx.photo(), entries=cases, platform_names=platform_names,
                                             total=total, cover_title=ctx.cover.title, note=ctx.cover.note,
                                             best=best_figures([view_of(c) for c in cases])),
                   base_url(), title, tuple(c.case.slug for c in cases))]
    for at in range(0, len(cases), CONTENTS_PER_PART):
        entries = [{"v": view_of(loaded), "page": page}
                   for loaded, page in zip(cases[at:at + CONTENTS_PER_PART], pages[at:at + CONTENTS_PER_PART])]
        html = render("pdf/portfolio.html", **head, **common, part="contents", first=at == 0, entries=entries)
        docs.append(PdfDoc("portfolio", name, html, base_url(), title, tuple(e["v"].case.slug for e in entries)))
    return docs


def report_doc(ctx: Context, loaded: LoadedCase) -> PdfDoc:
    view = ctx.view(loaded)
    case = view.case
    t = view.t
    prof = ctx.profile
    branding = case.report.branding if case.report else None
    logo = ""
    if branding and branding.logo:
        path = media_mod.resolve(loaded.source, branding.logo, ctx.project.root)
        logo = data_uri(media_mod.prepare(path, max_side=600))
    same_logo = bool(branding and branding.logo and case.client.logo and
                     media_mod.resolve(loaded.source, branding.logo, ctx.project.root)
                     == media_mod.resolve(loaded.source, case.client.logo, ctx.project.root))
    brand_name = (branding.name if branding and branding.name else "") or (prof.name if prof else "")
    author = prof.name if prof else brand_name
    html = render(
        "pdf/report.html",
        **_head(t, title=case.title, author=author, lang=case.locale, description=view.headline,
                keywords=case.tags, created=fixed_date([case]),
                running=" · ".join(x for x in (brand_name, case.client.name, period_label(t, case)) if x),
                accent=branding.color if branding else None),
        v=view, t=t, base="", profile=prof, photo=ctx.photo(), charts=ctx.chart_blocks(view, REPORT_CHARTS if case.kind == "report" else CASE_CHARTS),
        web_url="", story=story(view), brand_logo=logo, brand_name=brand_name,
        client_name=case.client.name, same_logo=same_logo, period=period_label(t, case),
        report=report_tables(view) if case.report else None,
    )
    return PdfDoc(case.kind, case.slug, html, base_url(), case.title, (case.slug,))


# --------------------------------------------------------------------------
# Report tables


__all__ = [
    "Context", "PdfDoc", "case_doc", "report_doc", "chart_renderer",
    "fixed_date", "print_svg", "css_string", "data_uri", "base_url", "registry",
]
