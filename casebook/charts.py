"""Charts: a case's numbers as Vega-Lite specs, one set for the web and for PDFs.

:func:`build_charts` looks at what a case has and returns only the charts
its data supports, each as a :class:`Chart`: a Vega-Lite spec with its data
inline, a localized title, a description for screen readers and the same
numbers as a table.  The web embeds the spec with vega-embed (width
``"container"``); :mod:`casebook.chartrender` turns the same spec into a
static SVG for the no-JavaScript fallback and for the PDF.

Chart types and when each is made:

``period-change``
    client reports only: each total KPI's change against the previous
    period, green when the change is good for that metric, red when bad.
``before-after-<platform>``
    a platform with a key metric (followers, reach, views, engagements,
    leads) known both before and after (for reports: previous and this
    period).
``series-<metric>``
    a metric with at least two points over time (series, plus the before
    and after values, which are marked and labelled); the dated actions are
    drawn on a timeline strip above the plot (a bar for a span, a diamond
    for a day, a rule down to the axis where each starts) with their titles.
``cost-<cpl|cpc|cpa>``
    series with spend and leads (else clicks, else orders) for the same
    platform in at least two periods: cost per result over time, with the
    goal's target as a rule.
``spend``
    at least two actions with spend (else two platforms with spend).
``goals``
    at least one goal with a measurable actual: progress to target.
``funnel-<platform>``
    a platform with at least three of reach (or views, impressions),
    clicks, leads, orders in the after snapshot.

Every chart uses :data:`CONFIG` (one palette, one font) and formats its
axes with the case's d3 locale (:func:`d3_locale`); the labels drawn on
marks and the tables are formatted in Python by the Translator, so the
chart, the table and the text agree to the digit.  User text (titles of
actions, goal labels) only ever travels as data in the spec.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import altair as alt
from babel import Locale
from babel.numbers import get_currency_symbol

from . import compute, registry
from . import metrics as rules

if TYPE_CHECKING:  # pragma: no cover
    from .i18n import Translator


# --------------------------------------------------------------------------
# Style: one palette and one font for every chart, on the web and in print.

# The theme's fonts: print uses Noto Sans (bundled in theme/fonts, also
# registered with vl-convert so static SVGs are measured with it), DejaVu
# Sans for symbols; the web falls back to the system's sans-serif.
# Unquoted (valid CSS): the PDF rewrites font-family attributes with a
# pattern that stops at an inner quote.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Helvetica, Arial, sans-serif"

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


# --------------------------------------------------------------------------
# The interface


@dataclass(frozen=True)
class Chart:
    id: str  # stable, unique in the case, e.g. "before-after-vk", "series-reach", "funnel-vk"
    title: str  # localized
    description: str  # one or two localized sentences for screen readers, with the key numbers
    spec: dict  # Vega-Lite spec (JSON-serialisable, data inline, no URLs), width "container"
    columns: list[str]  # table header, localized
    rows: list[list[str]]  # table cells, already formatted by the Translator


def build_charts(facts: "compute.CaseFacts", t: "Translator", cache_dir: "Path | None" = None) -> list[Chart]:
    """The charts the case's data supports, in reading order.

    Building costs ~30 ms a chart (Altair), and the site and the PDFs of one
    build both ask: the result is kept per case content and locale, in
    memory and, given ``cache_dir``, on disk for the next build.  The
    charts are shared, so treat their specs as read-only.
    """
    key = (facts.case.model_dump_json(), t.locale)
    cached = _BUILT.get(key)
    disk = _disk_path(cache_dir, key) if cache_dir is not None else None
    if cached is None and disk is not None:
        from . import store

        text = store.read_text(disk)  # None: missing, changed or unsigned
        try:
            if text is not None:
                cached = [Chart(**item) for item in json.loads(text)]
                _BUILT[key] = cached
        except (ValueError, TypeError):
            cached = None  # a broken entry is made again
    if cached is None:
        ctx = _Ctx(facts, t)
        cached = []
        for make in (_period_change, _before_after, _series, _cost_over_time, _goals, _funnels, _spend):
            cached.extend(make(ctx))
        ids = [c.id for c in cached]
        if len(ids) != len(set(ids)):
            raise RuntimeError(f"chart ids must be unique in a case: {ids}")
        # always through JSON, so a chart read from the disk cache is the same object as a fresh one
        text = json.dumps([asdict(c) for c in cached], ensure_ascii=False, sort_keys=True)
        cached = [Chart(**item) for item in json.loads(text)]
        if len(_BUILT) >= 256:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[key] = cached
        if disk is not None:
            _write_atomic(disk, text)
    return list(cached)


@lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """What else decides a chart: this module, the locale texts, the i18n code and Altair."""
    import hashlib

    import altair

    from .paths import LOCALES_DIR, PACKAGE_DIR

    h = hashlib.sha256(altair.__version__.encode())
    for path in [Path(__file__), PACKAGE_DIR / "i18n.py", *sorted(LOCALES_DIR.glob("*.yaml"))]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _disk_path(cache_dir: "Path", key: tuple[str, str]) -> "Path":
    import hashlib

    digest = hashlib.sha256("\0".join((*key, _code_fingerprint())).encode()).hexdigest()
    return Path(cache_dir) / f"{digest[:32]}.json"


def _write_atomic(path: "Path", text: str) -> None:
    from . import store

    store.write_quietly(path, text.encode("utf-8"))  # a cache that cannot be written only costs time


_BUILT: dict[tuple[str, str], list[Chart]] = {}

# Altair turns a shorthand string ("value:Q") or a dict given to encode() into
# its channel class through SchemaBase.from_dict, which hashes the whole
# Vega-Lite schema on every call: about 4 ms a channel, most of the time
# charts take.  Built as the channel class directly, the spec is the same.
_CHANNEL_CLASSES = {
    "x": alt.X, "y": alt.Y, "x2": alt.X2, "y2": alt.Y2, "text": alt.Text, "color": alt.Color,
    "tooltip": alt.Tooltip, "detail": alt.Detail, "order": alt.Order, "opacity": alt.Opacity,
    "size": alt.Size, "stroke": alt.Stroke, "strokeDash": alt.StrokeDash, "shape": alt.Shape,
    "xOffset": alt.XOffset, "yOffset": alt.YOffset,
}


_VALUE_CLASSES = {
    "x": alt.XValue, "y": alt.YValue, "x2": alt.X2Value, "y2": alt.Y2Value, "text": alt.TextValue,
    "color": alt.ColorValue, "opacity": alt.OpacityValue, "size": alt.SizeValue, "stroke": alt.StrokeValue,
    "strokeDash": alt.StrokeDashValue, "shape": alt.ShapeValue, "xOffset": alt.XOffsetValue,
    "yOffset": alt.YOffsetValue, "tooltip": alt.TooltipValue,
}


def _channel(name: str, value: Any) -> Any:
    cls = _CHANNEL_CLASSES.get(name)
    if cls is None:
        return value
    if isinstance(value, str):
        return cls(value)
    if isinstance(value, dict) and set(value) == {"value"} and name in _VALUE_CLASSES:
        return _VALUE_CLASSES[name](value["value"])
    if isinstance(value, dict) and "value" not in value and "datum" not in value:
        return cls(**value)
    if isinstance(value, list):
        return [_channel(name, v) for v in value]
    return value


def _channels(**channels: Any) -> dict[str, Any]:
    """encode()'s arguments as channel objects (see _CHANNEL_CLASSES)."""
    return {name: _channel(name, value) for name, value in channels.items()}


