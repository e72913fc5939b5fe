"""Stocks, flows and periods: a change compares like with like.

Followers are a level at a date; leads and spend are summed over the
snapshot's period; reach counts unique people over it.  Values below are
worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.compute import facts as compute
from casebook.load.checks import check_case
from casebook.render.i18n import translator
from casebook.load.model import Case
from casebook.render.views import headline_text

NBSP = "\u00a0"


def _case(before_period=None, **over) -> Case:
    """The issue's zerno numbers: 4 leads in January, 396 over February to May."""
    before = {"as_of": "2025-01-31", "metrics": {"vk": {"followers": 2140, "reach": 9800, "leads": 4,
                                                        "engagements": 310}}}
    if before_period:
        before["period"] = before_period
    data = {
        "slug": "zerno", "title": "Coffee", "locale": "en", "role": "SMM",
        "client": {"name": "Zerno", "disclose_name": True, "description": "coffee shops", "industry": "retail"},
        "period": {"start": "2025-02-01", "end": "2025-05-31"}, "platforms": ["vk"], "currency": "RUB",
        "before": before,
        "after": {"as_of": "2025-05-31", "metrics": {"vk": {"followers": 6420, "reach": 66600, "leads": 396,
                                                            "engagements": 7480, "spend": 84000}}},
    }
    data.update(over)
    return Case.model_validate(data)


JANUARY = {"start": "2025-01-01", "end": "2025-01-31"}


def _kpi(case, metric):
    (k,) = [k for k in compute.facts(case).platform_kpis["vk"] if k.metric == metric]
    return k


def test_flows_over_periods_of_different_length_compare_per_month():
    case = _case(JANUARY)
    leads = _kpi(case, "leads")
    # 4 in one month against 396 in four: 4 vs 99 a month, ×24.75, not ×99
    assert (leads.before, leads.after) == (4, 396)
    assert leads.change.multiple == pytest.approx(24.75)
    assert leads.change.basis == "per_month"
    assert translator("en").change(leads.figure) == "×25 per month"
    assert translator("ru").change(leads.figure) == "×25 в месяц"
    # a stock compares as it is: 2140 -> 6420 followers, ×3.0
    followers = _kpi(case, "followers")
    assert followers.change.multiple == pytest.approx(3.0) and followers.change.basis == ""


def test_reach_and_rates_on_it_compare_only_over_equal_periods():
    case = _case(JANUARY)
    # reach counts unique people: a month's 9,800 and four months' 66,600 have no change
    reach = _kpi(case, "reach")
    assert (reach.before, reach.after) == (9800, 66600)
    assert reach.change.absolute is None and reach.figure.style == "none"
    er = _kpi(case, "er")  # ERR uses reach: the same rule
    assert er.change.absolute is None
    # over four months before, they compare: 19,600 -> 66,600 = ×3.4
    case = _case({"start": "2024-10-01", "end": "2025-01-31"},
                 before={"as_of": "2025-01-31", "period": {"start": "2024-10-01", "end": "2025-01-31"},
                         "metrics": {"vk": {"reach": 19600, "leads": 14}}})
    assert _kpi(case, "reach").change.multiple == pytest.approx(66600 / 19600)


def test_without_a_before_period_flows_show_both_values_and_no_change():
    case = _case()
    leads = _kpi(case, "leads")
    assert (leads.before, leads.after, leads.change.absolute) == (4, 396, None)
    assert translator("en").change(leads.figure) == "n/a"
    # and check says so, at the before snapshot, with an example period
    problems = [(p, sev, msg) for p, sev, msg in check_case(case) if p == ("before",)]
    assert problems and problems[0][1] == "warning"
    assert "period: {start: 2025-01-01, end: 2025-01-31}" in problems[0][2]


def test_headline_and_sorting_use_the_same_rule():
    case = _case(JANUARY)
    facts = compute.facts(case)
    # the biggest like-with-like growth: leads ×24.75 a month (reach has no change)
    assert facts.headline.growth_metric == "leads"
    assert facts.headline.growth == pytest.approx(24.75)
    assert facts.sort_change == pytest.approx(24.75)
    assert headline_text(facts, translator("en")).startswith("Leads ×25 per month")


