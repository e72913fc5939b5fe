"""The site's structure: which pages and files a portfolio has, and their HTML.

Only public cases reach this module's output.  Each generated page is a
:class:`SitePage` (where it lives, its title and meta) whose HTML is
rendered on demand from ``theme/pages/*.html``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from casebook import registry, store
from casebook.render import media as media_mod
from casebook.load.cases import LoadedCase
from casebook.load.markup import plain
from casebook.load.project import Project
from casebook.render import covers
from casebook.render.charts import build_charts, embed_options, script_json
from casebook.render.i18n import Translator, translator
from casebook.render.templates import render
from casebook.render.views import CaseView, case_view, industry_label
from casebook.site.cardhtml import CardHtml
from casebook.load.model import Case

CARD_VERSION = "2"  # bump when what a kept card holds changes
# what a kept card holds: the values of a case's view that need its facts (the rest is read off the case)
CARD_FIELDS = ("headline", "description", "client", "period", "cover_name", "cover_svg")


@dataclass
class SitePage:
    src_uri: str  # e.g. "cases/kazan-coffee-vk.md"
    title: str
    meta: dict[str, Any]
    renderer: Callable[[str], str]  # base (relative path to site root) -> HTML
    search: bool = True
    case: LoadedCase | None = None  # the case a case page shows
    # What the HTML is made of besides the title, the meta and what every page shares
    # (casebook.site.pagecache): the cases it shows a card of, and plain values.
    shows: list[LoadedCase] = field(default_factory=list)
    key_parts: tuple = ()


@dataclass
class SiteAsset:
    dest: str  # path inside the site
    data: bytes | None = None
    source: Path | None = None


@dataclass
class CardView:
    """What a case's card and its page's meta show: the few values of its view (CaseView)
    that need its facts, kept by the case's content key, so an edit computes one case's."""

    case: Case
    t: Translator
    url: str
    cover: str
    logo: str
    headline: str
    client: str
    period: str
    description: str
    change: float
    growth_line: tuple[float, str] | None = None  # what a portfolio cover leads with (casebook.pdf.compose.best_figures)


@dataclass
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)
    assets: list[SiteAsset] = field(default_factory=list)


CHART_FILES = "assets/casebook/charts"  # the static chart SVGs, beside the other assets


def page_base(url: str) -> str:
    """Relative path from a page's URL to the site root ('' for the home page)."""
    depth = url.count("/")
    return "../" * depth


def case_url(slug: str) -> str:
    return f"cases/{slug}/"


