"""``spend``: where the money went, by action (else by platform)."""

from __future__ import annotations

from .base import NAMED_ROW_PX, Chart, _Ctx, _label_room, _named_rows, _spec
from .style import COLORS
from .template import make


def charts(ctx: _Ctx) -> list[Chart]:
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
    n = len(data)
    spec = make(_draw, (), {
        "data": data, "head": head, "spend": t.metric("spend"), "room": _label_room(labels, 1),
        "height": NAMED_ROW_PX * n, "description": description, "low": 40 * n, "high": 60 * n,
    })
    return [Chart(id="spend", title=title, description=description, spec=spec,
                  columns=[head, t.metric("spend"), "%"],
                  rows=rows + [[t.t("ui.total"), ctx.money(total), t.percent(100, digits=0)]])]


def _draw(v: dict) -> dict:
    """The template: a bar per item under its name, its share of the biggest."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    tooltip = [alt.Tooltip("item:N", title=v["head"]), alt.Tooltip("shown:N", title=v["spend"])]
    x = alt.X("share:Q", axis=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(v["room"]), nice=False))
    chart = _named_rows(v["data"], "item", x, alt.value(COLORS["after"]), tooltip, height=v["height"])
    return _spec(chart, v["description"], (v["low"], v["high"]))
