"""casebook.render.charts.costs: cost per result over time, from the spend and result series."""

from __future__ import annotations

from casebook.render.charts import costs


def test_cost_per_lead_by_month_with_a_money_axis(kit):
    case = kit.case(series={"instagram.spend": {"2025-01": 300, "2025-02": 400},
                            "instagram.leads": {"2025-01": 10, "2025-02": 40}})
    chart = kit.run(costs, case)["cost-cpl"]
    assert chart.title == "CPL: Instagram"
    line = next(u for u in kit.units(chart.spec) if kit.mark(u) == "line")["encoding"]
    assert line["x"]["type"] == "temporal" and line["y"]["title"] == "CPL"
    assert line["y"]["axis"]["format"] == "$,.2~f"  # dollars, cents kept where there are any
    points = [r for r in kit.rows(chart.spec) if "spend" in r]
    # $300 / 10 leads = $30, $400 / 40 = $10; a month's point sits mid-month
    assert [(r["date"], r["value"], r["shown"]) for r in points] == [("2025-01-15", 30.0, "$30"), ("2025-02-15", 10.0, "$10")]
    assert chart.rows == [["Jan 2025", "Instagram", "$300", "10", "$30"], ["Feb 2025", "Instagram", "$400", "40", "$10"]]


def test_clicks_stand_in_for_leads_and_one_point_is_no_chart(kit):
    clicks = kit.case(series={"instagram.spend": {"2025-01": 100, "2025-02": 120},
                              "instagram.clicks": {"2025-01": 50, "2025-02": 80}})
    assert [r["shown"] for r in kit.rows(kit.run(costs, clicks)["cost-cpc"].spec) if "spend" in r] == ["$2", "$1.50"]
    one = kit.case(series={"instagram.spend": {"2025-01": 100}, "instagram.leads": {"2025-01": 5}})
    assert kit.run(costs, one) == {}
