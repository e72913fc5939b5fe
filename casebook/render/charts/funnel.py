"""``funnel-<platform>``: reach (or views, impressions), clicks, leads, orders in the after snapshot."""

from __future__ import annotations

from casebook.compute import facts as compute

from .base import Chart, _channels, _Ctx, _label_room, _rows_height, _sized, _spec
from .style import COLORS, FUNNEL_REST, FUNNEL_TOP
from .template import make


def charts(ctx: _Ctx) -> list[Chart]:
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
        n = len(stages)
        spec = make(_draw, (), {
            "data": data, "order": [t.metric(m) for m in stages], "room": _label_room(labels, 1), "name": name,
            "actual": t.t("ui.actual"), "rate": t.metric("conversion_rate"), "height": _rows_height(n, 38),
            "description": description, "low": 22 * n, "high": 44 * n,
        })
        out.append(Chart(id=f"funnel-{platform}", title=title, description=description,
                         spec=spec,
                         columns=[name, t.t("ui.actual"), t.metric("conversion_rate")], rows=rows))
    return out


def _draw(v: dict) -> dict:
    """The template: a bar per stage, its share of the first, the number and the rate right of it."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    base = alt.Chart(alt.Data(values=v["data"])).encode(**_channels(
        y=alt.Y("stage:N", sort=v["order"], title=None, axis=alt.Axis(labelFontWeight=600)),
        x=alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(v["room"]), nice=False)),
        tooltip=[alt.Tooltip("stage:N", title=v["name"]), alt.Tooltip("shown:N", title=v["actual"]),
                 alt.Tooltip("rate:N", title=v["rate"])],
    ))
    chart = _sized(alt.layer(
        base.mark_bar(color=COLORS["after"], height={"band": 0.75}),
        base.mark_text(align="left", baseline="middle", dx=5).encode(**_channels(text="label:N")),
    ), v["height"])
    return _spec(chart, v["description"], (v["low"], v["high"]))


# --------------------------------------------------------------------------
# Client reports: this period against the previous one
