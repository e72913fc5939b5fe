"""One rule for showing a change, and half-up rounding everywhere.

Rates change in percentage points; counts and money in per cent, with "×"
from twice the value; the number is rounded (half-up) before its sign and
colour are chosen.  Values below are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from casebook.compute import facts as compute
from casebook.compute import metrics as m
from casebook.render.charts import build_charts
from casebook.render.i18n import translator
from casebook.load.model import Case
from casebook.render.views import headline_text

NBSP = "\u00a0"


@pytest.mark.parametrize("locale, value, digits, shown", [
    ("en", 62.5, 0, "63%"),  # half-even would print 62%
    ("en", 2.25, 1, "2.3%"),  # half-even would print 2.2%
    ("ru", 2.25, 1, f"2,3{NBSP}%"),
    ("en", 0.125, 2, "0.13%"),
])
def test_percent_rounds_half_up(locale, value, digits, shown):
    assert translator(locale).percent(value, digits) == shown


def test_numbers_and_money_round_half_up():
    en, ru = translator("en"), translator("ru")
    assert en.number(2.25, 1) == "2.3"
    assert en.number(1234.5, 0) == "1,235"
    assert ru.number(1234.5, 0) == f"1{NBSP}235"
    assert en.money(2.125, "USD") == "$2.13"  # 2.125 is exact in binary: half-even gives $2.12
    assert en.money(1234.5, "USD") == "$1,235"
    assert en.multiple(2.25) == "×2.3"


def test_a_change_that_rounds_to_zero_is_neutral():
    # 1,000,000 -> 999,840: -0.016 %, shown with one decimal as 0.0 -> "0%", flat, no sign
    ch = m.change(1_000_000, 999_840, "higher")
    fig = m.change_figure(ch, "count")
    assert (fig.style, fig.value, fig.direction) == ("percent", 0.0, "flat")
    assert translator("en").change(fig) == "0%"
    # a rate that moves by 0.04 points rounds to 0.0 pp: flat as well
    fig = m.change_figure(m.change(3.20, 3.16, "higher"), "percent")
    assert fig.direction == "flat" and translator("en").change(fig) == f"0{NBSP}pp"
    # -0.06 % rounds to -0.1 %: a real (bad) change with its sign
    fig = m.change_figure(m.change(1_000_000, 999_400, "higher"), "count")
    assert fig.direction == "bad" and translator("en").change(fig) == "−0.1%"


def test_rates_change_in_points_counts_in_percent_large_growth_as_multiple():
    en = translator("en")
    # ER 3.2 % -> 8.7 %: +5.5 points (not +172 %, not ×2.7)
    assert en.change(m.change_figure(m.change(3.2, 8.7), "percent")) == f"+5.5{NBSP}pp"
    # leads 96 -> 131: +36.46 % -> "+36%"
    assert en.change(m.change_figure(m.change(96, 131), "count")) == "+36%"
    # reach 9,800 -> 33,300: ×3.398 -> "×3.4"
    assert en.change(m.change_figure(m.change(9800, 33300), "count")) == "×3.4"
    # spend 100 -> 250 is growth ×2.5, and bad for a lower-is-better metric
    fig = m.change_figure(m.change(100, 250, "lower"), "money")
    assert en.change(fig, "USD") == "×2.5" and fig.direction == "bad"
    # from zero: the difference, in the metric's unit
    assert en.change(m.change_figure(m.change(0, 1150), "count")) == "+1,150"


def _case(**over) -> Case:
    data = {
        "slug": "leads-case", "title": "Leads", "locale": "en", "visibility": "public", "role": "SMM",
        "client": {"name": "Acme", "disclose_name": True, "description": "a shop", "industry": "retail"},
        "period": {"start": "2025-01-01", "end": "2025-03-31"}, "platforms": ["vk"], "currency": "USD",
        "before": {"as_of": "2024-12-31", "period": {"start": "2024-10-01", "end": "2024-12-31"},
                   "metrics": {"vk": {"leads": 96}}},
        "after": {"as_of": "2025-03-31", "metrics": {"vk": {"leads": 131}}},
    }
    data.update(over)
    return Case.model_validate(data)


def test_headline_prints_a_small_growth_as_percent_not_as_a_count():
    facts = compute.facts(_case())
    assert headline_text(facts, translator("en")) == "Leads +36%"  # was "1.4 leads"
    facts = compute.facts(_case(locale="ru"))
    assert headline_text(facts, translator("ru")) == f"Заявки +36{NBSP}%"  # was "1,4 заявок"


def test_report_period_chart_shows_rate_changes_in_points(demo_cases):
    """The report's period-change chart and its KPI cards say the same thing for ER."""
    case = demo_cases["lak-studio-report-2025-10"]
    t = translator(case.locale)
    facts = compute.facts(case)
    (er,) = [k for k in compute.kpis(case, "total") if k.metric == "er"]
    card = t.change(er.figure, case.currency)
    assert card.endswith("п.\u00a0п.")
    charts = {c.id: c for c in build_charts(facts, t)}
    chart = charts["period-change"]
    (row,) = [r for r in chart.rows if r[0] == t.metric("er")]
    assert row[3] == card
    assert "п.\u00a0п." in chart.description


