"""``goals``: progress to each goal with a measurable actual."""

from __future__ import annotations

from .base import NAMED_ROW_PX, Chart, _channels, _Ctx, _label_room, _named_rows, _spec
from .style import COLORS
from .template import make


def _goal_name(ctx: _Ctx, goal) -> str:
    if goal.label:
        return goal.label
    name = ctx.t.metric(goal.metric)
    return f"{name} ({ctx.platform(goal.platform)})" if goal.platform else name


def charts(ctx: _Ctx) -> list[Chart]:
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
    title = t.t("ui.goals")
    description = f"{title}. " + "; ".join(
        f"{_goal_name(ctx, r.goal)}: {t.t('ui.target')} {ctx.value(r.goal.target, r.goal.metric)}, "
        f"{t.t('ui.actual')} {ctx.value(r.actual, r.goal.metric)} ({t.t(f'status.{r.status}')})"
        for r in results
    ) + "."
    n = len(data)
    spec = make(_draw, (), {
        "data": data, "statuses": [status_names[s] for s in ("met", "close", "missed")],
        "goal": t.t("ui.goal"), "target": t.t("ui.target"), "actual": t.t("ui.actual"), "status": t.t("ui.status"),
        "domain_max": f"{top} * " + _label_room(labels, 1), "ticks": [0, 0.5, 1, 1.5][: 3 + (top > 1)],
        "height": NAMED_ROW_PX * n, "description": description, "low": 40 * n, "high": 60 * n,
    })
    return [Chart(id="goals", title=title, description=description, spec=spec,
                  columns=[t.t("ui.goal"), t.t("ui.target"), t.t("ui.actual"), t.t("ui.status")], rows=rows)]


def _draw(v: dict) -> dict:
    """The template: a bar of progress per goal under its name, a tick at the target."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    tooltip = [alt.Tooltip("goal:N", title=v["goal"]), alt.Tooltip("target:N", title=v["target"]),
               alt.Tooltip("actual:N", title=v["actual"]), alt.Tooltip("percent:N", title="%"),
               alt.Tooltip("status:N", title=v["status"])]
    x = alt.X("progress:Q", title=None,
              scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef(v["domain_max"]), nice=False),
              axis=alt.Axis(format=".0%", values=v["ticks"], grid=True, labelFlush=False))
    color = alt.Color("status:N", legend=None,
                      scale=alt.Scale(domain=v["statuses"], range=[COLORS["good"], COLORS["close"], COLORS["bad"]]))
    target = alt.Chart(alt.Data(values=v["data"])).mark_tick(
        color=COLORS["target"], thickness=2, size=24, yOffset=4,
    ).encode(**_channels(x=alt.X("one:Q"), y=alt.Y("key:N", sort=None, axis=None), tooltip=tooltip))
    chart = _named_rows(v["data"], "goal", x, color, tooltip, extra=(target,), height=v["height"])
    return _spec(chart, v["description"], (v["low"], v["high"]))


# --------------------------------------------------------------------------
# Funnel: reach -> clicks -> leads -> orders