def test_the_demo_zerno_case_never_reads_x99(demo_cases):
    from casebook.render.charts import build_charts
    from casebook.render.views import case_view
    from casebook.load.cases import LoadedCase
    from pathlib import Path

    case = demo_cases["kazan-coffee-vk"]
    facts = compute.facts(case)
    view = case_view(LoadedCase(case=case, source=Path("cases/kazan-coffee-vk.yaml"), digest="x"))
    texts = [k.change for ks in view.kpis.values() for k in ks] + [view.headline]
    texts += [c.description for c in build_charts(facts, translator("ru"))]
    assert not any("×99" in x for x in texts)
    # leads 14 -> 396 over four months each: ×28
    (leads,) = [k for k in view.kpis["vk"] if k.metric == "leads"]
    assert leads.change == "×28"
    assert facts.sort_change == pytest.approx(396 / 14)


def test_a_report_compares_with_the_months_right_before_it():
    case = Case.model_validate({
        "slug": "r", "title": "R", "kind": "report", "locale": "en", "role": "SMM",
        "client": {"name": "Lak", "description": "a studio", "industry": "beauty"},
        "period": {"start": "2025-10-01", "end": "2025-10-31"}, "platforms": ["vk"], "currency": "RUB",
        "after": {"as_of": "2025-10-31", "metrics": {"vk": {"leads": 131}}},
        "report": {"previous": {"as_of": "2025-09-30", "metrics": {"vk": {"leads": 96}}}},
    })
    assert (case.baseline_period.start, case.baseline_period.end) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    # September has 30 days and October 31: both one whole month, compared as they are
    assert _kpi(case, "leads").change.percent == pytest.approx(35 / 96 * 100)


def test_series_that_disagree_with_after_are_located_warnings():
    case = _case(JANUARY, series={
        "vk.followers": {"2025-02": 2600, "2025-03": 3900, "2025-04": 5600, "2025-05": 6400},  # not 6420
        "vk.leads": {"2025-02": 0, "2025-03": 80, "2025-04": 140, "2025-05": 170},  # 390, not 396
        "vk.reach": {"2025-02": 12100, "2025-03": 21400, "2025-04": 30900, "2025-05": 33300},  # unique: not summed
    })
    found = {p: msg for p, sev, msg in check_case(case) if p[0] == "series" and sev == "warning"}
    assert set(found) == {("series", "vk.followers"), ("series", "vk.leads")}
    assert "6,400 in 2025-05" in found[("series", "vk.followers")]
    assert "adds up to 390 for 2025-02 to 2025-05, but 'after' says 396" in found[("series", "vk.leads")]


def test_a_snapshot_joins_a_monthly_line_only_when_it_is_a_month_or_a_stock(demo_cases):
    """Five months' unique reach beside monthly reach would read as a dip and a spike."""
    from casebook.render.charts import build_charts

    from test_change_rule import _data_values

    def marks(case, chart_id):
        charts = {c.id: c for c in build_charts(compute.facts(case), translator(case.locale))}
        return {d["mark"] for d in _data_values(charts[chart_id].spec) if d.get("mark")}

    tt = demo_cases["thread-and-tide-instagram"]  # before: Oct-Feb, after: Mar-Jul
    assert marks(tt, "series-reach") == set()
    assert len(marks(tt, "series-followers")) == 2  # a stock: before and after on the line
    lak = demo_cases["lak-studio-report-2025-10"]  # a monthly report: both periods one month
    assert len(marks(lak, "series-leads")) == 2


def test_a_totals_change_over_fewer_platforms_says_which(demo_cases):
    """Thread & tide: views total 4,200,000 but only TikTok had views before (320,000 -> 2,300,000)."""
    from casebook.load.cases import LoadedCase
    from casebook.render.views import case_view
    from pathlib import Path

    case = demo_cases["thread-and-tide-instagram"]
    (views,) = [k for k in compute.facts(case).platform_kpis["total"] if k.metric == "views"]
    assert views.after == 4_200_000 and views.change.multiple == pytest.approx(2_300_000 / 320_000)
    assert views.change_over == ("tiktok",)
    view = case_view(LoadedCase(case=case, source=Path("cases/x.yaml"), digest="x"))
    (card,) = [k for k in view.kpis["total"] if k.metric == "views"]
    assert card.note == "Change over TikTok only (measured before and after)"


def test_the_hero_shows_the_numbers_its_change_compares(demo_cases):
    """Thread & tide's hero read 'Views 320,000 -> 4,200,000 ×7.2'; 4.2M / 320K is ×13."""
    from casebook.load.cases import LoadedCase
    from casebook.render.views import case_view
    from pathlib import Path

    case = demo_cases["thread-and-tide-instagram"]
    view = case_view(LoadedCase(case=case, source=Path("cases/x.yaml"), digest="x"))
    views = [h for h in view.highlights if h.metric == "views"]
    for h in views:
        assert (h.label, h.before, h.after, h.change) == ("Views (TikTok)", "320,000", "2,300,000", "×7.2")
