"""Compute: what a case's numbers say, as plain data for every renderer.

Pure functions of a validated :class:`~casebook.load.model.Case`: KPIs with
before, after and change; goals with their status; totals; series as
sorted points; the headline facts; the budget.  No formatting happens
here (that is the locale's job in rendering).
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from casebook import registry
from casebook.load.checks import month_start
from casebook.load.model import Action, Case, DateSpan, Goal, Metrics, Snapshot

from . import metrics as m


@dataclass(frozen=True)
class Kpi:
    platform: str  # a platform id or "total"
    metric: str  # "er" stands for the case's ER definition
    kind: str  # count | money | percent
    change: m.Change
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()  # whole-case figure: platforms without an input
    change_over: tuple[str, ...] = ()  # whole-case change: the platforms it covers, when not all of them

    @property
    def figure(self) -> m.ChangeFigure:
        """How the change is shown (and coloured): one rule everywhere."""
        return m.change_figure(self.change, self.kind)

    @property
    def before(self):
        return self.change.before

    @property
    def after(self):
        return self.change.after


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    actual: float | None
    status: str  # met | close | missed | na
    better: str
    kind: str
    progress: float | None  # actual / target, or target / actual when lower is better
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()  # whole-case goal: platforms without an input


@dataclass(frozen=True)
class SeriesLine:
    platform: str
    metric: str
    points: tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True)
class ActionSpan:
    action: Action
    start: dt.date | None
    end: dt.date | None


def counts(snapshot: Snapshot | None, platform: str) -> dict[str, float]:
    if snapshot is None:
        return {}
    if platform == "total":
        return totals(snapshot)
    metrics = snapshot.metrics.get(platform)
    return metrics.values() if metrics else {}


def totals(snapshot: Snapshot | None) -> dict[str, float]:
    """Counts summed across platforms; a field absent everywhere stays absent."""
    out: dict[str, float] = {}
    if snapshot is None:
        return out
    for metrics in snapshot.metrics.values():
        for key, value in metrics.values().items():
            out[key] = out.get(key, 0) + value
    return out


def pool_of(metric: str, er: str = "by_reach") -> str:
    """paired | totals: how a whole-case figure of the metric is made (data/metrics.yaml)."""
    info = registry.metrics().get(m.resolve(metric, er))
    return info.pool if info else "paired"


def value_of(metric: str, snapshot: Snapshot | None, platform: str | None, er: str,
             only: set[str] | None = None) -> float | None:
    """One metric for a platform or for all platforms together.

    For all platforms, a cost per result (pool ``totals``) divides the
    whole case's totals: all spend by all orders.  A rate (pool ``paired``)
    is taken over the platforms that have every input, so a platform
    without reach does not inflate ERR.  :func:`missing_inputs` names the
    platforms either way leaves short, for the note beside the figure;
    ``only`` restricts the pool further (see :func:`paired_change`).
    """
    if snapshot is None:
        return None
    if platform:
        return m.derive(metric, counts(snapshot, platform), er)
    inputs = m.inputs_of(metric, er)
    whole = pool_of(metric, er) == "totals" and only is None
    pooled: dict[str, float] = {}
    for name, metrics in snapshot.metrics.items():
        if only is not None and name not in only:
            continue
        vals = metrics.values()
        if whole or all(i in vals for i in inputs):
            for i in inputs:
                if i in vals:
                    pooled[i] = pooled.get(i, 0) + vals[i]
    if not pooled or any(i not in pooled for i in inputs):
        return None
    return m.derive(metric, pooled, er)


def missing_inputs(metric: str, snapshot: Snapshot | None, er: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Platforms that report some of a derived metric's inputs but not all, with what they lack."""
    inputs = m.inputs_of(metric, er)
    if snapshot is None or len(inputs) < 2:
        return ()
    out = []
    for name, metrics in snapshot.metrics.items():
        vals = metrics.values()
        lacking = tuple(i for i in inputs if i not in vals)
        if lacking and len(lacking) < len(inputs):
            out.append((name, lacking))
    return tuple(out)


