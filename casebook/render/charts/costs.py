"""``cost-<cpl|cpc|cpa>``: cost per result over time, with the goal's target as a rule."""

from __future__ import annotations

from casebook.compute import facts as compute

from .base import Chart, _channels, _Ctx, _iso, _month_axis, _month_values, _spec
from .series import _action_marks, _action_rows, _platform_color, _platform_colors, _y_max, _y_scale
from .style import COLORS, COSTS, SERIES_HEIGHT
from .template import make


# long: one chart per cost with its layers (line, points, labels, the goal's rule) built together
def charts(ctx: _Ctx) -> list[Chart]:
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
        action_rows, aligns, action_names = _action_rows(ctx, (min(dates), max(dates)), shown_platforms)
        targets = [g for g in case.goals if g.metric == cost and (g.platform is None or g.platform in shown_platforms)]
        top = max([p["value"] for p in points] + [g.target for g in targets])
        several, colors = _platform_colors(names, shown_platforms)
        target_rows = [{"value": g.target, "label": f"{t.t('ui.target')}: {ctx.money(g.target)}"} for g in targets[:1]]
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
        spec = make(_draw, (aligns, several, bool(target_rows)), {
            "data": data, "actions": action_rows, "targets": target_rows, "what": t.t("ui.what_was_done"),
            "period": t.t("ui.period"), "platform": t.t("ui.platform"), "cost": t.metric(cost),
            "spend": t.metric("spend"), "result": t.metric(result), "ticks": _month_values(ctx, dates),
            "y_max": _y_max(top), "y_format": "$,.2~f" if top < 100 else "$,.0f", "description": description, **colors,
        })
        return [Chart(id=f"cost-{cost}", title=title, description=description, spec=spec, columns=columns, rows=rows)]
    return []


def _draw(aligns: tuple[str, ...] | None, several: bool, target: bool, v: dict) -> dict:
    """The template: the action strip, the cost's line and points, and the goal's target as a rule."""
    import altair as alt  # deferred: Altair loads only when a chart template is drawn

    tip = [alt.Tooltip("platform:N", title=v["platform"]), alt.Tooltip("when:N", title=v["period"]),
           alt.Tooltip("shown:N", title=v["cost"]), alt.Tooltip("spend:N", title=v["spend"]),
           alt.Tooltip("result:N", title=v["result"])]
    base = alt.Chart(alt.Data(values=v["data"])).encode(**_channels(
        x=alt.X("date:T", scale=alt.Scale(type="utc"), axis=_month_axis(v["ticks"])),
        y=alt.Y("value:Q", title=v["cost"], scale=_y_scale(v["y_max"]),
                axis=alt.Axis(format=v["y_format"], tickCount=5)),
        color=_platform_color(several, v), tooltip=tip,
    ))
    layers = [*_action_marks(v, aligns), base.mark_line(interpolate="monotone"), base.mark_point(size=45, filled=True)]
    if target:
        rule = alt.Chart(alt.Data(values=v["targets"]))
        layers.append(rule.mark_rule(color=COLORS["target"], strokeDash=[6, 4], strokeWidth=1.5).encode(
            **_channels(y="value:Q")))
        layers.append(rule.mark_text(align="right", baseline="bottom", dy=-3, fontWeight=600, x="width", dx=-2).encode(
            **_channels(y="value:Q", text="label:N")))
    chart = alt.layer(*layers).properties(width="container", height=SERIES_HEIGHT)
    return _spec(chart, v["description"])


# --------------------------------------------------------------------------
# Spend by action or by platform
