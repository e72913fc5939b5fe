"""One palette and one font for every chart, on the web and in print; what each chart shows comes from data/metrics.yaml."""

from __future__ import annotations

from typing import Any

from casebook import registry

# --------------------------------------------------------------------------
# Style: one palette and one font for every chart, on the web and in print.

# Charts are set in Liberation Sans, which has Arial's metrics: vl-convert
# measures every label with it, the PDF draws it from theme/fonts (print.css,
# "CB Chart"), and a reader's browser, which shows a static SVG with the
# system's fonts, finds it or Arial or Helvetica, all of one width, so no
# label is measured in one font and drawn wider in another.  vl-convert
# holds Liberation Sans in memory; a font it finds on disk (Noto Sans) it
# opens and maps again for every glyph it measures, which made a chart
# 2.2 times dearer to draw (about 48 against 22 ms, issue 15).  Where the
# system has Liberation Sans installed, vl-convert measures with that file:
# the same widths (Arial's, in every version), without the speed.
# Unquoted (valid CSS): the PDF rewrites font-family attributes with a
# pattern that stops at an inner quote.
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"

# The theme's colours (theme/assets/casebook.css, theme/pdf/print.css).
COLORS = {
    "text": "#1D1D1F",
    "muted": "#5F6368",
    "grid": "#E6E8EC",
    "domain": "#9AA0A6",
    "before": "#A8AFB8",  # the starting point: quiet
    "after": "#2F5BD3",  # the result: the theme's accent
    "good": "#1B7A3A",
    "close": "#C77700",
    "bad": "#B3261E",
    "flat": "#5F6368",
    "action": "#E8890C",  # action strip and rules
    "action_text": "#7A4100",
    "target": "#1D1D1F",
}

# Categorical colours (platforms in one chart): colour-blind safe, dark
# enough for thin lines on white and in greyscale print.
CATEGORY = ["#2F5BD3", "#D9480F", "#0C8599", "#9C36B5", "#2B8A3E", "#C2255C", "#5C940D", "#495057"]



def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _too_dark(hex_color: str) -> bool:
    r, g, b = _rgb(hex_color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 40  # TikTok's black: lost on a dark page


def _too_close(a: str, b: str) -> bool:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b))) < 60 ** 2


def platform_colors(ids: list[str]) -> list[str]:
    """Each platform's brand colour (data/platforms.yaml, as on its icon); a category colour instead
    when the brand's is near-black or too close to one already used in the chart."""
    known = registry.platforms()
    out: list[str] = []
    spare = iter(c for c in CATEGORY)
    for pid in ids:
        info = known.get(pid)
        brand = info.color if info is not None and getattr(info, "color", "") else ""
        if brand and not _too_dark(brand) and not any(_too_close(brand, c) for c in out):
            out.append(brand)
            continue
        for c in spare:
            if not any(_too_close(c, used) for used in out):
                out.append(c)
                break
        else:
            out.append(COLORS["muted"])
    return out


LABEL_SIZE = 12
CONFIG: dict[str, Any] = {
    "font": FONT_FAMILY,
    "background": "white",
    "padding": 8,
    "aria": False,  # screen readers get the description and the table instead
    "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 240},
    "title": {"fontSize": 14, "fontWeight": 600, "color": COLORS["text"], "anchor": "start", "offset": 10},
    "axis": {
        "labelFont": FONT_FAMILY,
        "titleFont": FONT_FAMILY,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "titleFontWeight": 600,
        "labelColor": COLORS["muted"],
        "titleColor": COLORS["text"],
        "gridColor": COLORS["grid"],
        "domainColor": COLORS["domain"],
        "tickColor": COLORS["domain"],
        "labelLimit": 180,
        "titlePadding": 8,
    },
    "axisBand": {"domain": False, "ticks": False, "labelPadding": 8, "labelColor": COLORS["text"]},
    "legend": {
        "labelFont": FONT_FAMILY,
        "titleFont": FONT_FAMILY,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "labelColor": COLORS["text"],
        "orient": "top",
        "direction": "horizontal",
        "title": None,
        "symbolSize": 120,
        "labelLimit": 220,
        "columnPadding": 16,
        "offset": 10,
    },
    "text": {"font": FONT_FAMILY, "fontSize": LABEL_SIZE, "color": COLORS["text"]},
    "line": {"strokeWidth": 2.5},
    "point": {"size": 50, "filled": True},
    "bar": {"cornerRadiusEnd": 2},
    "range": {"category": CATEGORY},
}

# What each chart shows comes from data/metrics.yaml (charts:, card:).
KEY_METRICS = registry.with_chart("before_after")
FUNNEL_TOP = registry.with_chart("funnel_top")
FUNNEL_REST = registry.with_chart("funnel_step")
COSTS = tuple((cost, registry.metrics()[cost].inputs[-1]) for cost in registry.with_chart("cost_of"))  # spend / result
SERIES_ORDER = registry.card_order()

ROW_STEP = 22  # px per bar in horizontal bar charts
SERIES_HEIGHT = 240
LANE_PX = 22  # px per lane of action titles above the lines
MAX_LANES = 4
CHAR_PX = 7.2  # rough width of a character at LABEL_SIZE, for label room