def d3_locale(locale: str, currency: str) -> tuple[dict, dict]:
    """(format_locale, time_format_locale) for d3, vl-convert and vega-embed.

    The d3 locale of the language (en -> en-US, ru -> ru-RU ...; en-US when
    d3 has none) with the separators, percent sign and currency of Babel,
    so axis numbers match the Translator's ``12 345``, ``84 000 ₽``,
    ``₱84,000``.  Month names come from d3 (``фев``, ``мар``) or, for a
    language d3 lacks (fil), from Babel (``Peb``, ``Mar``).
    """
    number, time = _d3_locale(locale, currency)
    return json.loads(number), json.loads(time)


def embed_options(locale: str, currency: str) -> dict:
    """vega-embed options for a case: its locale, SVG renderer, no action menu."""
    number, time = d3_locale(locale, currency)
    return {"actions": False, "renderer": "svg", "formatLocale": number, "timeFormatLocale": time}


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so a title such
    as ``</script>`` in user text cannot end the element.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


# --------------------------------------------------------------------------
# Locales


D3_DEFAULT_REGION = {
    "en": "en-US", "ru": "ru-RU", "uk": "uk-UA", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
    "it": "it-IT", "pt": "pt-BR", "nl": "nl-NL", "pl": "pl-PL", "cs": "cs-CZ", "sv": "sv-SE",
    "fi": "fi-FI", "da": "da-DK", "nb": "nb-NO", "ja": "ja-JP", "ko": "ko-KR", "zh": "zh-CN",
    "tr": "tr-TR", "he": "he-IL", "ar": "ar-SA", "hu": "hu-HU", "ca": "ca-ES", "mk": "mk-MK",
}


def _d3_candidates(locale: str) -> list[str]:
    lang = locale.split("-")[0]
    out = [locale] if "-" in locale else []
    if lang in D3_DEFAULT_REGION:
        out.append(D3_DEFAULT_REGION[lang])
    return out


def _named(getter, locale: str) -> dict | None:
    for name in _d3_candidates(locale):
        try:
            return dict(getter(name))
        except Exception:  # vl-convert raises for names d3 does not ship
            continue
    return None


@lru_cache(maxsize=None)
def _d3_locale(locale: str, currency: str) -> tuple[str, str]:
    import vl_convert as vlc

    babel_locale = Locale.parse(locale.replace("-", "_"))
    number = _named(vlc.get_format_locale, locale) or dict(vlc.get_format_locale("en-US"))
    symbols = babel_locale.number_symbols.get("latn", {}) if hasattr(babel_locale, "number_symbols") else {}
    number["decimal"] = symbols.get("decimal", number["decimal"])
    number["thousands"] = symbols.get("group", number["thousands"])
    pattern = babel_locale.currency_formats["standard"].pattern.split(";")[0]
    symbol = get_currency_symbol(currency, locale=babel_locale)
    if pattern.strip().startswith("¤"):
        number["currency"] = [symbol + ("\u00a0" if "¤\u00a0" in pattern else ""), ""]
    else:
        number["currency"] = ["", ("\u00a0" if "\u00a0¤" in pattern else "") + symbol]
    if babel_locale.language == "ru":
        number["percent"] = "\u00a0%"  # as Translator.percent writes it
    time = _named(vlc.get_time_format_locale, locale)
    if time is None:
        time = _babel_time_locale(babel_locale) if locale.split("-")[0] != "en" else None
    if time is None:
        time = dict(vlc.get_time_format_locale("en-US"))
    return json.dumps(number, ensure_ascii=False), json.dumps(time, ensure_ascii=False)


def _babel_time_locale(loc: Locale) -> dict:
    """A d3 time locale from Babel, for languages d3 does not ship (fil)."""
    months = loc.months["format"]
    days = loc.days["format"]
    # d3 weeks start on Sunday; Babel numbers days from Monday = 0.
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    periods = loc.day_periods.get("format", {}).get("abbreviated", {})
    return {
        "dateTime": "%x, %X",
        "date": "%m/%d/%Y",
        "time": "%-I:%M:%S %p",
        "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
        "days": [str(days["wide"][i]) for i in sunday_first],
        "shortDays": [str(days["abbreviated"][i]) for i in sunday_first],
        "months": [str(months["wide"][i]) for i in range(1, 13)],
        "shortMonths": [str(months["abbreviated"][i]) for i in range(1, 13)],
    }


# --------------------------------------------------------------------------
# Building blocks


class _Ctx:
    def __init__(self, facts: compute.CaseFacts, t: "Translator"):
        self.facts = facts
        self.case = facts.case
        self.t = t
        self.report = self.case.kind == "report"
        self.before_label = t.t("ui.previous_period") if self.report else t.t("ui.before")
        self.after_label = t.t("ui.this_period") if self.report else t.t("ui.after")

    def platform(self, pid: str) -> str:
        if pid == "total":
            return self.t.t("ui.total")
        info = registry.platforms().get(pid)
        return info.label if info else pid

    def value(self, value: float | None, metric: str) -> str:
        return self.t.value(value, compute.kind_of(metric), self.case.currency)

    def money(self, value: float | None) -> str:
        return self.t.money(value, self.case.currency)

    def change(self, before: float | None, after: float | None, metric: str = "reach") -> str:
        """The change as the KPI cards show it (casebook.metrics.change_figure), '' when not computable."""
        if before is None or after is None or not before:
            return ""
        kind = compute.kind_of(metric)
        return self.t.change(rules.change_figure(compute.metric_change(self.case, metric, before, after), kind),
                             self.case.currency)


