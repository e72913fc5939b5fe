"""casebook.compute.metrics against numbers worked out by hand.

Every formula returns None ("n/a") when an input is missing or a divisor
is zero: a derived number is never shown without its inputs, and never
as a made-up zero.
"""

from __future__ import annotations

import pytest

from casebook.compute import metrics as m
from casebook import registry

approx = pytest.approx


def d(metric: str, **counts):
    """A derived metric by its formula in data/metrics.yaml, from counts (None: missing)."""
    return m.derive(metric, {k: v for k, v in counts.items() if v is not None})


# --------------------------------------------------------------------------
# formulas


def test_er_by_followers():
    # 2890 engagements / 6420 followers × 100 = 45.0155763...
    assert d("er_followers", engagements=2890, followers=6420) == approx(45.01557632)
    # 120 / 4000 × 100 = 3.0
    assert d("er_followers", engagements=120, followers=4000) == 3.0


def test_er_by_reach():
    # zerno VK after: 2890 / 33300 × 100 = 8.6786786...
    assert d("er_reach", engagements=2890, reach=33300) == approx(8.678678679)
    # 9840 / 164000 × 100 = 6.0 exactly
    assert d("er_reach", engagements=9840, reach=164000) == 6.0
    # 57 / 100 × 100 = 57: exact, not 56.99999999999999
    assert d("er_reach", engagements=57, reach=100) == 57.0


def test_er_by_views():
    # speakup Telegram: 4820 / 96400 × 100 = 5.0
    assert d("er_views", engagements=4820, views=96400) == 5.0
    # 690 / 21600 × 100 = 3.1944...
    assert d("er_views", engagements=690, views=21600) == approx(3.194444444)


def test_ctr():
    # 4960 clicks / 248000 impressions × 100 = 2.0
    assert d("ctr", clicks=4960, impressions=248000) == 2.0
    # 540 / 61000 × 100 = 0.88524...
    assert d("ctr", clicks=540, impressions=61000) == approx(0.885245902)


def test_cpc():
    # 55020 spend / 2050 clicks = 26.839...
    assert d("cpc", spend=55020, clicks=2050) == approx(26.83902439)
    # 43200 / 1480 = 29.189...
    assert d("cpc", spend=43200, clicks=1480) == approx(29.18918919)


def test_cpm():
    # 3000 spend / 36000 impressions × 1000 = 83.333...
    assert d("cpm", spend=3000, impressions=36000) == approx(83.33333333)
    # 960000 / 212000 × 1000 = 4528.30...
    assert d("cpm", spend=960000, impressions=212000) == approx(4528.301887)


def test_cpl():
    # 84000 / 396 = 212.1212... (the "212 ₽" of the shared example)
    assert d("cpl", spend=84000, leads=396) == approx(212.1212121)
    # 330000 / 1100 = 300 exactly
    assert d("cpl", spend=330000, leads=1100) == 300.0


def test_cpa():
    # 287000 / 1148 = 250 exactly (glowlab)
    assert d("cpa", spend=287000, orders=1148) == 250.0
    # 15100 / 755 = 20 exactly (thread & tide, paid platforms)
    assert d("cpa", spend=15100, orders=755) == 20.0


def test_conversion_rate():
    # 131 leads / 2050 clicks × 100 = 6.390...
    assert d("conversion_rate", leads=131, clicks=2050) == approx(6.390243902)
    # 96 / 1480 × 100 = 6.486...
    assert d("conversion_rate", leads=96, clicks=1480) == approx(6.486486486)


def test_romi():
    # (1492400 − 287000) / 287000 × 100 = 1205400 / 287000 × 100 = 420.0
    assert d("romi", revenue=1492400, spend=287000) == 420.0
    # (64175 − 15100) / 15100 × 100 = 49075 / 15100 × 100 = 325.0
    assert d("romi", revenue=64175, spend=15100) == 325.0
    # a loss: (500 − 2000) / 2000 × 100 = −75
    assert d("romi", revenue=500, spend=2000) == -75.0
    # no revenue at all is a real −100%, not n/a
    assert d("romi", revenue=0, spend=100) == -100.0


def test_drr():
    # ДРР: 287000 / 1492400 × 100 = 19.230769...
    assert d("drr", spend=287000, revenue=1492400) == approx(19.23076923)
    # 1000 / 4000 × 100 = 25
    assert d("drr", spend=1000, revenue=4000) == 25.0


