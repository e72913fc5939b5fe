"""A case's view: the values its templates show, formatted by the case's locale.

Python prepares values here; templates (``theme/``, rendered by
:mod:`casebook.render.templates`) hold all markup.  One view serves the
site's case page and the case's PDF.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from casebook import registry
from casebook.compute import facts as compute
from casebook.compute import metrics as m
from casebook.load.cases import LoadedCase
from casebook.load.markup import plain
from casebook.load.model import Case

from .i18n import Translator, translator
from .templates import platform_label

# --------------------------------------------------------------------------
# Values prepared for templates


def fmt_value(t: Translator, value: float | None, kind: str, currency: str) -> str:
    return t.value(value, kind, currency)


def fmt_change(t: Translator, kpi: compute.Kpi, currency: str) -> str:
    return t.change(kpi.figure, currency)


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
_SYMBOL = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}


def formula_text(t: Translator, formula: str) -> str:
    """A registry formula in the reader's words: 'Engagements ÷ Reach × 100'."""

    def show(node: ast.AST, parent: int = 0, right: bool = False) -> str:
        if isinstance(node, ast.Name):
            return t.metric(node.id)
        if isinstance(node, ast.Constant):
            return t.number(node.value)
        rank = _PRECEDENCE[type(node.op)]
        text = f"{show(node.left, rank)} {_SYMBOL[type(node.op)]} {show(node.right, rank, True)}"
        return f"({text})" if rank < parent or (right and rank == parent) else text

    return show(ast.parse(formula, mode="eval").body)


def definition(t: Translator, metric: str) -> str:
    """How a derived metric is computed, with its basis; '' for a count."""
    info = registry.metrics().get(metric)
    if info is None:
        return ""
    if info.change_of:
        return t.t("ui.formula_change", metric=t.metric(info.change_of))
    if info.formula is None:
        return ""
    reg = registry.metrics()
    stocks = [i for i in info.inputs if i in reg and reg[i].measure == "stock"]
    flows = [i for i in info.inputs if i not in stocks]
    if stocks:
        basis = t.t("ui.basis_stock", flows=", ".join(t.metric(i) for i in flows),
                    stocks=", ".join(t.metric(i) for i in stocks))
    else:
        basis = t.t("ui.basis_totals")
    return f"{formula_text(t, info.formula)}; {basis}"


def _over_note(t: Translator, platforms) -> str:
    """'Change: TikTok only': a whole-case change over the platforms measured both times."""
    if not platforms:
        return ""
    return t.t("ui.change_over", list=", ".join(platform_label(p) for p in platforms))


def missing_note(t: Translator, missing) -> str:
    """'Not reported: Instagram (spend)': the platforms a whole-case figure is short of."""
    if not missing:
        return ""
    items = [f"{platform_label(p)} ({', '.join(t.metric(i) for i in inputs)})" for p, inputs in missing]
    return t.t("ui.missing_inputs", list="; ".join(items))


def headline_text(facts: compute.CaseFacts, t: Translator) -> str:
    case = facts.case
    if case.headline:
        return case.headline
    h = facts.headline
    parts = []
    if h and h.growth_metric and h.growth_figure:
        # the same rule as the KPI cards: ×3.4 from twice the value, +36% below it
        parts.append(t.t("ui.headline_growth", metric=t.metric(h.growth_metric),
                         change=t.change(h.growth_figure, case.currency)))
    if h and h.cost_metric and h.cost is not None:
        parts.append(f"{t.metric(h.cost_metric)} {t.money(h.cost, case.currency)}")
    return " · ".join(parts)


@dataclass
class KpiView:
    label: str
    before: str
    after: str
    change: str
    direction: str  # good | bad | flat | na
    metric: str
    has_before: bool = True
    note: str = ""  # a whole-case figure: the platforms short of an input


@dataclass
class GoalView:
    label: str
    target: str
    actual: str
    status: str
    status_label: str
    progress: float | None
    deadline: str
    note: str = ""  # a whole-case goal: the platforms short of an input


@dataclass
class HighlightView:
    """One result the case page opens with: before -> after, and its goal's status when one is set on it."""

    label: str
    before: str
    after: str
    change: str
    direction: str
    metric: str
    has_before: bool = True
    goal_status: str = ""  # met | close | missed | na, or "" without a goal
    goal_label: str = ""  # 'Goal: 5,000 — met'


@dataclass
class CaseView:
    """A case with everything formatted for its locale: what templates see."""

    case: Case
    facts: compute.CaseFacts
    t: Translator
    url: str = ""
    pdf_url: str = ""
    headline: str = ""
    client: str = ""
    period: str = ""
    budget: str = ""
    kpis: dict[str, list[KpiView]] = field(default_factory=dict)
    highlights: list[HighlightView] = field(default_factory=list)
    goals: list[GoalView] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    cover: str = ""
    logo: str = ""
    description: str = ""
    er_note: str = ""
    engagement_notes: list[str] = field(default_factory=list)

    @property
    def growth_line(self) -> tuple[float, str] | None:
        """The headline's growth as a portfolio cover leads with it: how much, and the phrase."""
        return growth_line(self.facts, self.t, self.case.currency)


def growth_line(facts: compute.CaseFacts, t: Translator, currency: str) -> tuple[float, str] | None:
    """(growth multiple, 'followers ×3.2'-like phrase in the case's language) of the headline, or None."""
    h = facts.headline
    if h and h.growth_metric and h.growth_figure and h.growth:
        return h.growth, t.t("ui.headline_growth", metric=t.metric(h.growth_metric),
                             change=t.change(h.growth_figure, currency))
    return None