def _spec(chart: alt.TopLevelMixin, description: str, heights: tuple[int, int | None] = (120, None)) -> dict:
    """The Vega-Lite dict of a chart, with the one style and the fit-to-width sizing.

    ``heights`` is the (min, max) plot height a renderer may set: a chart of
    rows is unreadable below a few pixels a row and silly above some
    (``usermeta.casebook``, read by :func:`casebook.chartrender.static_spec`).
    """
    # Validation against the Vega-Lite schema costs ~50 ms a chart; the tests
    # validate every chart type instead (tests/test_charts.py).
    spec = chart.to_dict(validate=False)
    spec["config"] = copy.deepcopy(CONFIG)
    spec["description"] = description
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    low, high = heights
    spec["usermeta"] = {"casebook": {"minHeight": low, "maxHeight": high}}
    return spec


def _label_room(labels: list[str], minimum: float = 0.0) -> str:
    """Vega expression: the x domain's maximum for bars whose share is <= 1,
    leaving room on the right for the longest label at any width."""
    px = max((len(s) for s in labels), default=0) * CHAR_PX + 12
    return f"max({minimum}, width / max(width - {px:.0f}, width * 0.35))"


def _rows_height(n: int, per_row: int = ROW_STEP) -> int:
    return max(1, n) * per_row


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _end_exclusive(d: dt.date) -> dt.date:
    return d + dt.timedelta(days=1)


def _month_axis(ctx: _Ctx, dates: list[dt.date]) -> alt.Axis:
    """A time axis labelled by month, each label in the middle of its month.

    Monthly values sit on the 15th (see :func:`_series_points`), so the
    label stands under its point and an action of that month spans it.
    The first label and each January carry the year.
    """
    spans = [s for s in ctx.facts.actions if s.start is not None]
    lo = min(dates + [s.start for s in spans])
    hi = max(dates + [_end_exclusive(s.end or s.start) for s in spans])
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = 1 if months <= 9 else 2 if months <= 18 else 3 if months <= 30 else 6 if months <= 60 else 12
    values = []
    year, month = lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        mid = dt.date(year, month, 15)
        if lo <= mid <= hi and (year * 12 + month - 1) % step == 0:
            values.append(alt.DateTime(year=year, month=month, date=15, utc=True))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return alt.Axis(
        title=None,
        values=values,
        labelExpr=(
            "utcFormat(datum.value, '%b')"
            " + (utcmonth(datum.value) == 0 || datum.index == 0 ? ' ' + utcFormat(datum.value, '%Y') : '')"
        ),
        labelOverlap=True,
        grid=False,
        ticks=True,
        labelFontSize=LABEL_SIZE,
    )


# --------------------------------------------------------------------------
# Before and after, per platform


def _before_after(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    out = []
    for platform in case.platforms:
        before = compute.counts(case.baseline, platform)
        after = compute.counts(case.after, platform)
        metrics = [
            m for m in KEY_METRICS
            if before.get(m) is not None and after.get(m) is not None and max(before[m], after[m]) > 0
        ]
        if not metrics:
            continue
        data, rows, parts, labels = [], [], [], []
        for i, m in enumerate(metrics):
            b, a = before[m], after[m]
            top = max(b, a)
            change = ctx.change(b, a, m)
            b_label = t.number(b)
            a_label = t.number(a) + (f" ({change})" if change else "")
            labels += [b_label, a_label]
            for period, value, label, order in ((ctx.before_label, b, b_label, 0), (ctx.after_label, a, a_label, 1)):
                data.append({
                    "metric": t.metric(m), "period": period, "order": order, "value": value,
                    "share": value / top, "label": label, "shown": t.number(value),
                    "tip": f"{t.metric(m)}, {period}: {t.number(value)}",
                })
            rows.append([t.metric(m), t.number(b), t.number(a), change or t.t("ui.not_available")])
            parts.append(f"{t.metric(m)}: {t.number(b)} → {t.number(a)}" + (f" ({change})" if change else ""))
        name = ctx.platform(platform)
        title = f"{name}: {ctx.before_label} / {ctx.after_label}"
        description = f"{title}. " + "; ".join(parts) + "."
        order = [t.metric(m) for m in metrics]
        periods = [ctx.before_label, ctx.after_label]
        base = alt.Chart(alt.Data(values=data)).encode(**_channels(
            y=alt.Y("metric:N", sort=order, title=None, axis=alt.Axis(labelFontWeight=600)),
            yOffset=alt.YOffset("period:N", sort=periods),
            x=alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(_label_room(labels, 1)), nice=False)),
            tooltip=alt.Tooltip("tip:N", title=name),
        ))
        bars = base.mark_bar(height={"band": 1}).encode(**_channels(
            color=alt.Color("period:N", sort=periods, scale=alt.Scale(domain=periods, range=[COLORS["before"], COLORS["after"]]),
                            legend=alt.Legend(title=None)),
        ))
        text = base.mark_text(align="left", baseline="middle", dx=5).encode(**_channels(text="label:N"))
        chart = alt.layer(bars, text).properties(
            width="container", height=_rows_height(len(metrics) * 2, 20) + 8 * len(metrics),
        ).resolve_scale(y="shared")
        n = len(metrics)
        spec = _spec(chart, description, (28 * n, 60 * n))
        out.append(Chart(
            id=f"before-after-{platform}", title=title, description=description, spec=spec,
            columns=[name, ctx.before_label, ctx.after_label, t.t("ui.change")], rows=rows,
        ))
    return out


# --------------------------------------------------------------------------
# Series over time, with the actions


@dataclass
class _Point:
    platform: str
    date: dt.date
    value: float
    label: str  # the date as the table shows it
    mark: str = ""  # "", or the before / after label
    joined: bool = True  # drawn as part of the line


def _is_monthly(case, platform: str, metric: str) -> bool:
    raw = case.series.get(f"{platform}.{metric}", {})
    return bool(raw) and all(isinstance(k, str) for k in raw)


