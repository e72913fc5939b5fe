"""``period-change``: client reports only; each total KPI's change against the previous period."""

from __future__ import annotations

from casebook.compute import facts as compute

from .base import Chart, _channels, _Ctx, _rows_height, _sized, _spec
from .style import COLORS
from .template import make


def charts(ctx: _Ctx) -> list[Chart]:
    if not ctx.report:
        return []
    case, t = ctx.case, ctx.t
    # One rule for every place (casebook.compute.metrics.change_figure): rates change in
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
    title = f"{t.t('ui.change')}: {ctx.after_label} / {ctx.before_label}"
    description = f"{title}. " + "; ".join([f"{d['metric']}: {d['before']} → {d['after']} ({d['label']})" for d in data]
                                           + notes) + "."
    n = len(data)
    spec = make(_draw, (), {
        "data": data, "order": [d["metric"] for d in data], "low_pct": lo - (pad if lo < 0 else 0), "high_pct": hi + pad,
        "kpis": t.t("ui.kpis"), "before": ctx.before_label, "after": ctx.after_label, "change": t.t("ui.change"),
        "height": _rows_height(n, 28), "description": description, "low": 18 * n, "high": 36 * n,
    })
    return [Chart(id="period-change", title=title, description=description, spec=spec,
                  columns=[t.t("ui.kpis"), ctx.before_label, ctx.after_label, t.t("ui.change")], rows=rows)]


def _draw(v: dict) -> dict:
    """The template: a bar per KPI from zero, green or red, its change beside it."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    base = alt.Chart(alt.Data(values=v["data"])).encode(**_channels(
        y=alt.Y("metric:N", sort=v["order"], title=None, axis=alt.Axis(labelFontWeight=600)),
        x=alt.X("pct:Q", title=None, scale=alt.Scale(domain=[v["low_pct"], v["high_pct"]], nice=False),
                axis=alt.Axis(format="+.0%", tickCount=5, grid=True,
                              labelExpr="datum.value == 0 ? '0' : datum.label")),
        tooltip=[alt.Tooltip("metric:N", title=v["kpis"]),
                 alt.Tooltip("before:N", title=v["before"]), alt.Tooltip("after:N", title=v["after"]),
                 alt.Tooltip("label:N", title=v["change"])],
    ))
    bars = base.mark_bar(height={"band": 0.65}).encode(**_channels(color=alt.Color("color:N", scale=None)))
    right = base.transform_filter("datum.align == 'left'").mark_text(align="left", baseline="middle", dx=5).encode(
        **_channels(text="label:N"))
    left = base.transform_filter("datum.align == 'right'").mark_text(align="right", baseline="middle", dx=-5).encode(
        **_channels(text="label:N"))
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color=COLORS["domain"]).encode(**_channels(x="x:Q"))
    chart = _sized(alt.layer(bars, zero, right, left), v["height"])
    return _spec(chart, v["description"], (v["low"], v["high"]))
