"""casebook.render.charts.period_change: a client report's KPIs against the previous period."""

from __future__ import annotations

from casebook.render.charts import period_change
from casebook.render.charts.style import COLORS


def _report(kit, **over):
    return kit.case(kind="report", before=None, period={"start": "2025-04-01", "end": "2025-04-30"},
                    after={"as_of": "2025-04-30", "metrics": {"instagram": {"reach": 3000, "leads": 30, "spend": 600}}},
                    report={"previous": {"as_of": "2025-03-31",
                                         "metrics": {"instagram": {"reach": 2000, "leads": 40, "spend": 600}}}},
                    **over)


def test_changes_in_per_cent_coloured_by_which_way_is_good(kit):
    chart = kit.run(period_change, _report(kit))["period-change"]
    assert chart.title == "Change: This period / Previous period"
    bar = next(u for u in kit.units(chart.spec) if kit.mark(u) == "bar")["encoding"]
    assert bar["x"]["field"] == "pct" and bar["x"]["axis"]["format"] == "+.0%"
    rows = {r["metric"]: r for r in kit.rows(chart.spec) if "metric" in r}
    # reach 2,000 -> 3,000: +50% (good); leads 40 -> 30: -25% (bad);
    # cost per lead $600/40 = $15 -> $600/30 = $20: +33%, bad because lower is better
    assert (rows["Reach"]["label"], rows["Reach"]["color"]) == ("+50%", COLORS["good"])
    assert (rows["Leads"]["label"], rows["Leads"]["color"]) == ("−25%", COLORS["bad"])
    assert (rows["CPL"]["before"], rows["CPL"]["after"], rows["CPL"]["color"]) == ("$15", "$20", COLORS["bad"])
    assert rows["Spend"]["color"] == COLORS["flat"]
    assert chart.columns == ["Key results", "Previous period", "This period", "Change"]


def test_only_client_reports_get_it(kit):
    assert kit.run(period_change, kit.case()) == {}