def _missing_months(ctx: _Ctx, line: compute.SeriesLine) -> list[dt.date]:
    """The first days of the months a monthly series skips between its first and last month."""
    if not _is_monthly(ctx.case, line.platform, line.metric):
        return []
    have = {(d.year, d.month) for d, _ in line.points}
    if not have:
        return []
    lo, hi = min(have), max(have)
    out, (y, mo) = [], lo
    while (y, mo) < hi:
        if (y, mo) not in have:
            out.append(dt.date(y, mo, 1))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


def _series_points(ctx: _Ctx, line: compute.SeriesLine) -> list[_Point]:
    case, t = ctx.case, ctx.t
    monthly = _is_monthly(case, line.platform, line.metric)
    pts = []
    for day, value in line.points:
        if monthly:
            pts.append(_Point(line.platform, day.replace(day=15), value, t.month(day)))
        else:
            pts.append(_Point(line.platform, day, value, t.date(day)))
    return pts


def _snapshot_point(ctx: _Ctx, which: str, platform: str, metric: str) -> _Point | None:
    case, t = ctx.case, ctx.t
    if compute.kind_of(metric) != "count":
        return None
    snap = case.baseline if which == "before" else case.after
    if snap is None:
        return None
    value = compute.counts(snap, platform).get(metric)
    if value is None:
        return None
    mark = ctx.before_label if which == "before" else ctx.after_label
    info = registry.metrics().get(metric)
    if info is not None and info.measure != "stock":
        # a flow belongs on a monthly line only when it covers one month:
        # four months' reach beside monthly values would read as a spike
        span = case.baseline_period if which == "before" else case.after_period
        if span is None or compute.whole_months(span) != 1:
            return None
        day = span.start.replace(day=15)
        return _Point(platform, day, float(value), t.month(span.start), mark)
    if which == "before":
        day = snap.as_of or case.period.start
    else:
        day = snap.as_of or case.period.end
    return _Point(platform, day, float(value), t.date(day), mark)


def _action_layers(ctx: _Ctx, domain: tuple[dt.date, dt.date]) -> tuple[list, int, list[str]]:
    """The dated actions as a timeline strip above the lines.

    Each action gets a title and a thin bar for its span (a dot for a single
    day) in a lane at the top of the plot, and a faint rule down to the time
    axis where it starts.  Lanes are assigned so that titles do not overlap
    at a typical width; the y scale leaves room for them (:func:`_y_scale`).
    Returns the layers, the number of lanes and "title (when)" texts.
    """
    spans = [s for s in ctx.facts.actions if s.start is not None]
    if not spans:
        return [], 0, []
    t = ctx.t
    lo = min([domain[0]] + [s.start for s in spans])
    hi = max([domain[1]] + [_end_exclusive(s.end or s.start) for s in spans])
    total_days = max(1, (hi - lo).days)
    est_plot_px = 480.0
    lane_end: list[float] = []  # per lane: the last occupied position, in days from lo
    rows, names = [], []
    for span in sorted(spans, key=lambda s: (s.start, s.end or s.start)):
        start = span.start
        end = _end_exclusive(span.end or span.start)
        title = span.action.title
        when = _when_label(t, span)
        s_day, e_day = (start - lo).days, (end - lo).days
        text_days = (len(title) * CHAR_PX * 0.92 + 10) / est_plot_px * total_days
        right = s_day + text_days > total_days and e_day - text_days >= 0
        occ = (e_day - text_days, e_day) if right else (s_day, max(e_day, s_day + text_days))
        lane = next((i for i, last in enumerate(lane_end) if last <= occ[0]), None)
        if lane is None:
            if len(lane_end) < MAX_LANES:
                lane_end.append(occ[1])
                lane = len(lane_end) - 1
            else:
                lane = min(range(len(lane_end)), key=lambda i: lane_end[i])
        lane_end[lane] = max(lane_end[lane], occ[1])
        single = span.end in (None, span.start) and not _is_month_action(span)
        rows.append({
            "title": title, "when": when, "start": _iso(start), "end": _iso(end),
            "at": _iso(end if right else start), "align": "right" if right else "left",
            "lane": lane, "single": single,
        })
        names.append(f"{title} ({when})")
    # The strip sits above the plot (negative pixel y); autosize makes room.
    lanes = len(lane_end)
    for row in rows:
        top = -(lanes - row.pop("lane")) * LANE_PX - 10
        row.update(text_y=top, bar_y=top + 14, bar_y2=top + 18)
    tip = [alt.Tooltip("title:N", title=t.t("ui.what_was_done")), alt.Tooltip("when:N", title=t.t("ui.period"))]
    data = alt.Data(values=rows)
    base = alt.Chart(data)
    layers = [
        base.mark_rule(color=COLORS["action"], strokeDash=[2, 3], strokeWidth=1, opacity=0.8).encode(**_channels(
            x=alt.X("start:T"), y=alt.Y("bar_y:Q", scale=None), y2=alt.value(alt.ExprRef("height")),
        )),
        base.transform_filter("!datum.single").mark_rect(color=COLORS["action"], cornerRadius=2).encode(**_channels(
            x=alt.X("start:T"), x2="end:T", y=alt.Y("bar_y:Q", scale=None), y2="bar_y2:Q", tooltip=tip,
        )),
        base.transform_filter("datum.single").mark_point(
            shape="diamond", filled=True, size=60, color=COLORS["action"], opacity=1,
        ).encode(**_channels(x=alt.X("start:T"), y=alt.Y("bar_y:Q", scale=None), tooltip=tip)),
    ]
    for align in ("left", "right"):
        if any(r["align"] == align for r in rows):
            layers.append(base.transform_filter(f"datum.align == '{align}'").mark_text(
                align=align, baseline="top", dx=2 if align == "left" else -2, fontSize=11,
                color=COLORS["action_text"], limit=alt.ExprRef("max(100, width * 0.8)"),
            ).encode(**_channels(x=alt.X("at:T"), y=alt.Y("text_y:Q", scale=None), text="title:N", tooltip=tip)))
    return layers, lanes, names


def _is_month_action(span: compute.ActionSpan) -> bool:
    return isinstance(span.action.when, str)


def _when_label(t: "Translator", span: compute.ActionSpan) -> str:
    if _is_month_action(span):
        return t.month(span.start)
    if span.end is None or span.end == span.start:
        return t.date(span.start)
    return f"{t.date(span.start)} – {t.date(span.end)}"


