"""casebook.render.charts.funnel: the after snapshot's stages, each with its rate from the one before."""

from __future__ import annotations

from casebook.render.charts import funnel


def test_stages_rates_and_a_sliver_for_a_tiny_stage(kit):
    case = kit.case(after={"as_of": "2025-04-30",
                           "metrics": {"instagram": {"followers": 1500, "reach": 20000, "clicks": 500, "leads": 25}}})
    chart = kit.run(funnel, case)["funnel-instagram"]
    assert chart.title == "Instagram: Reach → Clicks → Leads"
    rows = kit.rows(chart.spec)
    # 500 of 20,000 reached clicked (2.5%), 25 of 500 clicks became leads (5%)
    assert [r["label"] for r in rows] == ["20,000", "500 · 2.5%", "25 · 5%"]
    assert rows[1]["share"] == 0.025
    assert rows[2]["share"] == 0.006  # 25 / 20,000 is 0.00125: drawn as a visible sliver, the label has the number
    assert chart.rows == [["Reach", "20,000", ""], ["Clicks", "500", "2.5%"], ["Leads", "25", "5%"]]
    assert kit.units(chart.spec)[0]["encoding"]["y"]["sort"] == ["Reach", "Clicks", "Leads"]


def test_two_stages_are_no_funnel(kit):
    case = kit.case(after={"as_of": "2025-04-30", "metrics": {"instagram": {"reach": 20000, "clicks": 500}}})
    assert kit.run(funnel, case) == {}
