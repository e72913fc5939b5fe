"""Each chart type in casebook/render/charts/ is one module with a `charts(ctx)`, listed once in CHART_TYPES.

For every module, some demo case gets its chart, with the id the module
names, and build_charts returns the charts in CHART_TYPES order.
"""

from __future__ import annotations

import pytest

from casebook.compute import facts as compute
from casebook.render import charts
from casebook.render.charts import before_after, costs, funnel, goals, period_change, series, spend
from casebook.render.charts.base import _Ctx
from casebook.render.i18n import translator

PREFIXES = {
    period_change: "period-change", before_after: "before-after-", series: "series-", costs: "cost-",
    goals: "goals", funnel: "funnel-", spend: "spend",
}


def test_every_chart_module_is_registered_once_in_reading_order():
    assert [m.charts for m in PREFIXES] == list(charts.CHART_TYPES)


@pytest.mark.parametrize("module", list(PREFIXES), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_some_demo_case_gets_this_chart(module, demo_result):
    made = []
    for loaded in demo_result.cases:
        ctx = _Ctx(compute.facts(loaded.case), translator(loaded.case.locale))
        made += [c.id for c in module.charts(ctx)]
    assert made and all(cid.startswith(PREFIXES[module]) for cid in made)


def test_build_charts_keeps_the_registered_order(demo_result):
    order = [PREFIXES[m] for m in PREFIXES]
    for loaded in demo_result.cases:
        ids = [c.id for c in charts.build_charts(compute.facts(loaded.case), translator(loaded.case.locale))]
        ranks = [next(i for i, p in enumerate(order) if cid.startswith(p)) for cid in ids]
        assert ranks == sorted(ranks), loaded.case.slug
