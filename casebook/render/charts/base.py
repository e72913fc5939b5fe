"""What every chart is made of: the :class:`Chart`, the case's context, Altair channels and spec helpers."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from casebook import registry
from casebook.compute import facts as compute
from casebook.compute import metrics as rules

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    from casebook.render.i18n import Translator

from .style import CHAR_PX, COLORS, CONFIG, LABEL_SIZE, ROW_STEP

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



# Altair turns a shorthand string ("value:Q") or a dict given to encode() into
# its channel class through SchemaBase.from_dict, which hashes the whole
# Vega-Lite schema on every call: about 4 ms a channel, most of the time
# charts take.  Built as the channel class directly, the spec is the same.
@lru_cache(maxsize=1)
def _classes() -> tuple[dict[str, Any], dict[str, Any]]:
    """(channel classes, value channel classes) by channel name: made on first use, when Altair loads."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    channels = {
        "x": alt.X, "y": alt.Y, "x2": alt.X2, "y2": alt.Y2, "text": alt.Text, "color": alt.Color,
        "tooltip": alt.Tooltip, "detail": alt.Detail, "order": alt.Order, "opacity": alt.Opacity,
        "size": alt.Size, "stroke": alt.Stroke, "strokeDash": alt.StrokeDash, "shape": alt.Shape,
        "xOffset": alt.XOffset, "yOffset": alt.YOffset,
    }
    values = {
        "x": alt.XValue, "y": alt.YValue, "x2": alt.X2Value, "y2": alt.Y2Value, "text": alt.TextValue,
        "color": alt.ColorValue, "opacity": alt.OpacityValue, "size": alt.SizeValue, "stroke": alt.StrokeValue,
        "strokeDash": alt.StrokeDashValue, "shape": alt.ShapeValue, "xOffset": alt.XOffsetValue,
        "yOffset": alt.YOffsetValue, "tooltip": alt.TooltipValue,
    }
    return channels, values


def _channel(name: str, value: Any) -> Any:
    channel_classes, value_classes = _classes()
    cls = channel_classes.get(name)
    if cls is None:
        return value
    if isinstance(value, str):
        return cls(value)
    if isinstance(value, dict) and set(value) == {"value"} and name in value_classes:
        return value_classes[name](value["value"])
    if isinstance(value, dict) and "value" not in value and "datum" not in value:
        return cls(**value)
    if isinstance(value, list):
        return [_channel(name, v) for v in value]
    return value


def _channels(**channels: Any) -> dict[str, Any]:
    """encode()'s arguments as channel objects (see _classes)."""
    return {name: _channel(name, value) for name, value in channels.items()}


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
        """The change as the KPI cards show it (casebook.compute.metrics.change_figure), '' when not computable."""
        if before is None or after is None or not before:
            return ""
        kind = compute.kind_of(metric)
        return self.t.change(rules.change_figure(compute.metric_change(self.case, metric, before, after), kind),
                             self.case.currency)


def _spec(chart: alt.TopLevelMixin, description: str, heights: tuple[int, int | None] = (120, None)) -> dict:
    """The Vega-Lite dict of a chart, with the one style and the fit-to-width sizing.

    ``heights`` is the (min, max) plot height a renderer may set: a chart of
    rows is unreadable below a few pixels a row and silly above some
    (``usermeta.casebook``, read by :func:`casebook.render.charts.static.static_spec`).
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


def _month_values(ctx: _Ctx, dates: list[dt.date]) -> list[dict]:
    """The ticks of a time axis labelled by month, each in the middle of its month (for :func:`_month_axis`).

    Monthly values sit on the 15th (see :func:`_series_points`), so the
    label stands under its point and an action of that month spans it.
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
            # what alt.DateTime(year=, month=, date=15, utc=True) gives
            values.append({"year": year, "month": month, "date": 15, "utc": True})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return values


def _month_axis(values: Any) -> alt.Axis:
    """A time axis labelled by month at ``values`` (:func:`_month_values`); the first label and each January carry the year."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

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


def _sized(chart: alt.LayerChart, height: Any) -> alt.LayerChart:
    """``chart.properties(width="container", height=height)``, where ``height`` may be a template's slot
    (``properties`` checks each value against the schema, and a slot is no number)."""
    chart = chart.properties(width="container")
    chart.height = height
    return chart


# --------------------------------------------------------------------------
# Before and after, per platform


NAMED_ROW_PX = 50


def _named_rows(data: Any, name: str, x: alt.X, color, tooltip, extra: tuple = (), height: Any = None) -> alt.LayerChart:
    """Horizontal bars under their names (user text gets the full width).

    Each row of ``data`` has ``key`` (unique, in order), the ``name`` field,
    the bar's x field (given by ``x``), ``at`` (where the label starts) and
    ``label``; ``height`` is NAMED_ROW_PX a row (given when ``data`` is a template's slot).
    """
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

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
    return _sized(alt.layer(bars, *extra, labels, names), NAMED_ROW_PX * len(data) if height is None else height)


# --------------------------------------------------------------------------
# Goals: actual against target