class Site:
    """Plans and renders the public site of a project."""

    def __init__(self, project: Project, *, charts: Any = None, pdf: bool = False, site_locale: str | None = None,
                 pdf_max: int = 0):
        self.project = project
        self.charts = charts  # a casebook.render.charts.static.ChartRenderer or None
        self.pdf = pdf
        self.pdf_max = pdf_max  # the portfolio's and each tag's PDF hold this many most recent cases (0: all)
        self.locale = site_locale or (project.profile.locale if project.profile else "en")
        self.t = translator(self.locale)
        self._views: dict[str, CaseView] = {}
        self._media: dict[tuple[str, str], Any] = {}  # MediaFile, or a generated cover (name, data)
        self._prepared: dict[tuple[str, str], Any] = {}  # (case folder, value) -> its MediaFile
        self._card_list: list[dict[str, Any]] | None = None
        self.work: Any = None  # a casebook.build.casework.CaseWork: case pages made ahead, in parallel
        self._generated: set[str] = set()  # slugs whose cover casebook made
        self._card_views: dict[str, CardView] = {}
        self._card_cache: store.Cache | None = None
        self._card_key: Callable[[LoadedCase], str | None] | None = None
        self._card_html: CardHtml | None = None

    def keep_cards(self, folder: Path, key: Callable[[LoadedCase], str | None]) -> None:
        """Keep each case's card values in ``folder`` (a :class:`casebook.store.Cache`) under
        ``key(loaded)``, which must cover everything the view is made of (None: not kept), and
        beside it each card's HTML (casebook.site.cardhtml), until :meth:`keep_card_html`."""
        self._card_cache = store.Cache(folder.parent, folder.name, CARD_VERSION)
        self._card_key = key
        self._card_html = CardHtml(folder.parent / "cardhtml")

    def keep_card_html(self) -> None:
        """The cards rendered or used now kept for the next build (the pages are rendered)."""
        if self._card_html is not None and self._card_html.used:  # no card shown: nothing changes
            self._card_html.save({c["key"] for c in self._cards() if c["key"]})

    # -- data --------------------------------------------------------------
    def view(self, loaded: LoadedCase) -> CaseView:
        slug = loaded.case.slug
        if slug not in self._views:
            view = case_view(loaded)
            view.url = case_url(slug)
            view.pdf_url = f"pdf/{slug}.pdf" if self.pdf else ""
            view.cover = (self.media_url(loaded, loaded.case.cover) if loaded.case.cover
                          else self.generated_cover(loaded, view))
            view.logo = self.media_url(loaded, loaded.case.client.logo) if (
                loaded.case.client.logo and loaded.case.client.disclose_name
            ) else ""
            view.media = [
                {
                    "src": self.media_url(loaded, m.src) if m.src else "",
                    "video": m.video or "",
                    "alt": m.alt or "",
                    "caption": m.caption or "",
                }
                for m in loaded.case.media
            ]
            self._views[slug] = view
        return self._views[slug]

    def media_url(self, loaded: LoadedCase, value: str) -> str:
        key = (loaded.case.slug, value)
        if key not in self._media:
            # cases of one folder often share a file (a client's logo): resolved and checked once a build
            # (at 1,000 cases some 1,900 resolutions, each a realpath, were 0.1 s of every edit)
            where = (os.path.dirname(loaded.source), value)
            if where not in self._prepared:
                self._prepared[where] = media_mod.prepare(media_mod.resolve(loaded.source, value, self.project.root))
            self._media[key] = self._prepared[where]
        return f"media/{loaded.case.slug}/{self._media[key].name}"

    def generated_cover(self, loaded: LoadedCase, view: CaseView) -> str:
        """A case without a cover gets one made from its numbers (casebook.render.covers)."""
        author = self.project.profile.name if self.project.profile else ""
        cover = covers.case_cover(view, author)
        self._media[(loaded.case.slug, "\0cover")] = cover  # its PNG: made by the case's worker, or when written
        self._generated.add(loaded.case.slug)
        return f"media/{loaded.case.slug}/{cover.name}"

    def make_cover(self, loaded: LoadedCase) -> None:
        """The case's generated cover made now into the cache folder (a case worker, beside its page):
        the build's own process then reads it where it writes the site, not makes each in turn there."""
        cover = self._media.get((loaded.case.slug, "\0cover"))
        if cover is not None:
            cover.make_ahead()

    def card(self, loaded: LoadedCase) -> CardView:
        """A case's card values: kept under its content key, else taken from its view (and kept)."""
        slug = loaded.case.slug
        if slug not in self._card_views:
            key = self._card_key(loaded) if self._card_key is not None else None
            values = self._read_card(loaded, key) if key else None
            if values is None:
                values = self._card_values(loaded)
                if key:  # a cache that cannot be written costs the next build time, never this one
                    self._card_cache.write_quietly(key, json.dumps(values, sort_keys=True).encode("utf-8"))
            self._card_views[slug] = self._card_from(loaded, values)
        return self._card_views[slug]

    def _card_values(self, loaded: LoadedCase) -> dict[str, Any]:
        view = self.view(loaded)
        growth = view.growth_line
        cover = self._media.get((loaded.case.slug, "\0cover")) if not loaded.case.cover else None
        values = {"headline": view.headline, "description": view.description, "client": view.client,
                  "period": view.period, "change": round(view.facts.sort_change, 4),
                  "cover_name": cover.name if cover is not None else "",
                  "cover_svg": cover.svg if cover is not None else "",
                  "growth": list(growth) if growth else None}
        return json.loads(json.dumps(values))  # as a kept card reads back: a cold build makes the same bytes

    def _read_card(self, loaded: LoadedCase, key: str) -> dict[str, Any] | None:
        """The kept values when the cache's signed record vouches for them (else None: made again);
        reading marks the entry used, so pruning keeps it."""
        data = self._card_cache.read(key)
        if data is None:
            return None
        try:
            values = json.loads(data)
        except ValueError:
            return None
        if not (isinstance(values, dict) and all(isinstance(values.get(f), str) for f in CARD_FIELDS)
                and type(values.get("change")) in (int, float)
                and bool(values["cover_name"]) != bool(loaded.case.cover)
                and _growth(values.get("growth", 0)) is not False):
            return None
        return values

    def _card_from(self, loaded: LoadedCase, values: dict[str, Any]) -> CardView:
        """The card's values, with what is read off the case; its media planned as the view plans them."""
        case = loaded.case
        slug = case.slug
        if case.cover:
            cover = self.media_url(loaded, case.cover)
        else:
            if (slug, "\0cover") not in self._media:
                self._media[(slug, "\0cover")] = covers.Cover(values["cover_name"], values["cover_svg"])
            self._generated.add(slug)
            cover = f"media/{slug}/{values['cover_name']}"
        logo = self.media_url(loaded, case.client.logo) if case.client.logo and case.client.disclose_name else ""
        for m in case.media:  # the gallery's files are in the site whether or not its page is made
            if m.src:
                self.media_url(loaded, m.src)
        return CardView(case=case, t=translator(case.locale), url=case_url(slug), cover=cover, logo=logo,
                        headline=values["headline"], client=values["client"], period=values["period"],
                        description=values["description"], change=values["change"],
                        growth_line=_growth(values["growth"]))

    def portfolio_cover(self) -> str:
        """The portfolio's link preview: the specialist, the role, the cases and their platforms."""
        prof = self.project.profile
        cases = self.project.public_cases
        platforms = [p for p in registry.platforms() if any(p in c.case.platforms for c in cases)]
        cover = covers.portfolio_cover(name=prof.name if prof else "", role=prof.role if prof else "",
                                       cases=len(cases), platforms=platforms, t=self.t)
        self._media[("_profile", "\0cover")] = cover
        return f"media/profile/{cover.name}"

    def profile_photo(self) -> str:
        prof = self.project.profile
        if not prof or not prof.photo:
            return ""
        path = media_mod.resolve(self.project.profile_path, prof.photo, self.project.root)
        f = media_mod.prepare(path, max_side=600)
        self._media[("_profile", prof.photo)] = f
        return f"media/profile/{f.name}"

    def tags(self) -> list[str]:
        return sorted({tag.casefold() for c in self.project.public_cases for tag in c.case.tags})

    # -- plan --------------------------------------------------------------
    def plan(self) -> SitePlan:
        plan = SitePlan()
        cases = self.project.public_cases
        # The index and the tag pages are lists of cards: out of search, as a tag page is, so a
        # search finds each case once, on its own page (the index was one 150 KB entry at 1,000
        # cases that every query matched, parsed again on every edit)
        index_meta: dict[str, Any] = {"hide": ["navigation", "toc"], "description": self._site_description(),
                                      "search": {"exclude": True}}
        if self.project.profile:
            index_meta["casebook"] = {"charts": False, "og_title": self.project.profile.name,
                                      "og_description": self._site_description()[:300],
                                      "og_image": self.portfolio_cover(), "og_image_size": [1200, 630]}
        tags = self.tags()
        self.profile_photo()  # its file is in the site even when no page that shows it is rendered
        plan.pages.append(SitePage("index.md", self.t.t("ui.cases"), index_meta, self.render_index, search=False,
                                   shows=list(cases), key_parts=(tags, self.pdf)))
        if self.project.profile:
            plan.pages.append(SitePage("about.md", self.t.t("ui.about"), {"hide": ["navigation", "toc"]},
                                       self.render_about, key_parts=(len(cases),)))
        for loaded in cases:
            plan.pages.append(self._case_page(loaded))
        for tag in tags:
            plan.pages.append(SitePage(f"tags/{tag}.md", self.t.t("ui.tagged", tag=tag),
                                       {"hide": ["navigation", "toc"], "search": {"exclude": True}},
                                       lambda base, tag=tag: self.render_index(base, tag=tag), search=False,
                                       shows=[c for c in cases if tag in {t.casefold() for t in c.case.tags}],
                                       key_parts=(tag, tags, self.pdf)))
        # media are planned once pages have asked for them (see media_assets)
        return plan

    def _case_page(self, loaded: LoadedCase) -> SitePage:
        view = self.card(loaded)
        case = loaded.case
        meta = {
            "hide": ["navigation", "toc"],
            "description": view.description[:300],
            "casebook": {
                "charts": bool(self.charts),
                "og_title": case.title,
                "og_description": (view.headline or view.description)[:300],
                "og_image": view.cover or view.logo,
                "og_image_size": [1200, 630] if case.slug in self._generated else [],
                "locale": case.locale,
            },
        }
        return SitePage(f"cases/{case.slug}.md", case.title, meta,
                        lambda base, loaded=loaded: self.render_case(loaded, base), case=loaded, shows=[loaded])

    def media_assets(self) -> list[SiteAsset]:
        out = []
        for (slug, _value), f in sorted(self._media.items(), key=lambda kv: (kv[0][0], kv[1].name)):
            folder = "profile" if slug == "_profile" else slug
            out.append(SiteAsset(f"media/{folder}/{f.name}", data=f.data))
        return out

    # -- pages -------------------------------------------------------------
    def _site_description(self) -> str:
        prof = self.project.profile
        if prof:
            return f"{prof.name}: {prof.role}"
        return ""

    def _cards(self) -> list[dict[str, Any]]:
        """Card data of every public case, made once and shared by the index and tag pages."""
        if self._card_list is not None:
            return self._card_list
        cards = []
        for loaded in self.project.public_cases:
            v = self.card(loaded)
            c = loaded.case
            cards.append({
                "view": v,
                "platforms": c.platforms,
                "industry": c.client.industry,
                "industry_label": industry_label(c.client.industry, self.t),
                "tags": [tag.casefold() for tag in c.tags],
                "date": c.period.end.isoformat(),
                "change": v.change,
                "lang": c.locale.split("-")[0],
                "key": self._card_key(loaded) if self._card_key is not None else None,
            })
        self._card_list = cards
        return cards

    def render_index(self, base: str, tag: str | None = None) -> str:
        cards = self._cards()
        if tag:
            cards = [c for c in cards if tag in c["tags"]]
        platforms = sorted({p for c in cards for p in c["platforms"]},
                           key=lambda p: list(registry.platforms()).index(p))
        industries = sorted({(c["industry"], c["industry_label"]) for c in cards})
        return render(
            "pages/index.html",
            base=base, cards=cards, card_html=[self._card_html_of(c, base) for c in cards], t=self.t, tag=tag,
            platforms=platforms, industries=industries, tags=self.tags(),
            profile=self.project.profile, photo=self.profile_photo(),
            pdf_url=(f"pdf/tags/{tag}.pdf" if tag else "pdf/portfolio.pdf") if self.pdf and cards else "",
            pdf_cases=min(len(cards), self.pdf_max) if self.pdf_max > 0 else len(cards),
        )

    def _card_html_of(self, card: dict[str, Any], base: str) -> Markup:
        """One card (partials/card.html) for a page at ``base``: as kept under its key, else rendered."""
        keeper, key = self._card_html, card["key"]
        html = keeper.get(base, key) if keeper is not None and key else None
        if html is None:
            html = render("partials/card.html", c=card, base=base)
            if keeper is not None and key:
                keeper.put(base, key, html)
        return Markup(html)

    def render_about(self, base: str) -> str:
        return render("pages/about.html", base=base, t=self.t, profile=self.project.profile,
                      photo=self.profile_photo(), cases=len(self.project.public_cases))

    def render_case(self, loaded: LoadedCase, base: str) -> str:
        if self.work is not None:
            made = self.work.page(loaded, base)
            if made is not None:
                return made
        view = self.view(loaded)
        charts = self.chart_blocks(view, base)
        return render("pages/case.html", base=base, v=view, case=view.case, t=view.t,
                      charts=charts, profile=self.project.profile)

    def chart_blocks(self, view: CaseView, base: str = "") -> list[dict[str, Any]]:
        if not self.charts:
            return []

        case = view.case
        options = embed_options(case.locale, case.currency)
        blocks = []
        for chart, still in page_charts(self.charts, view):
            blocks.append({
                "chart": chart,
                "static_src": f"{base}{CHART_FILES}/{still['name']}",
                "static_width": still["width"],
                "static_height": still["height"],
                "spec_json": Markup(script_json(chart.spec)),
                "embed_options_json": Markup(script_json(options)),
            })
        return blocks


def page_charts(renderer: Any, view: CaseView) -> list[tuple[Any, dict]]:
    """A case page's charts, each with its static image in the chart cache (drawn where it is not there)."""
    case = view.case
    return [(chart, renderer.svg_file(chart, case.locale, case.currency))
            for chart in build_charts(view.facts, view.t, cache_dir=renderer.specs_dir)]


__all__ = ["Site", "SitePage", "SiteAsset", "SitePlan", "page_base", "case_url", "page_charts", "plain"]


def _growth(kept: Any) -> tuple[float, str] | None | bool:
    """A kept card's growth line ([multiple, phrase] or null) as CardView holds it; False: not one."""
    if kept is None:
        return None
    if (isinstance(kept, list) and len(kept) == 2 and type(kept[0]) in (int, float)
            and isinstance(kept[1], str)):
        return kept[0], kept[1]
    return False
