"""``before-after-<platform>``: a platform's key metrics before and after (for reports: previous and this period)."""

from __future__ import annotations

from casebook.compute import facts as compute

from .base import Chart, _channels, _Ctx, _label_room, _rows_height, _sized, _spec
from .style import COLORS, KEY_METRICS
from .template import make


def charts(ctx: _Ctx) -> list[Chart]:
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
        n = len(metrics)
        spec = make(_draw, (), {
            "data": data, "order": [t.metric(m) for m in metrics], "periods": [ctx.before_label, ctx.after_label],
            "room": _label_room(labels, 1), "name": name, "height": _rows_height(n * 2, 20) + 8 * n,
            "description": description, "low": 28 * n, "high": 60 * n,
        })
        out.append(Chart(
            id=f"before-after-{platform}", title=title, description=description, spec=spec,
            columns=[name, ctx.before_label, ctx.after_label, t.t("ui.change")], rows=rows,
        ))
    return out


def _draw(v: dict) -> dict:
    """The template: bars of before and after per metric, the label right of each bar."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    base = alt.Chart(alt.Data(values=v["data"])).encode(**_channels(
        y=alt.Y("metric:N", sort=v["order"], title=None, axis=alt.Axis(labelFontWeight=600)),
        yOffset=alt.YOffset("period:N", sort=v["periods"]),
        x=alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(v["room"]), nice=False)),
        tooltip=alt.Tooltip("tip:N", title=v["name"]),
    ))
    bars = base.mark_bar(height={"band": 1}).encode(**_channels(
        color=alt.Color("period:N", sort=v["periods"],
                        scale=alt.Scale(domain=v["periods"], range=[COLORS["before"], COLORS["after"]]),
                        legend=alt.Legend(title=None)),
    ))
    text = base.mark_text(align="left", baseline="middle", dx=5).encode(**_channels(text="label:N"))
    chart = _sized(alt.layer(bars, text), v["height"]).resolve_scale(y="shared")
    return _spec(chart, v["description"], (v["low"], v["high"]))