def _shop(**over) -> Case:
    """The issue's shop: Facebook ads bring orders, Instagram orders come without spend."""
    return _case(**{
        "platforms": ["facebook", "instagram"], "currency": "PHP", "locale": "en-PH",
        "goals": [{"metric": "cpa", "target": 200}, {"metric": "follower_growth", "target": 50},
                  {"metric": "follower_growth", "platform": "instagram", "target": 50}],
        "before": {"as_of": "2024-12-31", "metrics": {"facebook": {"followers": 4000},
                                                      "instagram": {"followers": 1000}}},
        "after": {"as_of": "2025-03-31", "metrics": {"facebook": {"followers": 5200, "orders": 442, "spend": 238900},
                                                     "instagram": {"followers": 1800, "orders": 842}}},
        **over})


def test_a_whole_case_goal_uses_whole_case_totals_and_names_what_is_missing():
    facts = compute.facts(_shop())
    (cpa,) = [g for g in facts.goals if g.goal.metric == "cpa"]
    # 238,900 ÷ (442 + 842) = 238,900 ÷ 1,284 = 186.06: the figure the summary would quote
    assert cpa.actual == pytest.approx(186.0592, abs=1e-4)
    assert cpa.status == "met"  # was 540.50 (Facebook alone) and "missed"
    t = translator("en-PH")
    view_goal = case_view_of(_shop()).goals[0]
    assert view_goal.actual == "₱186.06"
    assert view_goal.note == "Not reported: Instagram (Spend)"
    # the case page's totals row shows the same figure
    total = {k.metric: k for k in facts.platform_kpis["total"]}
    assert total["cpa"].after == cpa.actual
    assert t.money(total["cpa"].after, "PHP") == "₱186.06"


def test_follower_growth_works_as_a_goal():
    facts = compute.facts(_shop())
    whole, insta = [g for g in facts.goals if g.goal.metric == "follower_growth"]
    # whole case: (5200 + 1800) vs (4000 + 1000): 7000 / 5000 − 1 = +40 %, short of 50 % (not "n/a")
    assert whole.actual == pytest.approx(40.0)
    assert whole.status == "missed"
    # Instagram: 1000 -> 1800 = +80 %
    assert insta.actual == pytest.approx(80.0) and insta.status == "met"


def case_view_of(case: Case):
    from pathlib import Path

    from casebook.load.cases import LoadedCase
    from casebook.render.views import case_view

    return case_view(LoadedCase(case=case, source=Path("cases/x.yaml"), digest="x"))


def test_a_month_missing_from_a_series_is_a_gap_and_na_in_the_table():
    case = _case(series={"vk.clicks": {"2025-01": 30, "2025-03": 41}},
                 period={"start": "2025-01-01", "end": "2025-03-31"})
    facts = compute.facts(case)
    t = translator("en")
    (chart,) = [c for c in build_charts(facts, t) if c.id == "series-clicks"]
    # the table has February, with n/a, between January and March
    labels = [r[0] for r in chart.rows]
    assert labels == [t.month(dt.date(2025, m, 1)) for m in (1, 2, 3)]
    assert [r[1] for r in chart.rows] == ["30", "n/a", "41"]
    # the line is drawn in segments: January and March are not joined across the gap
    segments = {d["date"][:7]: d["segment"] for d in _data_values(chart.spec)}
    assert segments["2025-01"] != segments["2025-03"]
    assert '"field": "segment"' in json.dumps(chart.spec)


def _data_values(spec):
    """Every inline data row of a Vega-Lite spec (top level, layers, datasets)."""
    out = []
    if isinstance(spec, dict):
        if isinstance(spec.get("data"), dict) and "values" in spec["data"]:
            out += spec["data"]["values"]
        for ds in (spec.get("datasets") or {}).values():
            out += ds
        for layer in spec.get("layer", []):
            out += _data_values(layer)
    return out
