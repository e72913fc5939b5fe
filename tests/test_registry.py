"""The metric registry (casebook/data/metrics.yaml) is the one place a metric is declared.

Walks every metric it declares and proves each can be computed, used as a
goal, formatted and named in every interface language, and is documented;
and that the model, the aliases and the KPI order are read from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from casebook.compute import facts as compute
from casebook import registry
from casebook.compute import metrics as m
from casebook.render.i18n import translator
from casebook.load.model import METRIC_ALIASES, Case, Metrics
from casebook.settings import LOCALES_DIR
from casebook.render.views import definition

REPO = Path(__file__).resolve().parents[1]
METRICS = list(registry.metrics())
# every count, with a value that keeps every derived metric defined
COUNTS = {k: 1000.0 + 10 * i for i, k in enumerate(registry.count_metrics())}


def _case(metric: str, platform: str | None) -> Case:
    before = {k: int(v / 2) for k, v in COUNTS.items()}
    after = {k: int(v) for k, v in COUNTS.items()}
    goal = {"metric": metric, "target": 1}
    if platform:
        goal["platform"] = platform
    return Case.model_validate({
        "slug": "every-metric", "title": "T", "role": "SMM", "locale": "en", "currency": "USD",
        "client": {"name": "Acme", "disclose_name": True, "industry": "retail"},
        "period": {"start": "2025-01-01", "end": "2025-03-31"}, "platforms": ["vk", "telegram"],
        "goals": [goal],
        "before": {"as_of": "2024-12-31", "period": {"start": "2024-10-01", "end": "2024-12-31"},
                   "metrics": {"vk": before, "telegram": before}},
        "after": {"as_of": "2025-03-31", "metrics": {"vk": after, "telegram": after}},
    })


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_is_computed(metric):
    info = registry.metrics()[metric]
    if info.change_of:
        return  # a change between two snapshots: proven as a goal below
    value = m.derive(metric, COUNTS)
    assert value is not None and value == value, metric  # a number, not n/a, not NaN


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("platform", ["vk", None])
def test_every_metric_works_as_a_goal(metric, platform):
    (goal,) = compute.facts(_case(metric, platform)).goals
    assert goal.actual is not None, (metric, platform)
    assert goal.status in {"met", "close", "missed"}


@pytest.mark.parametrize("language", registry.interface_languages())
def test_every_metric_is_named_and_formatted_in_every_language(language):
    names = yaml.safe_load((LOCALES_DIR / f"{language}.yaml").read_text("utf-8"))["metric"]
    missing = [k for k in METRICS if k not in names]
    assert not missing, f"{language}.yaml lacks metric names: {missing}"
    t = translator(language)
    for metric in METRICS:
        info = registry.metrics()[metric]
        text = t.value(1234.5, info.unit, "USD")
        assert text and "1" in text
        if info.derived and metric != "er":
            assert definition(t, metric), (language, metric)


def test_every_metric_is_documented_with_its_formula():
    reference = (REPO / "docs" / "reference.md").read_text("utf-8")
    for metric, info in registry.metrics().items():
        row = next((line for line in reference.splitlines() if line.startswith(f"| `{metric}` |")), None)
        assert row is not None, f"docs/reference.md has no row for {metric}"
        if info.formula:
            assert definition(translator("en"), metric) in row
        assert info.description, metric


def test_the_model_aliases_and_orders_come_from_the_registry():
    assert set(Metrics.model_fields) == set(registry.count_metrics())
    for alias, metric in METRIC_ALIASES.items():
        assert alias in registry.metrics()[metric].aliases
    assert registry.card_order()[:3] == ("followers", "reach", "views")
    # every formula names only known counts
    for info in registry.metrics().values():
        for name in info.inputs:
            assert name in registry.metrics() and not registry.metrics()[name].derived, (info.id, name)


def test_adding_a_metric_is_one_entry(tmp_path, monkeypatch):
    """A new count and a rate on it, declared in data only, are fields, formulas and goals."""
    from casebook import settings as paths

    data = tmp_path / "data"
    data.mkdir()
    for f in paths.DATA_DIR.glob("*.yaml"):
        (data / f.name).write_bytes(f.read_bytes())
    with (data / "metrics.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\nstories:\n  unit: count\n  better: higher\n  description: Stories posted.\n"
                 "story_rate:\n  unit: percent\n  better: higher\n  formula: stories / posts * 100\n"
                 "  description: Stories per post.\n")
    monkeypatch.setattr(registry, "DATA_DIR", data)
    registry.metrics.cache_clear()
    try:
        assert m.derive("story_rate", {"stories": 30, "posts": 120}) == 25.0
        assert "stories" in registry.count_metrics()
        assert compute.measure_of("story_rate") == "as_is"
    finally:
        registry.metrics.cache_clear()