def test_follower_growth():
    # (6420 − 2140) / 2140 × 100 = 4280 / 2140 × 100 = 200.0
    assert m.percent_change(2140, 6420) == 200.0
    # a fall: (900 − 1000) / 1000 × 100 = −10
    assert m.percent_change(1000, 900) == -10.0
    # unchanged: 0.0, a real zero
    assert m.percent_change(500, 500) == 0.0


@pytest.mark.parametrize("metric", ["er_followers", "er_reach", "er_views", "ctr", "cpc", "cpm", "cpl", "cpa",
                                    "conversion_rate", "drr"])
def test_ratio_not_available(metric):
    num, den = registry.metrics()[metric].inputs

    def fn(a, b):
        return d(metric, **{num: a, den: b})

    assert fn(None, 100) is None  # missing numerator
    assert fn(100, None) is None  # missing base
    assert fn(None, None) is None
    assert fn(100, 0) is None  # zero base: n/a, never a division by zero
    assert fn(0, 0) is None
    assert fn(0, 100) == 0.0  # a real zero stays zero


def test_er_per_post_and_view_rate():
    # Popsters/LiveDune ER per post: 4820 engagements / 40 posts / 11260 followers × 100 = 1.0702...
    assert d("er_post", engagements=4820, posts=40, followers=11260) == approx(4820 / 40 / 11260 * 100)
    # TGStat's ERR: 96400 views / 40 posts / 11260 followers × 100 = 21.40 %
    assert d("view_rate", views=96400, posts=40, followers=11260) == approx(21.403197)
    assert d("view_rate", views=96400, posts=0, followers=11260) is None  # no posts: n/a


def test_formulas_read_only_arithmetic():
    with pytest.raises(m.FormulaError):
        m.parse("__import__('os').system('x')")
    with pytest.raises(m.FormulaError):
        m.parse("spend ** leads")
    assert m.evaluate("(revenue - spend) / spend * 100", {"revenue": 64175, "spend": 15100}) == 325.0


def test_romi_and_growth_not_available():
    assert d("romi", revenue=None, spend=100) is None
    assert d("romi", revenue=100, spend=None) is None
    assert d("romi", revenue=100, spend=0) is None  # spend 0: no return on nothing
    assert m.percent_change(None, 100) is None
    assert m.percent_change(100, None) is None
    assert m.percent_change(0, 1150) is None  # a new channel: growth from 0 is not a percentage


# --------------------------------------------------------------------------
# change


def test_change_higher_is_better_up():
    # reach 9800 → 33300: +23500; 23500 / 9800 × 100 = 239.79...%; ×3.3979...
    ch = m.change(9800, 33300)
    assert ch.absolute == 23500
    assert ch.percent == approx(239.7959184)
    assert ch.multiple == approx(3.397959184)
    assert ch.better == "higher"
    assert ch.direction == "good"


def test_change_higher_is_better_down():
    # followers 1000 → 900: −100, −10%, ×0.9; bad for a higher-is-better metric
    ch = m.change(1000, 900)
    assert (ch.absolute, ch.percent, ch.multiple) == (-100, -10.0, 0.9)
    assert ch.direction == "bad"


def test_change_lower_is_better():
    # CPL 450 → 420: −30; −30 / 450 × 100 = −6.666...%; ×0.9333...; cheaper is good
    ch = m.change(450, 420, better="lower")
    assert ch.absolute == -30
    assert ch.percent == approx(-6.666666667)
    assert ch.multiple == approx(0.933333333)
    assert ch.direction == "good"
    # CPL 250 → 300: +50, +20%, ×1.2: dearer is bad
    ch = m.change(250, 300, better="lower")
    assert (ch.absolute, ch.percent, ch.multiple) == (50, 20.0, 1.2)
    assert ch.direction == "bad"


def test_change_flat():
    ch = m.change(300, 300, better="lower")
    assert (ch.absolute, ch.percent, ch.multiple, ch.direction) == (0, 0.0, 1.0, "flat")


def test_change_not_available():
    for before, after in [(None, 5), (5, None), (None, None)]:
        ch = m.change(before, after)
        assert (ch.absolute, ch.percent, ch.multiple) == (None, None, None)
        assert ch.direction == "na"
    # from zero: the absolute change is real (+1150), percent and multiple are not
    ch = m.change(0, 1150)
    assert ch.absolute == 1150
    assert ch.percent is None and ch.multiple is None
    assert ch.direction == "good"


