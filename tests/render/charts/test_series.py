"""casebook.render.charts.series: a metric over time, before and after marked, actions on a strip above."""

from __future__ import annotations

from casebook.render.charts import series


def test_points_before_after_axis_and_an_action(kit):
    case = kit.case(series={"instagram.followers": {"2025-02": 1200, "2025-03": 1400}},
                    actions=[{"title": "Giveaway", "when": "2025-03"}])
    chart = kit.run(series, case)["series-followers"]
    assert chart.title == "Followers: Instagram"
    line = next(u for u in kit.units(chart.spec) if kit.mark(u) == "line")["encoding"]
    assert (line["x"]["type"], line["y"]["title"], line["y"]["axis"]["format"]) == ("temporal", "Followers", ",.0f")
    points = [r for r in kit.rows(chart.spec) if "platform" in r]
    # the baseline (Dec 31) and the after snapshot (Apr 30) join the monthly points (mid-month)
    assert [(r["date"], r["shown"], r["mark"]) for r in points] == [
        ("2024-12-31", "1,000", "Before"), ("2025-02-15", "1,200", ""), ("2025-03-15", "1,400", ""),
        ("2025-04-30", "1,500", "After")]
    action = next(r for r in kit.rows(chart.spec) if r.get("title") == "Giveaway")
    assert (action["start"], action["end"], action["single"]) == ("2025-03-01", "2025-04-01", False)
    assert chart.rows[0] == ["Before: Dec 31, 2024", "1,000"] and chart.rows[-1] == ["After: Apr 30, 2025", "1,500"]
    assert chart.description.endswith("What was done: Giveaway (Mar 2025).")


def test_one_point_is_no_series(kit):
    case = kit.case(before=None, series={"instagram.reach": {"2025-02": 1200}},
                    after={"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 1500}}})
    assert "series-reach" not in kit.run(series, case)
