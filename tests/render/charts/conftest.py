"""Helpers for the chart-type tests: a small hand-made case, one chart module run on it, a spec's parts."""

from __future__ import annotations

import pytest

from casebook.compute import facts as compute
from casebook.load.model import Case
from casebook.render.charts.base import _Ctx
from casebook.render.i18n import Translator


def _case(**over) -> Case:
    """A small valid English case in US dollars; keyword arguments replace top-level fields."""
    data = {
        "slug": "hand-made", "title": "Hand-made case", "locale": "en",
        "client": {"name": "Acme", "disclose_name": True, "industry": "retail"},
        "role": "SMM manager", "period": {"start": "2025-01-01", "end": "2025-04-30"},
        "platforms": ["instagram"], "currency": "USD",
        "before": {"as_of": "2024-12-31", "metrics": {"instagram": {"followers": 1000}}},
        "after": {"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 1500}}},
    }
    data.update(over)
    return Case.model_validate(data)


def _run(module, case: Case) -> dict:
    """The charts one chart-type module makes for the case, by id."""
    return {c.id: c for c in module.charts(_Ctx(compute.facts(case), Translator(case.locale)))}


def _units(spec: dict) -> list[dict]:
    """Every unit spec (with a mark) inside a spec, depth first."""
    found = [spec] if "mark" in spec else []
    for part in spec.get("layer", []):
        found += _units(part)
    return found


def _rows(spec: dict) -> list[dict]:
    """The rows of every distinct inline table of a spec."""
    out, seen = [], []
    for unit in [spec, *_units(spec)]:
        table = unit.get("data", {}).get("values") if isinstance(unit.get("data"), dict) else None
        if table is not None and table not in seen:
            seen.append(table)
            out += table
    for table in spec.get("datasets", {}).values():
        if table not in seen:
            seen.append(table)
            out += table
    return out


def _mark(unit: dict) -> str:
    return unit["mark"] if isinstance(unit["mark"], str) else unit["mark"]["type"]


@pytest.fixture
def kit():
    """case(**fields), run(module, case), units(spec), rows(spec), mark(unit)."""
    class Kit:
        case, run, units, rows, mark = staticmethod(_case), staticmethod(_run), staticmethod(_units), \
            staticmethod(_rows), staticmethod(_mark)
    return Kit
