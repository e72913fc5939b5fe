"""casebook.render.charts.goals: progress of each measurable goal to its target."""

from __future__ import annotations

from casebook.render.charts import goals


def test_progress_status_and_percent_axis(kit):
    case = kit.case(goals=[{"metric": "followers", "target": 2000},
                           {"metric": "followers", "target": 1200, "label": "Easy"},
                           {"metric": "leads", "target": 50}])
    chart = kit.run(goals, case)["goals"]
    bar = next(u for u in kit.units(chart.spec) if kit.mark(u) == "bar")["encoding"]
    assert bar["x"]["field"] == "progress" and bar["x"]["axis"]["format"] == ".0%"
    rows = {r["goal"]: r for r in kit.rows(chart.spec) if "goal" in r}
    # 1,500 followers: 75% of 2,000 (missed), 125% of 1,200 (met); leads unknown: table only
    assert set(rows) == {"Followers", "Easy"}
    assert (rows["Followers"]["progress"], rows["Followers"]["label"]) == (0.75, "1,500 / 2,000 · missed")
    assert (rows["Easy"]["progress"], rows["Easy"]["status"]) == (1.25, "met")
    assert chart.rows == [["Followers", "2,000", "1,500", "missed"], ["Easy", "1,200", "1,500", "met"],
                          ["Leads", "50", "n/a", "n/a"]]


def test_no_goal_with_an_actual_is_no_chart(kit):
    assert kit.run(goals, kit.case(goals=[{"metric": "leads", "target": 50}])) == {}