# long: every field of a case's view, filled in display order from one set of facts
def case_view(loaded: LoadedCase, t: Translator | None = None) -> CaseView:
    case = loaded.case
    t = t or translator(case.locale)
    facts = compute.facts(case)
    view = CaseView(case=case, facts=facts, t=t)
    view.headline = headline_text(facts, t)
    view.client = case.client_label()
    view.period = t.period(case.period.start, case.period.end)
    view.budget = t.money(facts.budget, case.currency) if facts.budget is not None else ""
    for platform, kpis in facts.platform_kpis.items():
        view.kpis[platform] = [
            KpiView(
                label=t.metric(k.metric),
                before=fmt_value(t, k.before, k.kind, case.currency),
                after=fmt_value(t, k.after, k.kind, case.currency),
                change=fmt_change(t, k, case.currency),
                direction=k.figure.direction,
                metric=k.metric,
                has_before=k.before is not None,
                note="; ".join(x for x in (missing_note(t, k.missing), _over_note(t, k.change_over)) if x),
            )
            for k in kpis
        ]
    for g in facts.goals:
        label = g.goal.label or t.metric(g.goal.metric)
        if g.goal.platform and not g.goal.label:
            label = f"{label} ({platform_label(g.goal.platform)})"
        view.goals.append(
            GoalView(
                label=label,
                target=fmt_value(t, g.goal.target, g.kind, case.currency),
                actual=fmt_value(t, g.actual, g.kind, case.currency),
                status=g.status,
                status_label=t.t(f"status.{g.status}"),
                progress=None if g.progress is None else max(0.0, min(g.progress, 1.0)),
                deadline=t.date(g.goal.by) if g.goal.by else "",
                note=missing_note(t, g.missing),
            )
        )
    for span in facts.actions:
        a = span.action
        if span.start and span.end and span.start != span.end:
            when = t.period(span.start, span.end) if (span.start.day == 1) else f"{t.date(span.start)} – {t.date(span.end)}"
            if isinstance(a.when, str):
                when = t.month(span.start)
        elif span.start:
            when = t.date(span.start)
        else:
            when = ""
        view.actions.append(
            {
                "title": a.title,
                "when": when,
                "platform": a.platform,
                "spend": t.money(a.spend, case.currency) if a.spend is not None else "",
                "text": a.text,
            }
        )
    view.highlights = highlights(facts, t)
    view.description = plain(case.summary) or view.headline
    view.er_note = t.t("ui.er_is", definition=definition(t, m.resolve("er", case.engagement_rate)))
    for p in case.platforms:
        info = registry.platforms().get(p)
        if info:
            parts = t.t(f"engagement_parts.{p}")
            if parts == p:  # no translation: the registry's English definition
                parts = info.engagements
            view.engagement_notes.append(t.t("ui.engagements_on", platform=info.label, parts=parts))
    return view


def highlight_metrics(facts: compute.CaseFacts, limit: int = 3) -> list[str]:
    """The results a case opens with: its `highlights:`, else the headline's metrics, then the goals'."""
    case = facts.case
    if case.highlights:
        wanted = list(dict.fromkeys(case.highlights))
    else:
        h = facts.headline
        wanted = [x for x in ((h.growth_metric, h.cost_metric) if h else ()) if x]
        wanted += [g.goal.metric for g in facts.goals]
    whole = _whole_kpis(facts)
    have = {k.metric for k in whole}
    return [x for x in dict.fromkeys(wanted) if x in have][:limit]


def _whole_kpis(facts: compute.CaseFacts) -> list[compute.Kpi]:
    """The whole case's KPIs: the totals row, or the one platform's."""
    if "total" in facts.platform_kpis:
        return facts.platform_kpis["total"]
    return next(iter(facts.platform_kpis.values()), [])


def highlights(facts: compute.CaseFacts, t: Translator) -> list[HighlightView]:
    case = facts.case
    by_metric = {k.metric: k for k in _whole_kpis(facts)}
    single = None if "total" in facts.platform_kpis else next(iter(facts.platform_kpis), None)
    out = []
    for metric in highlight_metrics(facts):
        k = by_metric[metric]
        label, before, after = t.metric(k.metric), k.before, k.after
        if k.change_over:  # the change covers fewer platforms than the totals: show the numbers it compares
            paired = compute.paired_change(metric, case.baseline, case.after, case.engagement_rate, case)
            before, after = paired.before, paired.after
            label = f"{label} ({', '.join(platform_label(p) for p in k.change_over)})"
        view = HighlightView(
            label=label, before=fmt_value(t, before, k.kind, case.currency),
            after=fmt_value(t, after, k.kind, case.currency), change=fmt_change(t, k, case.currency),
            direction=k.figure.direction, metric=k.metric, has_before=before is not None)
        goal = None if k.change_over else next(  # a goal on the whole case, not on the platforms shown here
            (g for g in facts.goals if g.goal.metric == metric and (g.goal.platform is None or g.goal.platform == single)),
            None)
        if goal is not None:
            view.goal_status = goal.status
            view.goal_label = t.t("ui.highlight_goal", target=fmt_value(t, goal.goal.target, goal.kind, case.currency),
                                  status=t.t(f"status.{goal.status}"))
        out.append(view)
    return out


def industry_label(industry: str, t: Translator | None = None) -> str:
    """The industry in the reader's words ('Общепит', 'B2B SaaS'); an id no locale knows, as readable text."""
    if t is not None:
        word = t.t(f"industry.{industry}")
        if word != industry.rsplit(".", 1)[-1].replace("_", " "):
            return word
    return industry.replace("-", " ").capitalize()