def goal_value(metric: str, case: Case, platform: str | None) -> float | None:
    """A goal's actual figure: from the after snapshot, or from both for a change metric."""
    inp = registry.metrics()[metric].change_of if metric in registry.metrics() else None
    if inp:  # follower_growth: the change of its count from before to after
        if platform:
            return m.percent_change(value_of(inp, case.baseline, platform, case.engagement_rate),
                                    value_of(inp, case.after, platform, case.engagement_rate))
        ch = paired_change(inp, case.baseline, case.after, case.engagement_rate)
        return m.percent_change(ch.before, ch.after) if ch.before is not None else None
    return value_of(metric, case.after, platform, case.engagement_rate)


def _has_inputs(snapshot: Snapshot | None, platform: str, inputs: tuple[str, ...]) -> bool:
    if snapshot is None or platform not in snapshot.metrics:
        return False
    vals = snapshot.metrics[platform].values()
    return all(i in vals for i in inputs)


def whole_months(span) -> int | None:
    """How many calendar months a span covers exactly (1 Feb - 31 May: 4), None when not whole months."""
    if span.start.day != 1 or (span.end + dt.timedelta(days=1)).day != 1:
        return None
    return (span.end.year - span.start.year) * 12 + span.end.month - span.start.month + 1


def flow_basis(case: Case) -> tuple[str, float, float] | None:
    """How the baseline's flows compare with the after's: (basis, before factor, after factor).

    Periods of equal length (or of as many whole months) compare as they are;
    whole months of different number compare per month; anything else (or a
    baseline without a period) cannot be matched: None, and the values are
    shown side by side without a change.
    """
    b, a = case.baseline_period, case.after_period
    if b is None:
        return None
    if (b.end - b.start).days == (a.end - a.start).days:
        return ("", 1.0, 1.0)
    mb, ma = whole_months(b), whole_months(a)
    if mb and ma:
        return ("", 1.0, 1.0) if mb == ma else ("per_month", 1.0 / mb, 1.0 / ma)
    return None


def measure_of(metric: str, er: str = "by_reach") -> str:
    """How a metric compares across periods of different length: as_is | per_month | equal.

    From the registry's ``measure`` of the metric or of its formula's inputs
    (data/metrics.yaml): a stock compares as it is; a flow per month; a
    unique count (reach), and anything built on it, only over equal periods.
    A formula scales with the period by its flows above minus below the line:
    leads per click (1 - 1) compares as it is, engagements per follower
    (1 - 0) per month, engagements per post per follower (1 - 1) as it is.
    """
    reg = registry.metrics()
    info = reg.get(m.resolve(metric, er))
    if info is None or info.change_of:
        return "as_is"
    if not info.derived:
        return {"stock": "as_is", "flow": "per_month"}.get(info.measure, "equal")
    if any(reg[i].measure == "unique" for i in info.inputs if i in reg):
        return "equal"
    return "as_is" if _flow_degree(m.parse(info.formula)) == 0 else "per_month"


def _flow_degree(node) -> int:
    """How a formula's value scales with the length of the period (flows count 1, stocks 0)."""
    if isinstance(node, ast.Name):
        info = registry.metrics().get(node.id)
        return 0 if info is not None and info.measure == "stock" else 1
    if isinstance(node, ast.Constant):
        return 0
    left, right = _flow_degree(node.left), _flow_degree(node.right)
    if isinstance(node.op, ast.Mult):
        return left + right
    if isinstance(node.op, ast.Div):
        return left - right
    return max(left, right)


