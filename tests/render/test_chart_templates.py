"""Chart specs come from per-type templates that Altair draws once, filled with each case's values.

What a user relies on: the filled template is the very spec Altair draws
with the case's own values (the page's chart, its static SVG and the PDF's
chart all come from it), no case's numbers or texts end up in another
case's chart, and a case's text that happens to look like a template's slot
is shown as written.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from casebook.compute import facts as compute
from casebook.load.model import Case
from casebook.render import charts
from casebook.render.charts import template
from casebook.render.charts.base import _Ctx
from casebook.render.i18n import translator

REPO = Path(__file__).resolve().parents[2]


def _text(made: list) -> list[str]:
    return [json.dumps(vars(c), ensure_ascii=False, sort_keys=True) for c in made]


def _each_chart_type(case: Case, locale: str):
    ctx = _Ctx(compute.facts(case), translator(locale))
    for make in charts.CHART_TYPES:
        with template.direct():
            drawn = make(ctx)  # Altair, with this case's values
        yield make, drawn, make(ctx)  # the type's template, filled


@pytest.fixture(scope="module")
def generated_cases(tmp_path_factory) -> list[Case]:
    """Cases of the benchmark's generator: many shapes of series, actions, goals and reports."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import gen  # the benchmark's case generator, not a package
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from casebook.load.project import open_project

    root = tmp_path_factory.mktemp("generated")
    gen.generate(root, 40, seed=7)
    return [loaded.case for loaded in open_project(root).cases]


def test_a_filled_template_is_the_spec_altair_draws_for_the_case(demo_result, generated_cases):
    cases = [loaded.case for loaded in demo_result.cases] + generated_cases
    seen = set()
    for case in cases:
        for locale in dict.fromkeys([case.locale, "en", "ru"]):
            for make, drawn, filled in _each_chart_type(case, locale):
                assert _text(filled) == _text(drawn), (case.slug, locale, make.__module__)
                seen.update(c.id.split("-")[0] for c in filled)
    # every chart type was compared, not only the simple ones
    assert {"period", "before", "series", "cost", "goals", "funnel", "spend"} <= seen


def test_one_template_serves_every_case_of_its_shape_with_that_cases_values(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    data = case.model_dump(mode="json")
    platform = case.platforms[0]
    # every number doubled: the same shape (shares, ratios, label positions), other values
    for snap in ("before", "after"):
        for metrics in data[snap]["metrics"].values():
            for metric, value in metrics.items():
                if isinstance(value, (int, float)):
                    metrics[metric] = value * 2
    for points in data["series"].values():
        for when, value in points.items():
            points[when] = value * 2
    for goal in data["goals"]:
        goal["target"] = goal["target"] * 2
    other = Case.model_validate(data)

    first = {c.id: c for c in charts.build_charts(compute.facts(case), translator("en"))}
    drawn_before = template.template.cache_info().misses
    second = {c.id: c for c in charts.build_charts(compute.facts(other), translator("en"))}
    # the same shapes: no new Altair drawing ...
    assert template.template.cache_info().misses == drawn_before
    # ... and each chart carries its own case's numbers, not the first case's
    key = f"before-after-{platform}"
    values = [row["value"] for row in second[key].spec["data"]["values"]]
    assert values != [row["value"] for row in first[key].spec["data"]["values"]]
    assert second[key].description != first[key].description
    with template.direct():
        ctx = _Ctx(compute.facts(other), translator("en"))
        drawn = {c.id: c for make in charts.CHART_TYPES for c in make(ctx)}
    assert _text(list(second.values())) == _text(list(drawn.values()))


def test_a_case_text_that_looks_like_a_slot_is_shown_as_written(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    data = case.model_dump(mode="json")
    sly = f"{template.OPEN}description{template.CLOSE}"
    actions = copy.deepcopy(data["actions"])
    for action in actions:
        action["title"] = sly
        action["spend"] = 100
    data["actions"] = actions
    made = charts.build_charts(compute.facts(Case.model_validate(data)), translator("en"))
    spend = next(c for c in made if c.id == "spend")
    assert [row["item"] for row in spend.spec["data"]["values"]] == [sly] * len(actions)
    assert spend.spec["description"] == spend.description != sly


drawn_shapes: list[tuple] = []


def _draw_counted(kind: str, v: dict) -> dict:
    drawn_shapes.append((kind,))
    return {"mark": kind, "title": v["title"], "data": {"values": v["rows"]}}


def test_a_template_kept_on_disk_serves_the_next_build_unless_its_entry_or_the_chart_code_changed(tmp_path):
    folder = tmp_path / "cache" / "templates"
    drawn_shapes.clear()
    template.template.cache_clear()
    with template.stored_in(folder, "code-1"):
        first = template.make(_draw_counted, ("bar",), {"title": "A", "rows": [1, 2]})
    assert first == {"mark": "bar", "title": "A", "data": {"values": [1, 2]}}
    assert drawn_shapes == [("bar",)]

    template.template.cache_clear()  # a new process: only the disk remembers
    with template.stored_in(folder, "code-1"):
        second = template.make(_draw_counted, ("bar",), {"title": "B ‹ü›", "rows": [3]})
    assert drawn_shapes == [("bar",)]  # filled from the kept template, not drawn
    assert second == {"mark": "bar", "title": "B ‹ü›", "data": {"values": [3]}}

    template.template.cache_clear()
    with template.stored_in(folder, "code-2"):  # the chart code changed: its templates are its own
        template.make(_draw_counted, ("bar",), {"title": "C", "rows": []})
    assert drawn_shapes == [("bar",), ("bar",)]

    # someone rewrote a kept template: it is not used, the chart is drawn again
    for entry in folder.glob("*.json"):
        entry.write_text(json.dumps({"mark": "bar", "title": "<script>x</script>", "data": {"values": []}}))
    template.template.cache_clear()
    with template.stored_in(folder, "code-1"):
        third = template.make(_draw_counted, ("bar",), {"title": "D", "rows": [4]})
    assert third == {"mark": "bar", "title": "D", "data": {"values": [4]}}
    assert drawn_shapes == [("bar",)] * 3
    template.template.cache_clear()
