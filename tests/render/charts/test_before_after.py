"""casebook.render.charts.before_after: a platform's key metrics before and after, as bars with labels."""

from __future__ import annotations

from casebook.render.charts import before_after


def test_bars_labels_and_table_of_a_platform_known_both_times(kit):
    case = kit.case(before={"as_of": "2024-12-31", "metrics": {"instagram": {"followers": 1000, "reach": 2000}}},
                    after={"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 1500, "reach": 8000}}})
    chart = kit.run(before_after, case)["before-after-instagram"]
    assert chart.title == "Instagram: Before / After"
    bar, text = kit.units(chart.spec)
    assert (kit.mark(bar), kit.mark(text)) == ("bar", "text")
    assert bar["encoding"]["y"]["sort"] == ["Followers", "Reach"]
    assert bar["encoding"]["color"]["scale"]["domain"] == ["Before", "After"]
    rows = {(r["metric"], r["period"]): r for r in kit.rows(chart.spec)}
    # 1,000 -> 1,500 is +50%; each bar is its share of the larger of the pair
    assert rows[("Followers", "After")]["label"] == "1,500 (+50%)"
    assert abs(rows[("Followers", "Before")]["share"] - 1000 / 1500) < 1e-9
    assert rows[("Reach", "Before")]["share"] == 0.25
    # reach (unique people) over periods of unknown length: both values, no made-up change
    assert chart.rows == [["Followers", "1,000", "1,500", "+50%"], ["Reach", "2,000", "8,000", "n/a"]]
    assert chart.columns == ["Instagram", "Before", "After", "Change"]


def test_a_platform_without_a_metric_known_both_times_gets_no_chart(kit):
    case = kit.case(platforms=["instagram", "tiktok"],
                    after={"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 1500},
                                                              "tiktok": {"followers": 300}}})
    assert list(kit.run(before_after, case)) == ["before-after-instagram"]