def metric_change(case: Case | None, metric: str, before: float | None, after: float | None) -> m.Change:
    """The change of a metric from the baseline to after, like compared with like.

    A flow (leads, spend) over periods of different length is compared per
    month; reach (unique people) and rates built on it only over periods of
    equal length.  When the periods cannot be matched there is no change,
    only both values.  Stocks and ratios of flows compare as they are.
    """
    better = better_of(metric)
    rule = "as_is" if case is None else measure_of(metric, case.engagement_rate)
    if rule == "as_is":
        return m.change(before, after, better)
    basis = flow_basis(case)
    if basis is None or (basis[0] and rule == "equal"):
        return m.Change(before, after, None, None, None, better)
    label, fb, fa = basis
    if not label:
        return m.change(before, after, better)
    ch = m.change(None if before is None else before * fb, None if after is None else after * fa, better)
    return m.Change(before, after, ch.absolute, ch.percent, ch.multiple, better, label)


def paired_platforms(metric: str, before: Snapshot | None, after: Snapshot | None, er: str) -> set[str]:
    """The platforms that report a metric's inputs both before and after."""
    inputs = m.inputs_of(metric, er)
    names = set(before.metrics if before else ()) | set(after.metrics if after else ())
    return {p for p in names if _has_inputs(before, p, inputs) and _has_inputs(after, p, inputs)}


def paired_change(metric: str, before: Snapshot | None, after: Snapshot | None, er: str,
                  case: Case | None = None) -> m.Change:
    """Change across all platforms, pooling only platforms measured both times.

    A platform launched during the work (no 'before') would otherwise turn
    a modest change into a huge multiple.
    """
    both = paired_platforms(metric, before, after, er)
    if not both:
        return m.change(None, value_of(metric, after, None, er), better_of(metric))
    return metric_change(case, metric, value_of(metric, before, None, er, both),
                         value_of(metric, after, None, er, both))


def kind_of(metric: str) -> str:
    """count | money | percent (data/metrics.yaml, unit)."""
    return registry.metrics()[metric].unit


def better_of(metric: str) -> str:
    return m.better(metric)


def kpis(case: Case, platform: str) -> list[Kpi]:
    """KPI cards for one platform ("total" for all): metrics present before or after."""
    before, after = case.baseline, case.after
    out = []
    for metric in registry.card_order():
        if platform == "total":
            b = value_of(metric, before, None, case.engagement_rate)
            a = value_of(metric, after, None, case.engagement_rate)
            if a is None and b is None:
                continue
            # values over all platforms; the change only over platforms measured both times
            paired = paired_change(metric, before, after, case.engagement_rate, case)
            ch = m.Change(b, a, paired.absolute, paired.percent, paired.multiple, better_of(metric), paired.basis)
            # the change covers fewer platforms than the totals: say which, so it can be checked by hand
            both = paired_platforms(metric, before, after, case.engagement_rate)
            reported = {p for p in (after.metrics if after else ()) if m.derive(metric, counts(after, p),
                                                                                 case.engagement_rate) is not None}
            over = tuple(sorted(both)) if paired.absolute is not None and both and reported - both else ()
            out.append(Kpi(platform, metric, kind_of(metric), ch,
                           missing_inputs(metric, after, case.engagement_rate), over))
            continue
        else:
            b = m.derive(metric, counts(before, platform), case.engagement_rate)
            a = m.derive(metric, counts(after, platform), case.engagement_rate)
        if a is None and b is None:
            continue
        out.append(Kpi(platform, metric, kind_of(metric), metric_change(case, metric, b, a)))
    return out


def goal_results(case: Case) -> list[GoalResult]:
    out = []
    for goal in case.goals:
        actual = goal_value(goal.metric, case, goal.platform)
        better = better_of(goal.metric)
        status = m.goal_status(actual, goal.target, better)
        if actual is None or goal.target == 0:
            progress = None
        elif better == "lower":
            progress = goal.target / actual if actual else None
        else:
            progress = actual / goal.target
        missing = () if goal.platform else missing_inputs(goal.metric, case.after, case.engagement_rate)
        out.append(GoalResult(goal, actual, status, better, kind_of(goal.metric), progress, missing))
    return out