# --------------------------------------------------------------------------
# derive, inputs, direction


def test_derive_follows_the_er_definition():
    counts = {"engagements": 300, "followers": 6000, "reach": 5000, "views": 12000}
    # 300 / 6000 × 100 = 5.0; 300 / 5000 × 100 = 6.0; 300 / 12000 × 100 = 2.5
    assert m.derive("er", counts, "by_followers") == 5.0
    assert m.derive("er", counts, "by_reach") == 6.0
    assert m.derive("er", counts, "by_views") == 2.5
    assert m.derive("er", counts) == 6.0  # by_reach is the default
    assert m.derive("er_followers", counts, "by_views") == 5.0  # a named ER ignores the definition


def test_derive_counts_and_derived():
    counts = {"spend": 84000, "leads": 396, "clicks": 4100, "impressions": 100000, "revenue": 168000}
    assert m.derive("leads", counts) == 396  # a count is itself
    assert m.derive("cpl", counts) == approx(212.1212121)  # 84000 / 396
    assert m.derive("ctr", counts) == 4.1  # 4100 / 100000 × 100
    assert m.derive("conversion_rate", counts) == approx(9.658536585)  # 396 / 4100 × 100
    assert m.derive("romi", counts) == 100.0  # (168000 − 84000) / 84000 × 100
    assert m.derive("drr", counts) == 50.0  # 84000 / 168000 × 100
    assert m.derive("cpa", counts) is None  # no orders
    assert m.derive("followers", counts) is None  # a count that is absent
    assert m.derive("er", counts) is None  # no engagements
    assert m.derive("no_such_metric", counts) is None
    assert m.derive("follower_growth", counts) is None  # needs two snapshots, not one


def test_inputs_of():
    assert m.inputs_of("cpl") == ("spend", "leads")
    assert m.inputs_of("er", "by_views") == ("engagements", "views")
    assert m.inputs_of("er") == ("engagements", "reach")
    assert m.inputs_of("followers") == ("followers",)


@pytest.mark.parametrize(
    "metric, way",
    [("followers", "higher"), ("reach", "higher"), ("er", "higher"), ("ctr", "higher"),
     ("romi", "higher"), ("cpl", "lower"), ("cpa", "lower"), ("cpc", "lower"), ("cpm", "lower"),
     ("spend", "lower"), ("drr", "lower"), ("unfollows", "lower"), ("no_such_metric", "higher")],
)
def test_better(metric, way):
    assert m.better(metric) == way


# --------------------------------------------------------------------------
# goal status


@pytest.mark.parametrize(
    "actual, target, status",
    [
        (6420, 6000, "met"),
        (6000, 6000, "met"),  # on the target: met
        (5999, 6000, "close"),
        (5400, 6000, "close"),  # exactly 90% of 6000: still close
        (5399, 6000, "missed"),
        (0, 6000, "missed"),
        (4.95, 5.5, "close"),  # 5.5 × 0.9 = 4.95 despite float rounding
        (4.9, 5.5, "missed"),
        (11.7, 13, "close"),  # 13 × 0.9 is 11.700000000000001 in floats
        (0.27, 0.3, "close"),
        (57.0, 57, "met"),
        (0, 0, "met"),
        (None, 6000, "na"),
    ],
)
def test_goal_status_higher(actual, target, status):
    assert m.goal_status(actual, target, "higher") == status


@pytest.mark.parametrize(
    "actual, target, status",
    [
        (212.12, 250, "met"),
        (250, 250, "met"),
        (250.01, 250, "close"),
        (275, 250, "close"),  # exactly 110% of 250: still close
        (275.01, 250, "missed"),
        (420, 400, "close"),  # lak report: 420 ₽ against 400 ₽
        (20, 18, "missed"),  # thread & tide: $20 against $18; 18 × 1.1 = 19.8
        (19.8, 18, "close"),
        (150, 140, "close"),  # ledgerly: €150 against €140; 140 × 1.1 = 154
        (0, 250, "met"),
        (None, 250, "na"),
    ],
)
def test_goal_status_lower(actual, target, status):
    assert m.goal_status(actual, target, "lower") == status


def test_goal_status_default_direction_and_custom_band():
    assert m.goal_status(95, 100) == "close"  # higher is the default
    # a 5% band: 94 < 95 misses, 95 is on the bound
    assert m.goal_status(94, 100, close_within=0.05) == "missed"
    assert m.goal_status(95, 100, close_within=0.05) == "close"
