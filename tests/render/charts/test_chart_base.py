"""casebook.render.charts.base: the Chart, a case's context for chart modules, and the spec helpers."""

from __future__ import annotations

import altair as alt

from casebook.compute import facts as compute
from casebook.render.charts.base import _channels, _Ctx, _label_room, _spec
from casebook.render.charts.style import CONFIG
from casebook.render.i18n import Translator


def test_context_labels_money_and_change_as_the_cards_show_them(kit):
    case = kit.case()
    ctx = _Ctx(compute.facts(case), Translator("en"))
    assert (ctx.before_label, ctx.after_label) == ("Before", "After")
    assert ctx.platform("instagram") == "Instagram" and ctx.platform("total") == "Total"
    assert (ctx.money(12.5), ctx.money(1234.5)) == ("$12.50", "$1,235")  # a thousand and more: whole, half up
    assert ctx.change(1000, 1500, "followers") == "+50%"
    assert ctx.change(0, 1500, "followers") == ""  # from zero: no made-up change
    report = kit.case(kind="report", before=None, report={"previous": {"metrics": {"instagram": {"followers": 900}}}})
    assert _Ctx(compute.facts(report), Translator("en")).before_label == "Previous period"


def test_spec_carries_the_style_the_description_and_the_height_limits():
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(**_channels(x="a:Q"))
    spec = _spec(chart, "One bar.", (40, 90))
    assert spec["description"] == "One bar." and spec["config"] == CONFIG
    assert spec["usermeta"]["casebook"] == {"minHeight": 40, "maxHeight": 90}
    assert spec["encoding"]["x"] == {"field": "a", "type": "quantitative"}
    # room for the longest label: 5 characters at 7.2 px + 12 px
    assert _label_room(["abc", "12345"], 1) == "max(1, width / max(width - 48, width * 0.35))"