def _y_scale(max_value: float) -> alt.Scale:
    """From zero, with headroom for the value label above the highest point."""
    return alt.Scale(zero=True, nice=True, domainMin=0, domainMax=max_value * 1.1)


def _join_ends(ctx: _Ctx, pts: list[_Point], platform: str, metric: str) -> list[_Point]:
    """The series with the before and after values marked on it.

    A snapshot taken in the month of a series point with the same value
    marks that point (a report's previous period usually is one); otherwise
    it becomes a point of its own, on the line when it lies outside the
    series' months, beside it (not joined) when the series has another
    value for that month.
    """
    pts = list(pts)
    for which in ("before", "after"):
        snap = _snapshot_point(ctx, which, platform, metric)
        if snap is None:
            continue
        same_month = [p for p in pts if (p.date.year, p.date.month) == (snap.date.year, snap.date.month) and not p.mark]
        match = next((p for p in same_month if p.value == snap.value), None)
        if match is not None:
            match.mark = snap.mark
            continue
        if same_month:
            snap.joined = False
        pts.append(snap)
        pts.sort(key=lambda p: p.date)
    return pts


def _end_label_positions(pts: list[_Point], top: float) -> dict[int, str]:
    """Where the before/after value labels go so that the line does not cross them.

    ``br``: below right of the point, ``ar`` above right, ``al`` above left,
    ``bl`` below left, ``a`` above, ``b`` below.  A rising line leaves room
    below-right of its start and above-left of its end; a point near the
    bottom gets its label above.
    """
    out = {}
    line = [p for p in pts if p.joined]
    for p in pts:
        if not p.mark:
            continue
        i = pts.index(p)
        if not p.joined or len(line) < 2:
            pos = "ar"
        else:
            j = line.index(p)
            prev = line[j - 1].value if j > 0 else None
            nxt = line[j + 1].value if j + 1 < len(line) else None
            if prev is None:
                pos = "br" if nxt >= p.value else "ar"
            elif nxt is None:
                pos = "al" if p.value >= prev else "bl"
            elif prev <= p.value >= nxt:
                pos = "a"
            elif prev >= p.value <= nxt:
                pos = "b"
            else:
                pos = "al" if prev < p.value else "ar"
        if pos.startswith("b") and p.value < 0.15 * top:
            pos = "a" + pos[1:]
        out[i] = pos
    return out


LABEL_POS = {  # align, baseline, dx, dy
    "a": ("center", "bottom", 0, -9),
    "b": ("center", "top", 0, 9),
    "br": ("left", "top", 7, 7),
    "ar": ("left", "bottom", 7, -7),
    "al": ("right", "bottom", -7, -7),
    "bl": ("right", "top", -7, 7),
}


def _platform_color(names: list[str]):
    """One colour per platform; the legend goes below (the action strip is above)."""
    if len(names) < 2:
        return alt.value(COLORS["after"])
    return alt.Color("platform:N", sort=names, scale=alt.Scale(domain=names, range=CATEGORY[: len(names)]),
                     legend=alt.Legend(title=None, orient="bottom"))


