"""Metric formulas: pure functions of plain numbers.

Every function returns ``None`` ("not available") when an input is missing
or a divisor is zero: a derived number is never shown where its inputs are
missing, and never as a made-up zero.  See ``shared/domain.md``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Optional

from casebook import registry

Num = Optional[float]


class FormulaError(ValueError):
    """A formula in data/metrics.yaml that casebook cannot read."""


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _scale_first(node: ast.AST) -> ast.AST:
    """(a / b) * k as (a * k) / b: 57 * 100 / 100 is exactly 57.0, 57 / 100 * 100 is not."""
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Constant)
            and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Div)):
        inner = _scale_first(node.left)
        return ast.BinOp(ast.BinOp(inner.left, ast.Mult(), node.right), ast.Div(), inner.right)
    if isinstance(node, ast.BinOp):
        return ast.BinOp(_scale_first(node.left), node.op, _scale_first(node.right))
    return node


@lru_cache(maxsize=None)
def parse(formula: str) -> ast.AST:
    """A formula's tree: numbers, metric ids, + - * / and parentheses, nothing else."""
    try:
        tree = ast.parse(formula, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"cannot read formula {formula!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) not in _OPS:
            raise FormulaError(f"formula {formula!r}: only + - * / are allowed")
        if not isinstance(node, (ast.BinOp, ast.Name, ast.Constant, ast.Load, *_OPS)):
            raise FormulaError(f"formula {formula!r}: {type(node).__name__} is not allowed")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {formula!r}: only numbers and metric ids")
    return _scale_first(tree)


def evaluate(formula: str, counts: dict[str, float]) -> Num:
    """A formula's value; None when an input is missing or a divisor is zero (never a made-up zero)."""

    def ev(node: ast.AST) -> Num:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            value = counts.get(node.id)
            return None if value is None else value
        left, right = ev(node.left), ev(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return None if right == 0 else left / right

    return ev(parse(formula))


def percent_change(start: Num, end: Num) -> Num:
    """The change of a count in per cent: (end − start) / start × 100 (None from zero)."""
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


def resolve(metric: str, er_definition: str = "by_reach") -> str:
    """``er`` is the case's ER (by its engagement_rate); every other id is itself."""
    if metric == "er":
        return registry.er_definitions()[er_definition]
    return metric


def derive(metric: str, counts: dict[str, float], er_definition: str = "by_reach") -> Num:
    """A metric's value from one set of counts (data/metrics.yaml says how)."""
    info = registry.metrics().get(resolve(metric, er_definition))
    if info is None or info.change_of:
        return None  # unknown, or a change between two snapshots (compute.goal_value)
    if info.formula is not None:
        return evaluate(info.formula, counts)
    return counts.get(info.id)


def inputs_of(metric: str, er_definition: str = "by_reach") -> tuple[str, ...]:
    """The counts a metric is made of (itself for a count)."""
    info = registry.metrics().get(resolve(metric, er_definition))
    if info is None or not info.derived:
        return (metric,)
    return info.inputs


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
