"""casebook.render.charts.spend: where the money went, by action, else by platform."""

from __future__ import annotations

from casebook.render.charts import spend


def test_spend_by_action_with_shares_of_the_total(kit):
    case = kit.case(actions=[{"title": "Ads", "when": "2025-01", "spend": 600},
                             {"title": "Creators", "when": "2025-02", "spend": 200}])
    chart = kit.run(spend, case)["spend"]
    assert chart.title == "Budget: $800"
    rows = [r for r in kit.rows(chart.spec) if "item" in r]
    # 600 of 800 is 75%; the bar is the share of the biggest item (200 / 600)
    assert [(r["item"], r["label"]) for r in rows] == [("Ads", "$600 · 75%"), ("Creators", "$200 · 25%")]
    assert rows[0]["share"] == 1.0 and abs(rows[1]["share"] - 1 / 3) < 1e-9
    assert chart.rows == [["Ads", "$600", "75%"], ["Creators", "$200", "25%"], ["Total", "$800", "100%"]]
    assert chart.columns == ["What was done", "Spend", "%"]


def test_by_platform_when_fewer_than_two_actions_have_spend_and_none_with_one(kit):
    case = kit.case(platforms=["instagram", "tiktok"],
                    after={"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 1500, "spend": 90},
                                                              "tiktok": {"followers": 10, "spend": 10}}})
    chart = kit.run(spend, case)["spend"]
    assert chart.columns[0] == "Platform"
    assert chart.rows[:2] == [["Instagram", "$90", "90%"], ["TikTok", "$10", "10%"]]
    assert kit.run(spend, kit.case(actions=[{"title": "Ads", "spend": 300}])) == {}
