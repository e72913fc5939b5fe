"""compute.facts() on the demo cases, and locale formatting of the results.

Expected numbers are worked out by hand from the demo files in cases/.
"""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.compute import facts as compute
from casebook.render.i18n import translator
from casebook.load.model import Case

approx = pytest.approx
NBSP = "\u00a0"


def _kpi(facts, platform, metric):
    found = [k for k in facts.platform_kpis.get(platform, []) if k.metric == metric]
    return found[0] if found else None


def _goal(facts, metric, platform=None):
    (found,) = [g for g in facts.goals if g.goal.metric == metric and g.goal.platform == platform]
    return found


def test_demo_set(demo_result, demo_cases):
    assert demo_result.problems == []
    assert len(demo_cases) >= 7
    assert {c.locale for c in demo_cases.values()} >= {"ru", "en", "en-PH", "fil"}
    assert {c.currency for c in demo_cases.values()} >= {"RUB", "PHP", "USD", "EUR"}
    assert any(c.kind == "report" and not c.is_public for c in demo_cases.values())
    assert any(c.kind == "case" and not c.is_public for c in demo_cases.values())
    assert any(not c.client.disclose_name for c in demo_cases.values() if c.is_public)
    statuses = {g.status for c in demo_cases.values() for g in compute.facts(c).goals}
    assert statuses == {"met", "close", "missed"}


# --------------------------------------------------------------------------
# KPIs


def test_kpis_zerno(demo_cases):
    f = compute.facts(demo_cases["kazan-coffee-vk"])
    assert list(f.platform_kpis) == ["vk", "telegram", "total"]  # a totals row for two platforms
    # before: Oct 2024 - Jan 2025, after: Feb - May 2025: four months each, so
    # every number compares as it is (unique reach included)
    reach = _kpi(f, "vk", "reach")
    assert (reach.before, reach.after) == (19600, 66600)
    assert reach.change.multiple == approx(3.397959)  # 66600 / 19600: the "×3,4" of the title
    assert reach.change.basis == ""
    assert reach.kind == "count"
    leads = _kpi(f, "vk", "leads")  # 14 -> 396 over equal periods: ×28.3, never ×99
    assert leads.change.multiple == approx(396 / 14)
    er = _kpi(f, "vk", "er")  # by reach: 1150 / 19600 × 100 and 7480 / 66600 × 100
    assert er.before == approx(5.867347) and er.after == approx(11.231231)
    assert er.kind == "percent" and er.change.direction == "good"
    cpl = _kpi(f, "vk", "cpl")  # 84000 / 396; no spend before, so no baseline
    assert cpl.before is None and cpl.after == approx(212.121212)
    assert cpl.change.percent is None and cpl.change.direction == "na"
    assert cpl.kind == "money" and cpl.change.better == "lower"
    # Telegram had only followers before: ER by reach is n/a there, so no card
    assert _kpi(f, "telegram", "er") is None
    assert _kpi(f, "telegram", "followers").change.absolute == 1150
    # KPI cards follow the registry's card order
    order = [k.metric for k in f.platform_kpis["vk"]]
    assert order == sorted(order, key=compute.registry.card_order().index)


def test_kpis_report_compare_with_previous_period(demo_cases):
    case = demo_cases["lak-studio-report-2025-10"]
    assert case.baseline is case.report.previous
    f = compute.facts(case)
    leads = _kpi(f, "vk", "leads")  # 96 → 131: +35, 35 / 96 × 100 = 36.46%
    assert (leads.before, leads.after, leads.change.absolute) == (96, 131, 35)
    assert leads.change.percent == approx(36.458333)
    cpl = _kpi(f, "vk", "cpl")  # 43200 / 96 = 450 → 55020 / 131 = 420: −6.67%, good
    assert (cpl.before, cpl.after) == (450.0, 420.0)
    assert cpl.change.percent == approx(-6.666667)
    assert cpl.change.direction == "good"
    ctr = _kpi(f, "vk", "ctr")  # 1480 / 54000 × 100 → 2050 / 61400 × 100
    assert ctr.before == approx(2.740741) and ctr.after == approx(3.338762)


# --------------------------------------------------------------------------
# totals: sums, and ratios pooled over the platforms that have every input


def test_totals_sum_counts(demo_cases):
    case = demo_cases["glowlab-ph-tiktok"]
    t = compute.totals(case.after)
    assert t["orders"] == 712 + 436
    assert t["spend"] == 178000 + 109000
    assert t["revenue"] == 925600 + 566800
    assert "reach" in t and t["reach"] == 232000  # only Facebook has reach
    assert "impressions" not in t  # absent everywhere stays absent
    assert compute.totals(None) == {}