def series_lines(case: Case) -> list[SeriesLine]:
    lines = []
    for key in sorted(case.series):
        platform, metric = key.split(".", 1)
        points = sorted((month_start(k), float(v)) for k, v in case.series[key].items())
        lines.append(SeriesLine(platform, metric, tuple(points)))
    return lines


def action_spans(case: Case) -> list[ActionSpan]:
    spans = []
    for action in case.actions:
        when = action.when
        if when is None:
            spans.append(ActionSpan(action, None, None))
        elif isinstance(when, DateSpan):
            spans.append(ActionSpan(action, when.start, when.end))
        elif isinstance(when, dt.date):
            spans.append(ActionSpan(action, when, when))
        else:
            start = month_start(when)
            nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
            spans.append(ActionSpan(action, start, nxt - dt.timedelta(days=1)))
    return spans


def budget(case: Case) -> float | None:
    """Total spend: the after snapshot's spend, else the actions' spend."""
    spend = totals(case.after).get("spend")
    if spend is not None:
        return spend
    action_spend = [a.spend for a in case.actions if a.spend is not None]
    return sum(action_spend) if action_spend else None


def months(case: Case) -> int:
    p = case.period
    return max(1, (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + (p.end.day >= p.start.day))


@dataclass(frozen=True)
class Headline:
    growth_metric: str | None
    growth: float | None  # a multiple, after / before
    cost_metric: str | None
    cost: float | None
    growth_figure: m.ChangeFigure | None = None  # the growth as the KPI cards show it


def headline(case: Case) -> Headline:
    """The one-line result: the biggest growth multiple and a cost per result."""
    best_metric, best, best_figure = None, None, None
    for metric in registry.headline_candidates("growth"):
        ch = paired_change(metric, case.baseline, case.after, case.engagement_rate, case)
        if ch.multiple is not None and ch.multiple > 1 and (best is None or ch.multiple > best):
            best_metric, best, best_figure = metric, ch.multiple, m.change_figure(ch, kind_of(metric))
    cost_metric, cost = None, None
    for metric in registry.headline_candidates("cost"):
        value = value_of(metric, case.after, None, case.engagement_rate)
        if value is not None:
            cost_metric, cost = metric, value
            break
    return Headline(best_metric, best, cost_metric, cost, best_figure)


@dataclass
class CaseFacts:
    """Everything computed about one case, made once and shared by renderers."""

    case: Case
    platform_kpis: dict[str, list[Kpi]] = field(default_factory=dict)
    goals: list[GoalResult] = field(default_factory=list)
    series: list[SeriesLine] = field(default_factory=list)
    actions: list[ActionSpan] = field(default_factory=list)
    budget: float | None = None
    months: int = 1
    headline: Headline | None = None

    @cached_property
    def sort_change(self) -> float:
        """For 'biggest change' sorting: the headline multiple, 0 when none."""
        return self.headline.growth or 0.0 if self.headline else 0.0


def facts(case: Case) -> CaseFacts:
    platform_kpis = {p: kpis(case, p) for p in case.platforms}
    platform_kpis = {p: k for p, k in platform_kpis.items() if k}
    if len(platform_kpis) > 1:  # a totals row, as reports have
        platform_kpis["total"] = kpis(case, "total")
    return CaseFacts(
        case=case,
        platform_kpis=platform_kpis,
        goals=goal_results(case),
        series=series_lines(case),
        actions=action_spans(case),
        budget=budget(case),
        months=months(case),
        headline=headline(case),
    )


__all__ = [
    "Kpi", "GoalResult", "SeriesLine", "ActionSpan", "CaseFacts", "Headline",
    "facts", "kpis", "goal_results", "series_lines", "totals", "value_of", "budget", "Metrics",
]
