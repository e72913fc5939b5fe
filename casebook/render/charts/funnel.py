"""``funnel-<platform>``: reach (or views, impressions), clicks, leads, orders in the after snapshot."""

from __future__ import annotations

import altair as alt

from casebook.compute import facts as compute

from .base import Chart, _channels, _Ctx, _label_room, _rows_height, _spec
from .style import COLORS, FUNNEL_REST, FUNNEL_TOP


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