def _series(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    by_metric: dict[str, list[compute.SeriesLine]] = {}
    for line in ctx.facts.series:
        by_metric.setdefault(line.metric, []).append(line)
    order = [m for m in SERIES_ORDER if m in by_metric] + sorted(m for m in by_metric if m not in SERIES_ORDER)
    out = []
    for metric in order:
        per_line, gaps = [], {}
        for line in by_metric[metric]:
            pts = _series_points(ctx, line)
            if pts:
                per_line.append(_join_ends(ctx, pts, line.platform, metric))
                gaps[line.platform] = _missing_months(ctx, line)
        points = [p for pts in per_line for p in pts]
        if len(points) < 2:
            continue
        top = max(p.value for p in points)
        if top <= 0:
            continue  # all zero: nothing to see
        platforms = list(dict.fromkeys(p.platform for p in points))
        names = [ctx.platform(p) for p in platforms]
        money = compute.kind_of(metric) == "money"
        data = []
        for pts in per_line:
            positions = _end_label_positions(pts, top)
            missing = gaps.get(pts[0].platform, [])
            for i, p in enumerate(pts):
                # a missing month breaks the line: each run of months is a segment of its own
                segment = sum(1 for g in missing if g <= p.date)
                data.append({
                    "segment": f"{p.platform}-{segment}",
                    "date": _iso(p.date), "value": p.value, "platform": ctx.platform(p.platform),
                    "when": f"{p.mark}: {p.label}" if p.mark else p.label,
                    "shown": ctx.value(p.value, metric), "mark": p.mark, "pos": positions.get(i, ""),
                    "joined": p.joined,
                })
        dates = [p.date for p in points]
        action_layers, lanes, action_names = _action_layers(ctx, (min(dates), max(dates)))
        color = _platform_color(names)
        tip = [alt.Tooltip("platform:N", title=t.t("ui.platform")), alt.Tooltip("when:N", title=t.t("ui.period")),
               alt.Tooltip("shown:N", title=t.metric(metric))]
        base = alt.Chart(alt.Data(values=data)).encode(**_channels(
            x=alt.X("date:T", scale=alt.Scale(type="utc"), axis=_month_axis(ctx, dates)),
            y=alt.Y("value:Q", title=t.metric(metric), scale=_y_scale(top),
                    axis=alt.Axis(format="$,.0f" if money else ",.0f", tickCount=5)),
            color=color,
            tooltip=tip,
        ))
        line = base.transform_filter("datum.joined") if not all(d["joined"] for d in data) else base
        line = line.encode(detail=alt.Detail("segment:N"))  # a gap is a gap, not a straight line
        layers = [*action_layers, line.mark_line(interpolate="monotone"), base.mark_point(size=45, filled=True)]
        if any(d["mark"] for d in data):
            layers.append(base.transform_filter("datum.mark != ''").mark_point(
                size=120, filled=True, stroke="white", strokeWidth=1.5, opacity=1,
            ))
            for pos, (align, baseline, dx, dy) in LABEL_POS.items():
                if any(d["pos"] == pos for d in data):
                    layers.append(base.transform_filter(f"datum.pos == '{pos}'").mark_text(
                        align=align, baseline=baseline, dx=dx, dy=dy, fontWeight=600, color=COLORS["text"],
                    ).encode(**_channels(text="shown:N", color=alt.value(COLORS["text"]))))
        chart = alt.layer(*layers).properties(width="container", height=SERIES_HEIGHT)
        title = f"{t.metric(metric)}: {', '.join(names)}"
        first, last = _line_ends(points)

        def when(p: _Point) -> str:
            return f"{p.mark}: {p.label}" if p.mark else p.label

        parts = [
            f"{ctx.platform(p)}: {ctx.value(first[p].value, metric)} ({when(first[p])}) → "
            f"{ctx.value(last[p].value, metric)} ({when(last[p])})"
            for p in platforms
        ]
        description = f"{title}. " + "; ".join(parts) + "."
        if action_names:
            description += f" {t.t('ui.what_was_done')}: " + "; ".join(action_names) + "."
        columns = [t.t("ui.period")] + names
        by_date: dict[dt.date, tuple[str, dict[str, str]]] = {}
        for p in sorted(points, key=lambda p: p.date):
            label, vals = by_date.setdefault(p.date, (when(p), {}))
            if p.mark and not label.startswith(p.mark):
                by_date[p.date] = (when(p), vals)
            vals[p.platform] = ctx.value(p.value, metric)
        for platform, missing in gaps.items():
            for month in missing:  # a month the series skips: said so, not left out
                day = month.replace(day=15)
                label, vals = by_date.setdefault(day, (t.month(month), {}))
                vals[platform] = t.t("ui.not_available")
        rows = [[label] + [vals.get(pl, "") for pl in platforms] for _, (label, vals) in sorted(by_date.items())]
        out.append(Chart(
            id=f"series-{metric}", title=title, description=description, spec=_spec(chart, description),
            columns=columns, rows=rows,
        ))
    return out


def _line_ends(points: list[_Point]) -> tuple[dict[str, _Point], dict[str, _Point]]:
    first: dict[str, _Point] = {}
    last: dict[str, _Point] = {}
    for p in sorted(points, key=lambda p: p.date):
        first.setdefault(p.platform, p)
        last[p.platform] = p
    return first, last


# --------------------------------------------------------------------------
# Cost per result over time


def _cost_over_time(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    platforms = list(dict.fromkeys(k.split(".")[0] for k in case.series))
    for cost, result in COSTS:
        points = []
        for platform in platforms:
            spend = case.series.get(f"{platform}.spend")
            results = case.series.get(f"{platform}.{result}")
            if not spend or not results:
                continue
            monthly = all(isinstance(k, str) for k in list(spend) + list(results))
            for key in sorted(set(spend) & set(results), key=lambda k: compute.month_start(k) if isinstance(k, str) else k):
                if not results[key]:
                    continue  # no result that month: no cost, never a division by zero
                day = compute.month_start(key) if isinstance(key, str) else key
                points.append({
                    "platform_id": platform, "day": day.replace(day=15) if monthly else day,
                    "when": t.month(day) if monthly else t.date(day),
                    "spend": float(spend[key]), "result": float(results[key]),
                    "value": float(spend[key]) / float(results[key]),
                })
        counted: dict[str, int] = {}
        for p in points:
            counted[p["platform_id"]] = counted.get(p["platform_id"], 0) + 1
        points = [p for p in points if counted[p["platform_id"]] >= 2]
        if not points:
            continue
        shown_platforms = list(dict.fromkeys(p["platform_id"] for p in points))
        names = [ctx.platform(p) for p in shown_platforms]
        data = [{
            "date": _iso(p["day"]), "value": p["value"], "platform": ctx.platform(p["platform_id"]),
            "when": p["when"], "shown": ctx.money(p["value"]),
            "spend": ctx.money(p["spend"]), "result": t.number(p["result"]),
        } for p in points]
        dates = [p["day"] for p in points]
        action_layers, lanes, action_names = _action_layers(ctx, (min(dates), max(dates)))
        targets = [g for g in case.goals if g.metric == cost and (g.platform is None or g.platform in shown_platforms)]
        top = max([p["value"] for p in points] + [g.target for g in targets])
        small = top < 100
        color = _platform_color(names)
        tip = [alt.Tooltip("platform:N", title=t.t("ui.platform")), alt.Tooltip("when:N", title=t.t("ui.period")),
               alt.Tooltip("shown:N", title=t.metric(cost)), alt.Tooltip("spend:N", title=t.metric("spend")),
               alt.Tooltip("result:N", title=t.metric(result))]
        base = alt.Chart(alt.Data(values=data)).encode(**_channels(
            x=alt.X("date:T", scale=alt.Scale(type="utc"), axis=_month_axis(ctx, dates)),
            y=alt.Y("value:Q", title=f"{t.metric(cost)}", scale=_y_scale(top),
                    axis=alt.Axis(format="$,.2~f" if small else "$,.0f", tickCount=5)),
            color=color, tooltip=tip,
        ))
        layers = [*action_layers, base.mark_line(interpolate="monotone"), base.mark_point(size=45, filled=True)]
        target_rows = [{"value": g.target, "label": f"{t.t('ui.target')}: {ctx.money(g.target)}"} for g in targets[:1]]
        if target_rows:
            rule = alt.Chart(alt.Data(values=target_rows))
            layers.append(rule.mark_rule(color=COLORS["target"], strokeDash=[6, 4], strokeWidth=1.5).encode(**_channels(y="value:Q")))
            layers.append(rule.mark_text(align="right", baseline="bottom", dy=-3, fontWeight=600, x="width", dx=-2).encode(**_channels(
                y="value:Q", text="label:N")))
        chart = alt.layer(*layers).properties(width="container", height=SERIES_HEIGHT)
        title = f"{t.metric(cost)}: {', '.join(names)}"
        first, last = {}, {}
        for p in data:
            first.setdefault(p["platform"], p)
            last[p["platform"]] = p
        parts = [f"{n}: {first[n]['shown']} ({first[n]['when']}) → {last[n]['shown']} ({last[n]['when']})" for n in names]
        description = f"{title}. " + "; ".join(parts) + "."
        if target_rows:
            description += f" {target_rows[0]['label']}."
        columns = [t.t("ui.period"), t.t("ui.platform"), t.metric("spend"), t.metric(result), t.metric(cost)]
        rows = [[p["when"], p["platform"], p["spend"], p["result"], p["shown"]] for p in data]
        return [Chart(id=f"cost-{cost}", title=title, description=description,
                      spec=_spec(chart, description), columns=columns, rows=rows)]
    return []


# --------------------------------------------------------------------------
# Spend by action or by platform


def _spend(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    items = [(a.title, a.spend) for a in case.actions if a.spend]
    head = t.t("ui.what_was_done")
    if len(items) < 2:
        after = case.after.metrics if case.after else {}
        items = [(ctx.platform(p), after[p].spend) for p in case.platforms if p in after and after[p].spend]
        head = t.t("ui.platform")
    if len(items) < 2:
        return []
    total = sum(v for _, v in items)
    biggest = max(v for _, v in items)
    data, rows, labels = [], [], []
    for i, (name, value) in enumerate(items):
        share = value / total * 100
        label = f"{ctx.money(value)} · {t.percent(share, digits=0)}"
        labels.append(label)
        data.append({"item": name, "key": f"{i:02d}", "value": value, "share": value / biggest, "at": value / biggest,
                     "label": label, "shown": ctx.money(value)})
        rows.append([name, ctx.money(value), t.percent(share, digits=0)])
    title = f"{t.t('ui.budget')}: {ctx.money(total)}"
    description = f"{title}. " + "; ".join(f"{n}: {ctx.money(v)}" for n, v in items) + "."
    tooltip = [alt.Tooltip("item:N", title=head), alt.Tooltip("shown:N", title=t.metric("spend"))]
    x = alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(_label_room(labels, 1)), nice=False))
    chart = _named_rows(data, "item", x, alt.value(COLORS["after"]), tooltip)
    n = len(data)
    return [Chart(id="spend", title=title, description=description, spec=_spec(chart, description, (40 * n, 60 * n)),
                  columns=[head, t.metric("spend"), "%"],
                  rows=rows + [[t.t("ui.total"), ctx.money(total), t.percent(100, digits=0)]])]


NAMED_ROW_PX = 50


def _named_rows(data: list[dict], name: str, x: alt.X, color, tooltip, extra: tuple = ()) -> alt.LayerChart:
    """Horizontal bars under their names (user text gets the full width).

    Each row of ``data`` has ``key`` (unique, in order), the ``name`` field,
    the bar's x field (given by ``x``), ``at`` (where the label starts) and
    ``label``.
    """
    y = alt.Y("key:N", sort=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    base = alt.Chart(alt.Data(values=data)).encode(**_channels(y=y, tooltip=tooltip))
    names = base.mark_text(
        align="left", baseline="top", dy=4, fontWeight=600, color=COLORS["text"],
        limit=alt.ExprRef("width"),
    ).encode(**_channels(x=alt.value(0), y=alt.Y("key:N", sort=None, bandPosition=0, axis=None), text=f"{name}:N"))
    bars = base.mark_bar(height=15, yOffset=4).encode(**_channels(x=x, color=color))
    labels = base.mark_text(align="left", baseline="middle", dx=5, yOffset=4).encode(**_channels(
        x=alt.X("at:Q"), text="label:N",
    ))
    return alt.layer(bars, *extra, labels, names).properties(
        width="container", height=NAMED_ROW_PX * len(data),
    )


# --------------------------------------------------------------------------
# Goals: actual against target


def _goal_name(ctx: _Ctx, goal) -> str:
    if goal.label:
        return goal.label
    name = ctx.t.metric(goal.metric)
    return f"{name} ({ctx.platform(goal.platform)})" if goal.platform else name


def _goals(ctx: _Ctx) -> list[Chart]:
    t = ctx.t
    results = ctx.facts.goals
    drawable = [r for r in results if r.actual is not None and r.progress is not None]
    if not drawable:
        return []
    status_names = {s: t.t(f"status.{s}") for s in ("met", "close", "missed")}
    data, labels = [], []
    for i, r in enumerate(drawable):
        actual = ctx.value(r.actual, r.goal.metric)
        target = ctx.value(r.goal.target, r.goal.metric)
        label = f"{actual} / {target} · {status_names.get(r.status, r.status)}"
        labels.append(label)
        progress = min(r.progress, 1.5)
        data.append({
            "key": f"{i:02d}", "goal": _goal_name(ctx, r.goal), "progress": progress, "at": max(progress, 1.0),
            "percent": t.percent(r.progress * 100, digits=0), "status": status_names.get(r.status, r.status),
            "label": label, "actual": actual, "target": target, "one": 1,
        })
    rows = [[_goal_name(ctx, r.goal), ctx.value(r.goal.target, r.goal.metric), ctx.value(r.actual, r.goal.metric),
             t.t(f"status.{r.status}")] for r in results]
    top = max(1.0, max(d["progress"] for d in data))
    statuses = [status_names[s] for s in ("met", "close", "missed")]
    tooltip = [alt.Tooltip("goal:N", title=t.t("ui.goal")), alt.Tooltip("target:N", title=t.t("ui.target")),
               alt.Tooltip("actual:N", title=t.t("ui.actual")), alt.Tooltip("percent:N", title="%"),
               alt.Tooltip("status:N", title=t.t("ui.status"))]
    x = alt.X("progress:Q", title=None,
              scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(f"{top} * " + _label_room(labels, 1)), nice=False),
              axis=alt.Axis(format=".0%", values=[0, 0.5, 1, 1.5][: 3 + (top > 1)], grid=True, labelFlush=False))
    color = alt.Color("status:N", legend=None,
                      scale=alt.Scale(domain=statuses, range=[COLORS["good"], COLORS["close"], COLORS["bad"]]))
    target = alt.Chart(alt.Data(values=data)).mark_tick(
        color=COLORS["target"], thickness=2, size=24, yOffset=4,
    ).encode(**_channels(x=alt.X("one:Q"), y=alt.Y("key:N", sort=None, axis=None), tooltip=tooltip))
    chart = _named_rows(data, "goal", x, color, tooltip, extra=(target,))
    title = t.t("ui.goals")
    description = f"{title}. " + "; ".join(
        f"{_goal_name(ctx, r.goal)}: {t.t('ui.target')} {ctx.value(r.goal.target, r.goal.metric)}, "
        f"{t.t('ui.actual')} {ctx.value(r.actual, r.goal.metric)} ({t.t(f'status.{r.status}')})"
        for r in results
    ) + "."
    n = len(data)
    return [Chart(id="goals", title=title, description=description, spec=_spec(chart, description, (40 * n, 60 * n)),
                  columns=[t.t("ui.goal"), t.t("ui.target"), t.t("ui.actual"), t.t("ui.status")], rows=rows)]


# --------------------------------------------------------------------------
# Funnel: reach -> clicks -> leads -> orders


def _funnels(ctx: _Ctx) -> list[Chart]:
    case, t = ctx.case, ctx.t
    out = []
    for platform in case.platforms:
        after = compute.counts(case.after, platform)
        top = next((m for m in FUNNEL_TOP if after.get(m)), None)
        stages = ([top] if top else []) + [m for m in FUNNEL_REST if after.get(m) is not None]
        if len(stages) < 3 or not after.get(stages[0]):
            continue
        first = after[stages[0]]
        data, rows, labels, parts = [], [], [], []
        prev = None
        for i, m in enumerate(stages):
            value = after[m]
            rate = value / prev * 100 if prev else None
            label = t.number(value) + (f" · {t.percent(rate)}" if rate is not None else "")
            labels.append(label)
            # a stage far below the top stays visible as a sliver; its label has the number
            data.append({"stage": t.metric(m), "order": i, "value": value, "share": max(value / first, 0.006), "label": label,
                         "shown": t.number(value), "rate": t.percent(rate) if rate is not None else ""})
            rows.append([t.metric(m), t.number(value), t.percent(rate) if rate is not None else ""])
            parts.append(f"{t.metric(m)} {t.number(value)}" + (f" ({t.percent(rate)})" if rate is not None else ""))
            prev = value
        name = ctx.platform(platform)
        title = f"{name}: " + " → ".join(t.metric(m) for m in stages)
        description = f"{name}: " + " → ".join(parts) + "."
        order = [t.metric(m) for m in stages]
        base = alt.Chart(alt.Data(values=data)).encode(**_channels(
            y=alt.Y("stage:N", sort=order, title=None, axis=alt.Axis(labelFontWeight=600)),
            x=alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(_label_room(labels, 1)), nice=False)),
            tooltip=[alt.Tooltip("stage:N", title=name), alt.Tooltip("shown:N", title=t.t("ui.actual")),
                     alt.Tooltip("rate:N", title=t.metric("conversion_rate"))],
        ))
        chart = alt.layer(
            base.mark_bar(color=COLORS["after"], height={"band": 0.75}),
            base.mark_text(align="left", baseline="middle", dx=5).encode(**_channels(text="label:N")),
        ).properties(width="container", height=_rows_height(len(stages), 38))
        n = len(stages)
        out.append(Chart(id=f"funnel-{platform}", title=title, description=description,
                         spec=_spec(chart, description, (22 * n, 44 * n)),
                         columns=[name, t.t("ui.actual"), t.metric("conversion_rate")], rows=rows))
    return out