def test_pooled_ratio_skips_platforms_without_an_input(demo_cases):
    speakup = demo_cases["speakup-school-telegram"]
    # CPL for the whole case is whole-case spend over whole-case leads: VK's 96
    # organic leads count, 330000 / (1100 + 96) = 275.92, and the note says VK
    # reports no spend (a cost per result is the business's cost per result)
    assert compute.value_of("cpl", speakup.after, None, "by_views") == approx(330000 / 1196)
    assert compute.missing_inputs("cpl", speakup.after, "by_views") == (("vk", ("spend",)),)
    # per platform nothing changes: Telegram alone, 330000 / 1100
    assert compute.value_of("cpl", speakup.after, "telegram", "by_views") == 300.0
    # ER by views: both have engagements and views: (19350 + 4500) / (387000 + 187000) × 100
    assert compute.value_of("er", speakup.after, None, "by_views") == approx(23850 / 574000 * 100)
    zerno = demo_cases["kazan-coffee-vk"]
    # ER by reach is a rate: Telegram has engagements but no reach, so only VK
    # counts, and the note names Telegram
    assert compute.value_of("er", zerno.after, None, "by_reach") == approx(7480 / 66600 * 100)
    assert compute.missing_inputs("er", zerno.after, "by_reach") == (("telegram", ("reach",)),)
    # a metric nobody has: n/a
    assert compute.value_of("cpa", zerno.after, None, "by_reach") is None
    assert compute.value_of("cpl", None, None, "by_reach") is None


def test_total_kpis(demo_cases):
    tt = demo_cases["thread-and-tide-instagram"]
    total = {k.metric: k for k in compute.kpis(tt, "total")}
    # CPA of the whole case: all spend over all orders, Pinterest's organic
    # orders included: (12080 + 3020) / (604 + 151 + 95) = 15100 / 850 = 17.76
    assert total["cpa"].after == approx(15100 / 850)
    assert total["cpa"].missing == (("pinterest", ("spend",)),)
    # ROMI the same way: (51340 + 12835 + 8075 − 15100) / 15100 × 100 = 378.5
    assert total["romi"].after == approx(57150 / 15100 * 100)
    assert total["orders"].after == 850  # all three platforms
    # ER by reach over all platforms with both inputs:
    # (25200 + 139000 + 27800) / (420000 + 1050000 + 390000) × 100
    assert total["er"].after == approx(192000 / 1860000 * 100)


# --------------------------------------------------------------------------
# goals


@pytest.mark.parametrize(
    "slug, metric, platform, actual, status",
    [
        ("kazan-coffee-vk", "followers", "vk", 6420, "met"),
        ("kazan-coffee-vk", "cpl", None, 84000 / 396, "met"),
        ("kazan-coffee-vk", "followers", "telegram", 1150, "close"),  # 1150 ≥ 1200 × 0.9
        ("speakup-school-telegram", "er", "telegram", 5.0, "close"),  # 5.0 ≥ 5.5 × 0.9 = 4.95
        ("ural-residential-nda", "leads", None, 360, "close"),  # 360 ≥ 390 × 0.9 = 351
        ("ural-residential-nda", "followers", "vk", 9850, "missed"),  # 9850 < 12000 × 0.9
        ("glowlab-ph-tiktok", "romi", None, 420.0, "met"),
        ("glowlab-ph-tiktok", "followers", "tiktok", 38600, "missed"),
        ("panaderya-qc-facebook", "messages", "facebook", 940, "close"),
        ("ledgerly-linkedin-b2b", "cpl", None, 150.0, "close"),  # 150 ≤ 140 × 1.1 = 154
        ("thread-and-tide-instagram", "cpa", None, 15100 / 850, "met"),  # 17.76 ≤ 18: all spend ÷ all orders
        ("lak-studio-report-2025-10", "cpl", None, 420.0, "close"),
        ("lak-studio-report-2025-10", "er", "vk", 1310 / 27300 * 100, "missed"),  # 4.80 < 4.95
    ],
)
def test_goal_results(demo_cases, slug, metric, platform, actual, status):
    g = _goal(compute.facts(demo_cases[slug]), metric, platform)
    assert g.actual == approx(actual)
    assert g.status == status


def test_goal_progress_and_kind(demo_cases):
    f = compute.facts(demo_cases["kazan-coffee-vk"])
    followers = _goal(f, "followers", "vk")
    assert followers.progress == approx(6420 / 6000)
    assert (followers.better, followers.kind) == ("higher", "count")
    cpl = _goal(f, "cpl")
    # lower is better: progress is target / actual = 250 / 212.12 = 1.1786
    assert cpl.progress == approx(250 / (84000 / 396))
    assert (cpl.better, cpl.kind) == ("lower", "money")


# --------------------------------------------------------------------------
# headline, budget, months, series, actions


def test_headline_report(demo_cases):
    h = compute.facts(demo_cases["lak-studio-report-2025-10"]).headline
    # the biggest growth multiple among reach, followers, views, engagements, leads:
    # leads 131 / 96 = 1.3646 beats engagements 2080 / 1570 = 1.3248 and reach 1.2523
    assert h.growth_metric == "leads" and h.growth == approx(131 / 96)
    assert (h.cost_metric, h.cost) == ("cpl", 420.0)


def test_headline_cost_falls_back_to_cpa(demo_cases):
    h = compute.facts(demo_cases["glowlab-ph-tiktok"]).headline
    assert (h.cost_metric, h.cost) == ("cpa", 250.0)  # no leads in this case: cost per order


