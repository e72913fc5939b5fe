"""Metric formulas: pure functions of plain numbers.

Every function returns ``None`` ("not available") when an input is missing
or a divisor is zero: a derived number is never shown where its inputs are
missing, and never as a made-up zero.  See ``shared/domain.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from . import registry

Num = Optional[float]


def _ratio(num: Num, den: Num, scale: float = 1.0) -> Num:
    if num is None or den is None or den == 0:
        return None
    # scale first: 57 * 100 / 100 is exactly 57.0, while 57 / 100 * 100 is 56.99999999999999
    return num * scale / den


def er_by_followers(engagements: Num, followers: Num) -> Num:
    """ER = engagements / followers × 100."""
    return _ratio(engagements, followers, 100)


def er_by_reach(engagements: Num, reach: Num) -> Num:
    """ERR = engagements / reach × 100."""
    return _ratio(engagements, reach, 100)


def er_by_views(engagements: Num, views: Num) -> Num:
    """ER by views = engagements / views × 100."""
    return _ratio(engagements, views, 100)


def ctr(clicks: Num, impressions: Num) -> Num:
    return _ratio(clicks, impressions, 100)


def cpc(spend: Num, clicks: Num) -> Num:
    return _ratio(spend, clicks)


def cpm(spend: Num, impressions: Num) -> Num:
    return _ratio(spend, impressions, 1000)


def cpl(spend: Num, leads: Num) -> Num:
    return _ratio(spend, leads)


def cpa(spend: Num, orders: Num) -> Num:
    return _ratio(spend, orders)


def conversion_rate(conversions: Num, clicks: Num) -> Num:
    return _ratio(conversions, clicks, 100)


def romi(revenue: Num, spend: Num) -> Num:
    """(revenue − spend) / spend × 100."""
    if revenue is None or spend is None or spend == 0:
        return None
    return (revenue - spend) * 100 / spend


def drr(spend: Num, revenue: Num) -> Num:
    """ДРР, ad-spend share: spend / revenue × 100."""
    return _ratio(spend, revenue, 100)


def follower_growth(start: Num, end: Num) -> Num:
    """(end − start) / start × 100."""
    if start is None or end is None or start == 0:
        return None
    return (end - start) * 100 / start


@dataclass(frozen=True)
class Change:
    before: Num
    after: Num
    absolute: Num  # after − before
    percent: Num  # (after − before) / before × 100
    multiple: Num  # after / before
    better: str  # higher | lower: which way is good for this metric
    basis: str = ""  # "" (alike periods) | per_month (flows of periods of different length)

    @property
    def direction(self) -> str:
        """good | bad | flat | na: is the change good for this metric?"""
        if self.absolute is None:
            return "na"
        if self.absolute == 0:
            return "flat"
        up = self.absolute > 0
        return "good" if up == (self.better == "higher") else "bad"


def rounded(value: float, digits: int = 0) -> Decimal:
    """value rounded half-up to ``digits`` places, as spreadsheets and calculators do.

    Python's round() and Babel round half to even (62.5 -> 62, 2.25 -> 2.2);
    a client checking a figure by hand expects 63 and 2.3.  The float's
    shortest decimal form is what the user wrote (2.675, not 2.67499...).
    """
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP) + 0


MULTIPLE_FROM = 2.0  # growth to at least twice the value reads "×2.0", below it "+99%"


@dataclass(frozen=True)
class ChangeFigure:
    """How a change is shown, the one rule for cards, headlines, charts and PDFs.

    Rates (percent metrics such as ER or CTR) change in percentage points;
    counts and money change in per cent, switching to a multiple ("×2.4")
    from :data:`MULTIPLE_FROM`; a change from zero shows the difference.
    The number is rounded first (half-up), then the sign and the colour
    are chosen from what is shown: a change that rounds to zero is flat.
    """

    style: str  # points | percent | multiple | absolute | none
    kind: str  # the metric's kind: count | money | percent
    value: float | None  # the rounded number shown (signed, except for a multiple)
    digits: int
    direction: str  # good | bad | flat | na
    basis: str = ""  # per_month: the change compares monthly averages


def change_figure(ch: Change, kind: str) -> ChangeFigure:
    if ch.absolute is None:
        return ChangeFigure("none", kind, None, 0, "na")
    if kind == "percent":
        style, digits, raw = "points", 1, ch.absolute
    elif ch.multiple is not None and ch.multiple >= MULTIPLE_FROM:
        digits = 1 if ch.multiple < 10 else 0
        value = float(rounded(ch.multiple, digits))
        return ChangeFigure("multiple", kind, value, digits, "good" if ch.better == "higher" else "bad", ch.basis)
    elif ch.percent is not None:
        style, raw = "percent", ch.percent
        digits = 0 if abs(ch.percent) >= 10 else 1
    else:  # from zero: the difference itself
        style, digits, raw = "absolute", 0 if kind == "count" or float(ch.absolute).is_integer() else 2, ch.absolute
    value = float(rounded(raw, digits))
    if value == 0:
        return ChangeFigure(style, kind, 0.0, digits, "flat", ch.basis)
    up = value > 0
    return ChangeFigure(style, kind, value, digits, "good" if up == (ch.better == "higher") else "bad", ch.basis)


def change(before: Num, after: Num, better: str = "higher") -> Change:
    absolute = None if before is None or after is None else after - before
    percent = None if absolute is None or not before else absolute * 100 / before
    multiple = None if before is None or after is None or not before else after / before
    return Change(before, after, absolute, percent, multiple, better)


DERIVED = {
    # id: (function, argument names drawn from a platform's counts)
    "er_followers": (er_by_followers, ("engagements", "followers")),
    "er_reach": (er_by_reach, ("engagements", "reach")),
    "er_views": (er_by_views, ("engagements", "views")),
    "ctr": (ctr, ("clicks", "impressions")),
    "cpc": (cpc, ("spend", "clicks")),
    "cpm": (cpm, ("spend", "impressions")),
    "cpl": (cpl, ("spend", "leads")),
    "cpa": (cpa, ("spend", "orders")),
    "conversion_rate": (conversion_rate, ("leads", "clicks")),
    "romi": (romi, ("revenue", "spend")),
    "drr": (drr, ("spend", "revenue")),
}

# Metrics of a change from before to after: (function, the count it compares).
ACROSS = {"follower_growth": (follower_growth, "followers")}

ER_BY = {"by_followers": "er_followers", "by_reach": "er_reach", "by_views": "er_views"}


def derive(metric: str, counts: dict[str, float], er_definition: str = "by_reach") -> Num:
    """A metric's value from one set of counts; ``er`` follows the case's definition."""
    if metric == "er":
        metric = ER_BY[er_definition]
    if metric in DERIVED:
        fn, args = DERIVED[metric]
        return fn(*(counts.get(a) for a in args))
    if metric in registry.metrics() and not registry.metrics()[metric].derived:
        return counts.get(metric)
    return None


def inputs_of(metric: str, er_definition: str = "by_reach") -> tuple[str, ...]:
    if metric == "er":
        metric = ER_BY[er_definition]
    if metric in DERIVED:
        return DERIVED[metric][1]
    return (metric,)


def better(metric: str) -> str:
    info = registry.metrics().get(metric)
    return info.better if info else "higher"


def _at_most(a: float, b: float) -> bool:
    """a <= b, where a float rounding error (4.95 vs 4.950000000000001) counts as equal."""
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def goal_status(actual: Num, target: float, better_way: str = "higher", close_within: float = 0.10) -> str:
    """met | close (within 10% of the target, bounds included) | missed | na."""
    if actual is None:
        return "na"
    if better_way == "lower":
        if _at_most(actual, target):
            return "met"
        return "close" if _at_most(actual, target * (1 + close_within)) else "missed"
    if _at_most(target, actual):
        return "met"
    return "close" if _at_most(target * (1 - close_within), actual) else "missed"