# --------------------------------------------------------------------------
# Client reports: this period against the previous one


def _period_change(ctx: _Ctx) -> list[Chart]:
    if not ctx.report:
        return []
    case, t = ctx.case, ctx.t
    # One rule for every place (casebook.metrics.change_figure): rates change in
    # points, so they are listed in the table but drawn on no axis of per cent.
    kpis = [k for k in compute.kpis(case, "total") if k.figure.style != "none"]
    if not any(k.kind != "percent" and k.change.percent is not None for k in kpis):
        return []
    colors = {"good": COLORS["good"], "bad": COLORS["bad"], "flat": COLORS["flat"], "na": COLORS["flat"]}
    data, rows, labels, notes = [], [], [], []
    for k in kpis:
        label = t.change(k.figure, case.currency)
        rows.append([t.metric(k.metric), ctx.value(k.before, k.metric), ctx.value(k.after, k.metric), label])
        if k.kind == "percent" or k.change.percent is None:
            notes.append(f"{t.metric(k.metric)}: {ctx.value(k.before, k.metric)} → {ctx.value(k.after, k.metric)} ({label})")
            continue
        pct = k.change.percent
        labels.append(label)
        data.append({
            "metric": t.metric(k.metric), "pct": max(-2.0, min(2.0, pct / 100)), "label": label,
            "color": colors[k.figure.direction], "before": ctx.value(k.before, k.metric),
            "after": ctx.value(k.after, k.metric), "align": "left" if pct >= 0 else "right",
        })
    lo = min(0.0, min(d["pct"] for d in data))
    hi = max(0.0, max(d["pct"] for d in data))
    pad = max(hi - lo, 0.1) * 0.35
    order = [d["metric"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(**_channels(
        y=alt.Y("metric:N", sort=order, title=None, axis=alt.Axis(labelFontWeight=600)),
        x=alt.X("pct:Q", title=None, scale=alt.Scale(domain=[lo - (pad if lo < 0 else 0), hi + pad], nice=False),
                axis=alt.Axis(format="+.0%", tickCount=5, grid=True,
                              labelExpr="datum.value == 0 ? '0' : datum.label")),
        tooltip=[alt.Tooltip("metric:N", title=t.t("ui.kpis")),
                 alt.Tooltip("before:N", title=ctx.before_label), alt.Tooltip("after:N", title=ctx.after_label),
                 alt.Tooltip("label:N", title=t.t("ui.change"))],
    ))
    bars = base.mark_bar(height={"band": 0.65}).encode(**_channels(color=alt.Color("color:N", scale=None)))
    right = base.transform_filter("datum.align == 'left'").mark_text(align="left", baseline="middle", dx=5).encode(**_channels(text="label:N"))
    left = base.transform_filter("datum.align == 'right'").mark_text(align="right", baseline="middle", dx=-5).encode(**_channels(text="label:N"))
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color=COLORS["domain"]).encode(**_channels(x="x:Q"))
    chart = alt.layer(bars, zero, right, left).properties(width="container", height=_rows_height(len(data), 28))
    title = f"{t.t('ui.change')}: {ctx.after_label} / {ctx.before_label}"
    description = f"{title}. " + "; ".join([f"{d['metric']}: {d['before']} → {d['after']} ({d['label']})" for d in data]
                                           + notes) + "."
    n = len(data)
    return [Chart(id="period-change", title=title, description=description,
                  spec=_spec(chart, description, (18 * n, 36 * n)),
                  columns=[t.t("ui.kpis"), ctx.before_label, ctx.after_label, t.t("ui.change")], rows=rows)]


__all__ = ["Chart", "build_charts", "d3_locale", "embed_options", "script_json", "CONFIG", "FONT_FAMILY", "COLORS"]
