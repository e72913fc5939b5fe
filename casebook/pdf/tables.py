"""The tables and the story a case or report PDF shows: KPIs, the report's comparisons, the period label."""

from __future__ import annotations

from typing import Any

from casebook import registry
from casebook.compute import facts as compute
from casebook.compute import metrics as m
from casebook.load.model import Case
from casebook.render.i18n import Translator
from casebook.render.templates import platform_label
from casebook.render.views import CaseView, definition, fmt_change, fmt_value


def period_label(t: Translator, case: Case) -> str:
    """The period; a report on one calendar month names just that month (Translator.period does)."""
    return t.period(case.period.start, case.period.end)


def story(view: CaseView) -> list[dict[str, Any]]:
    """The story in short: before, what was done, after, lessons (only those present)."""
    case = view.case
    t = view.t
    parts = []
    if case.baseline and case.baseline.summary:
        parts.append({"id": "before", "title": t.t("ui.starting_point"), "md": case.baseline.summary, "timeline": False})
    if view.actions:
        parts.append({"id": "actions", "title": t.t("ui.what_was_done"), "timeline": True, "md": None})
    if case.after and case.after.summary:
        parts.append({"id": "after", "title": t.t("ui.results"), "md": case.after.summary, "timeline": False})
    if case.lessons:
        parts.append({"id": "lessons", "title": t.t("ui.lessons"), "md": case.lessons, "timeline": False})
    return parts


def kpi_table(view: CaseView) -> dict[str, Any]:
    """The KPIs as one table: rows are metrics, columns the platforms and, with two or more, the total."""
    case, t, cur = view.case, view.t, view.case.currency
    columns = list(case.platforms)
    if len(columns) > 1:
        columns.append("total")
    cells: dict[str, dict[str, dict[str, str]]] = {}
    for col in columns:
        for k in compute.kpis(case, col):
            cells.setdefault(k.metric, {})[col] = {
                "after": fmt_value(t, k.after, k.kind, cur),
                "before": fmt_value(t, k.before, k.kind, cur),
                "change": fmt_change(t, k, cur),
                "direction": k.figure.direction,
            }
    rows = [
        {"metric": metric, "label": t.metric(metric), "cells": [cells[metric].get(c) for c in columns]}
        for metric in registry.card_order() if metric in cells
    ]
    headers = [t.t("ui.total") if c == "total" else platform_label(c) for c in columns]
    return {"headers": headers, "rows": rows}


# long: the client report's tables side by side, built from one view: the report's layout in one place
def report_tables(view: CaseView) -> dict[str, Any]:
    case = view.case
    t = view.t
    er = case.engagement_rate
    previous = case.report.previous if case.report else None
    cur = case.currency

    # KPIs against targets, with the change against the previous period
    goals = []
    for g, gv in zip(view.facts.goals, view.goals):
        before = compute.value_of(g.goal.metric, previous, g.goal.platform, er)
        kpi = compute.Kpi(g.goal.platform or "total", g.goal.metric, g.kind,
                          m.change(before, g.actual, g.better))
        goals.append({
            "label": gv.label, "previous": fmt_value(t, before, g.kind, cur), "actual": gv.actual,
            "change": fmt_change(t, kpi, cur), "direction": kpi.figure.direction,
            "target": gv.target, "status": gv.status, "status_label": gv.status_label,
            "deadline": gv.deadline,
        })

    # Per platform: rows are metrics, columns the platforms (and the total)
    table = kpi_table(view)
    headers, rows = table["headers"], table["rows"]
    cells = {row["metric"]: row for row in rows}

    # Top content
    top_metrics = registry.ordered(lambda info: info.top_content)
    items = case.report.top_content if case.report else []
    present = [x for x in top_metrics if any(getattr(i.metrics, x) is not None for i in items)]
    show_er = any(m.derive("er", i.metrics.values(), er) is not None for i in items)
    top = []
    for item in items:
        vals = item.metrics.values()
        row = [t.value(vals.get(x), "count", cur) if x in vals else "—" for x in present]
        if show_er:
            row.append(t.percent(m.derive("er", vals, er)))
        top.append({"title": item.title, "url": item.url or "", "platform": platform_label(item.platform),
                     "date": t.date(item.date) if item.date else "", "cells": row, "note": item.note})
    top_headers = [t.metric(x) for x in present] + ([t.metric("er")] if show_er else [])

    # Appendix: the formulas of the derived metrics this report shows
    used = list(cells) + [g.goal.metric for g in view.facts.goals]
    if show_er:
        used.append("er")
    formulas = []
    for key in dict.fromkeys(m.resolve(metric, er) for metric in used):
        text = definition(t, key)
        if text:
            formulas.append({"label": t.metric(key), "formula": text})
    # Appendix: the raw numbers of both periods, as entered
    raw = []
    for platform in case.platforms:
        prev_counts = compute.counts(previous, platform)
        this_counts = compute.counts(case.after, platform)
        first = True
        for metric in registry.count_metrics():
            if metric not in prev_counts and metric not in this_counts:
                continue
            kind = compute.kind_of(metric)
            raw.append({
                "platform": platform_label(platform) if first else "", "metric": t.metric(metric),
                "previous": fmt_value(t, prev_counts.get(metric), kind, cur),
                "actual": fmt_value(t, this_counts.get(metric), kind, cur),
            })
            first = False
    return {
        "raw": raw,
        "goals": goals, "headers": headers, "rows": rows,
        "top": top, "top_headers": top_headers, "formulas": formulas,
        "previous_summary": previous.summary if previous else None,
    }
