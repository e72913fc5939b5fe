"""Generated covers and link previews: a 1200×630 PNG for every public case without a cover.

A specialist's own cases used to show grey boxes with one letter, and link
previews (Telegram, VK, LinkedIn, Facebook want PNG or JPEG) had nothing.
The cover carries the case's headline result in large type, its platforms,
and a small before → after bar pair of the headline metric, on a dark
palette that reads on light and dark pages alike.  The design is an SVG
template (``theme/covers/cover.svg``), turned into PNG by vl-convert with
the bundled fonts, so Cyrillic renders and nothing depends on the machine.

Only public texts go in: the headline, the client as public output may
name it (:meth:`Case.client_label`), the period, the platforms and the
specialist's name.  The file is named by its design's hash, so a page links it
without rendering it; the PNG is made once, where the site writes its files,
and kept in the cache folder (verified by :mod:`casebook.store`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from casebook import registry, store
from casebook.compute import facts as compute
from casebook.compute import metrics as rules
from casebook.render.templates import render
from casebook.settings import theme_dir

WIDTH, HEIGHT = 1200, 630
TEXT_WIDTH = 1056  # the width less the margins
CACHE_VERSION = 1  # in each cover's name and its cache entry: bump when the PNG changes for the same SVG
# dark backgrounds with a light accent: white text reads on each, and the
# image looks the same beside a light or a dark page
PALETTES = (
    {"bg": "#16325c", "bg2": "#1f4e8c", "accent": "#5cc8ff", "soft": "#c9dcf5"},
    {"bg": "#0f4c45", "bg2": "#17786c", "accent": "#7ae3c6", "soft": "#c4ece2"},
    {"bg": "#4a1d4f", "bg2": "#702b72", "accent": "#ff9ad5", "soft": "#ecc9eb"},
    {"bg": "#5a2a12", "bg2": "#8a4317", "accent": "#ffc07a", "soft": "#f3d9c3"},
    {"bg": "#23304a", "bg2": "#3b4b6d", "accent": "#9db7ff", "soft": "#cfd8ee"},
    {"bg": "#1d4a1f", "bg2": "#2f7031", "accent": "#a8e58a", "soft": "#d1ecc6"},
)

_disk: store.Cache | None = None


def use_cache(folder: Path | None) -> None:
    """Keep generated PNGs in this folder (the cache folder's ``covers``) between builds (None: in memory only)."""
    global _disk
    _disk = store.Cache(Path(folder).parent, Path(folder).name, CACHE_VERSION) if folder else None


@dataclass(frozen=True)
class Cover:
    """A cover by its design: the name is known at once, the PNG is made when first read."""

    name: str  # file name: a hash of the design + .png
    svg: str

    @cached_property
    def data(self) -> bytes:
        """The PNG: from the cache folder when a verified copy is there, else rendered (and kept there)."""
        data = _disk.read(self.name) if _disk else None
        if data is None:
            data = _png(self.svg)
            if _disk is not None:
                _disk.write_quietly(self.name, data)  # a cache that cannot be written costs time, never the build
        return data

    def make_ahead(self) -> None:
        """The PNG made now into the cache folder unless a verified copy is there, and not held: a case
        worker makes it beside the case's page, where ``data`` in the build's own process reads it."""
        if _disk is not None and _disk.read(self.name) is None:
            _disk.write_quietly(self.name, _png(self.svg))


@lru_cache(maxsize=8)
def _font(size: int, bold: bool):
    from PIL import ImageFont  # deferred: Pillow's font loader is only needed for covers

    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(theme_dir() / "fonts" / name), size)


def _glue(text: str) -> str:
    """Keep a number with its unit and short words with the next: '212 ₽' never breaks."""
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"(?<=\d) (?=[^\w\s]|[%₽$€₱]|\w{1,3}\b)", "\u00a0", text)
    return re.sub(r"(?<=\s)(\w{1,2}) ", "\\1\u00a0", text)


def wrap(text: str, size: int, width: int = TEXT_WIDTH) -> list[str]:
    """Lines of bold text at this size that fit the width (measured with the bundled font)."""
    font = _font(size, True)
    lines: list[str] = []
    line = ""
    for word in _glue(text).split(" "):
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def fit(text: str) -> tuple[int, list[str]]:
    """The largest type (68 to 46 px) that sets the text in at most three lines."""
    for size in (68, 60, 52, 46):
        lines = wrap(text, size)
        if len(lines) <= 3:
            return size, lines
    lines = wrap(text, 46)
    return 46, lines[:2] + [lines[2].rstrip(".,;:") + " …"]