def test_headline_without_growth(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    shrunk = case.model_copy(update={"after": case.before})
    h = compute.headline(shrunk)
    assert h.growth_metric is None and h.growth is None  # ×1 is no headline


@pytest.mark.parametrize(
    "slug, budget, months",
    [
        ("kazan-coffee-vk", 84000, 4),
        ("speakup-school-telegram", 330000, 6),
        ("ural-residential-nda", 960000 + 156000, 6),
        ("glowlab-ph-tiktok", 178000 + 109000, 4),
        ("panaderya-qc-facebook", 36400, 3),
        ("ledgerly-linkedin-b2b", 27900, 6),
        ("thread-and-tide-instagram", 12080 + 3020, 5),
        ("lak-studio-report-2025-10", 55020, 1),
    ],
)
def test_budget_and_months(demo_cases, slug, budget, months):
    f = compute.facts(demo_cases[slug])
    assert f.budget == budget
    assert f.months == months
    # every demo case's actions add up to the spend it reports
    assert sum(a.spend for a in demo_cases[slug].actions if a.spend) == budget


def test_budget_falls_back_to_actions_then_none(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    data = case.model_dump()
    data["after"]["metrics"]["vk"]["spend"] = None
    no_spend = Case.model_validate(data)
    assert compute.budget(no_spend) == 84000  # from the action
    data["actions"] = [a for a in data["actions"] if a["spend"] is None]
    assert compute.budget(Case.model_validate(data)) is None


def test_series_sorted_and_ending_at_after(demo_cases):
    for case in demo_cases.values():
        for line in compute.series_lines(case):
            dates = [d for d, _ in line.points]
            assert dates == sorted(dates)
            after = case.after.metrics.get(line.platform)
            after = after.values().get(line.metric) if after else None
            if after is None:
                continue
            measure = compute.registry.metrics()[line.metric].measure
            if measure == "stock":  # a level: the last month's value is the after value
                assert line.points[-1][1] == after, (case.slug, line)
            elif measure == "flow":  # summed: the months of the after period add up to it
                span = case.after_period
                inside = [v for d, v in line.points if span.start <= d <= span.end]
                assert sum(inside) == after, (case.slug, line)
    (vk_reach,) = [s for s in compute.series_lines(demo_cases["kazan-coffee-vk"]) if s.metric == "reach"]
    assert vk_reach.points[0] == (dt.date(2025, 2, 1), 12100.0)


def test_action_spans(demo_cases):
    spans = compute.action_spans(demo_cases["kazan-coffee-vk"])
    assert (spans[0].start, spans[0].end) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))  # "2025-02"
    assert (spans[2].start, spans[2].end) == (dt.date(2025, 3, 1), dt.date(2025, 5, 31))
    lak = compute.action_spans(demo_cases["lak-studio-report-2025-10"])
    assert (lak[1].start, lak[1].end) == (dt.date(2025, 10, 6), dt.date(2025, 10, 6))  # one day


def test_december_month_span():
    from casebook.load.model import Action

    case_like = type("C", (), {"actions": [Action(title="x", when="2024-12")]})
    (span,) = compute.action_spans(case_like)
    assert (span.start, span.end) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))


# --------------------------------------------------------------------------
# formatting by locale


def test_money_ru_has_nbsp_and_rouble_sign():
    assert translator("ru").money(12345, "RUB") == f"12{NBSP}345{NBSP}₽"


def test_money_en_ph_peso():
    assert translator("en-PH").money(12345, "PHP") == "₱12,345"


@pytest.mark.parametrize(
    "locale, value, currency, text",
    [
        ("ru", 212.1212, "RUB", f"212,12{NBSP}₽"),
        ("en", 150, "EUR", "€150"),
        ("en", 20, "USD", "$20"),
        ("en-PH", 287000, "PHP", "₱287,000"),
        ("fil", 70, "PHP", "₱70"),
    ],
)
def test_money_by_locale(locale, value, currency, text):
    assert translator(locale).money(value, currency) == text


def test_numbers_percent_and_na():
    ru, en = translator("ru"), translator("en")
    assert ru.number(33300) == f"33{NBSP}300"
    assert en.number(33300) == "33,300"
    assert ru.percent(8.678) == f"8,7{NBSP}%"
    assert en.percent(8.678) == "8.7%"
    assert en.multiple(33300 / 9800) == "×3.4"
    assert ru.multiple(33300 / 9800) == "×3,4"
    assert en.money(None, "USD") == "n/a"
    assert ru.percent(None) == "н/д"


def test_headline_growth_pools_only_platforms_measured_before_and_after():
    """A channel launched during the work must not turn ×1.5 into ×30."""
    from casebook.load.model import Snapshot

    before = Snapshot.model_validate({"metrics": {"vk": {"engagements": 100}}})
    after = Snapshot.model_validate({"metrics": {"vk": {"engagements": 150}, "telegram": {"engagements": 2900}}})
    ch = compute.paired_change("engagements", before, after, "by_reach")
    assert ch.multiple == approx(1.5)  # 150 / 100, the new Telegram channel left out
    only_after = compute.paired_change("engagements", None, after, "by_reach")
    assert only_after.multiple is None and only_after.after == 3050
