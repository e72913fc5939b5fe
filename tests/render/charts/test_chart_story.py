"""Charts: a chart's actions are its platform's, labels end at a word, platforms wear their brand colours."""

from __future__ import annotations

import json
import re

import pytest

from casebook.compute import facts as compute
from casebook.load.model import Case
from casebook.render.charts import build_charts
from casebook.render.charts.static import ChartRenderer
from casebook.render.i18n import Translator


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    return ChartRenderer(tmp_path_factory.mktemp("charts"))


LONG = "Catering lead ads with the menu in the first card of every carousel"


def make_case(**over) -> Case:
    data = {
        "slug": "fixture", "title": "Fixture", "locale": "en",
        "client": {"name": "Acme", "disclose_name": True, "industry": "retail"},
        "role": "SMM manager", "period": {"start": "2025-01-01", "end": "2025-04-30"},
        "platforms": ["vk", "telegram"], "currency": "RUB",
        "before": {"as_of": "2024-12-31", "metrics": {"vk": {"followers": 1000}, "telegram": {"followers": 200}}},
        "after": {"as_of": "2025-04-30", "metrics": {"vk": {"followers": 3000}, "telegram": {"followers": 900}}},
        "series": {"vk.followers": {"2025-01": 1000, "2025-02": 1500, "2025-03": 2200, "2025-04": 3000},
                   "telegram.followers": {"2025-01": 200, "2025-02": 400, "2025-03": 600, "2025-04": 900},
                   "vk.reach": {"2025-01": 10000, "2025-02": 15000, "2025-03": 22000, "2025-04": 30000}},
        "actions": [
            {"title": "VK contest", "when": "2025-02", "platform": "vk"},
            {"title": "Telegram seeding", "when": "2025-03", "platform": "telegram"},
            {"title": LONG, "when": "2025-02"},
        ],
    }
    data.update(over)
    return Case.model_validate(data)


def _charts(case: Case) -> dict:
    return {c.id: c for c in build_charts(compute.facts(case), Translator(case.locale))}


def _action_rows(spec: dict) -> list[dict]:
    """The action strip's rows: each has the full title and the label drawn."""
    return [r for r in _all_values(spec) if isinstance(r, dict) and "label" in r and "at" in r]


def _all_values(node):
    if isinstance(node, dict):
        if isinstance(node.get("values"), list):
            yield from node["values"]
        for v in node.values():
            yield from _all_values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _all_values(v)


def test_a_charts_actions_are_its_platforms_and_those_without_one():
    charts = _charts(make_case())
    reach = [r["title"] for r in _action_rows(charts["series-reach"].spec)]  # VK only
    assert "VK contest" in reach and LONG in reach and "Telegram seeding" not in reach
    both = [r["title"] for r in _action_rows(charts["series-followers"].spec)]  # VK and Telegram
    assert {"VK contest", "Telegram seeding", LONG} <= set(both)


def test_action_labels_end_at_a_word_on_the_web_and_in_print(renderer):
    case = make_case()
    chart = _charts(case)["series-followers"]
    labels = [r["label"] for r in _action_rows(chart.spec)]
    long = next(label for label in labels if label.startswith("Catering"))
    assert long.endswith("…") and len(long) < len(LONG)
    kept = long[:-1]
    assert LONG.startswith(kept) and LONG[len(kept)] == " "  # cut between words
    svg = renderer.svg(chart, case.locale, case.currency)
    shown = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert long in shown  # the static chart (print) shows the same whole words
    assert not any(s.startswith("Catering") and s != long for s in shown)


def test_platform_lines_wear_the_brand_colours_of_their_icons():
    spec = json.dumps(_charts(make_case())["series-followers"].spec)
    assert "#0077FF" in spec  # VK blue, as on the VK icon (data/platforms.yaml)
    assert "#26A5E4" in spec  # Telegram blue