@lru_cache(maxsize=None)
def _icon_path(name: str) -> str:
    """The path data of a Simple Icons SVG shipped in the theme ('' when none)."""
    path = theme_dir() / "icons" / "simple" / f"{name}.svg"
    if not name or not path.is_file():
        return ""
    found = re.search(r'<path[^>]*\sd="([^"]+)"', path.read_text("utf-8"))
    return found.group(1) if found else ""


def palette(key: str) -> dict[str, str]:
    return PALETTES[int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % len(PALETTES)]


def cover_svg(*, key: str, headline: str, subtitle: str, platforms: list[str], footer: str,
              bars: dict | None = None) -> str:
    """The cover as SVG text (theme/covers/cover.svg)."""
    size, lines = fit(headline)
    chips = []
    for pid in platforms:
        info = registry.platforms().get(pid)
        label = info.label if info else pid
        icon = _icon_path(info.icon) if info else ""
        chips.append({"label": label, "path": icon,
                      "width": int(_font(21, True).getlength(label)) + (62 if icon else 36)})
    if bars:
        top = max(bars["before_value"], bars["after_value"]) or 1
        bars = dict(bars, before_w=max(6, int(420 * bars["before_value"] / top)),
                    after_w=max(6, int(420 * bars["after_value"] / top)))
    return render("covers/cover.svg", c=palette(key), platforms=chips, lines=lines, size=size,
                  line_height=int(size * 1.18), subtitle=subtitle, bars=bars, footer=footer)


_fonts_registered = False


def _png(svg: str) -> bytes:
    global _fonts_registered
    import vl_convert as vlc  # deferred: the renderer is loaded only when a cover is made

    if not _fonts_registered:
        vlc.register_font_directory(str(theme_dir() / "fonts"))
        _fonts_registered = True
    return vlc.svg_to_png(svg, scale=1.0)


def _cover(svg: str) -> Cover:
    """A page needs only the name; the PNG is rendered where the site writes its files."""
    key = hashlib.sha256(f"{CACHE_VERSION}\0{svg}".encode("utf-8")).hexdigest()
    return Cover(f"cover-{key[:16]}.png", svg)


def case_cover(view, author: str = "") -> Cover:
    """The cover of one public case, from its view (casebook.render.views.CaseView)."""
    case = view.case
    headline = view.headline or case.title
    subtitle = " · ".join(x for x in (case.client_label(), view.period) if x)
    return _cover(cover_svg(key=case.slug, headline=headline, subtitle=subtitle, platforms=list(case.platforms),
                            footer=author, bars=_bars(view)))


def portfolio_cover(*, name: str, role: str, cases: int, platforms: list[str], t, key: str = "portfolio") -> Cover:
    """The portfolio's link preview: the specialist, the role, how many cases, on which platforms."""
    return _cover(cover_svg(key=key, headline=name, subtitle=role, platforms=platforms,
                            footer=t.t("ui.cases_count", n=cases)))


def _bars(view) -> dict | None:
    """Before and after of the headline's growth metric, for the whole case."""
    head = view.facts.headline
    if head is None or not head.growth_metric:
        return None
    case, t, cur = view.case, view.t, view.case.currency
    metric = head.growth_metric
    # the platforms measured both times: the bars and the change are the same numbers
    ch = compute.paired_change(metric, case.baseline, case.after, case.engagement_rate, case)
    if ch.before is None or ch.after is None or ch.absolute is None:
        return None
    kind = compute.kind_of(metric)
    return {"metric": t.metric(metric), "before_label": t.t("ui.before"), "after_label": t.t("ui.after"),
            "before": t.value(ch.before, kind, cur), "after": t.value(ch.after, kind, cur),
            "change": t.change(rules.change_figure(ch, kind), cur), "before_value": float(ch.before),
            "after_value": float(ch.after)}


__all__ = ["Cover", "case_cover", "portfolio_cover", "cover_svg", "fit", "wrap", "use_cache", "WIDTH", "HEIGHT"]
