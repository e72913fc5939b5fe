"""casebook.render.charts: which charts a case gets, and what their specs say.

Specs are checked for their marks, encoded fields and localized titles and
validated against the Vega-Lite schema Altair ships; the rendering itself
is tested in test_chartrender.py.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from casebook.compute import facts as compute
from casebook.render.charts import CONFIG, FONT_FAMILY, Chart, build_charts, d3_locale, embed_options, script_json
from casebook.render.i18n import Translator
from casebook.load.model import Case

REPO = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------
# helpers


def make_case(**over) -> Case:
    """A small valid English case; keyword arguments replace top-level fields."""
    data = {
        "slug": "fixture",
        "title": "Fixture case",
        "locale": "en",
        "client": {"name": "Acme", "disclose_name": True, "industry": "retail"},
        "role": "SMM manager",
        "period": {"start": "2025-01-01", "end": "2025-04-30"},
        "platforms": ["instagram"],
        "currency": "USD",
        "before": {"as_of": "2024-12-31", "metrics": {"instagram": {"followers": 1000, "reach": 5000}}},
        "after": {"as_of": "2025-04-30", "metrics": {"instagram": {"followers": 3000, "reach": 12000}}},
    }
    data.update(over)
    return Case.model_validate(data)


def charts_of(case: Case) -> dict[str, Chart]:
    out = build_charts(compute.facts(case), Translator(case.locale))
    return {c.id: c for c in out}


def layers(spec: dict) -> list[dict]:
    """Every unit spec (with a mark) inside a spec, depth first."""
    found = []
    if "mark" in spec:
        found.append(spec)
    for part in spec.get("layer", []):
        found.extend(layers(part))
    return found


def mark_type(unit: dict) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def datasets(spec: dict) -> list[list]:
    """Every inline data table in a spec."""
    found = []
    if isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        found.append(spec["data"]["values"])
    for part in spec.get("layer", []):
        found.extend(datasets(part))
    found.extend(spec.get("datasets", {}).values())
    return found


def values_of(spec: dict) -> list[dict]:
    """The rows of every distinct inline table (layers may repeat a table)."""
    out, seen = [], []
    for table in datasets(spec):
        if table not in seen:
            seen.append(table)
            out.extend(table)
    return out


@functools.lru_cache(maxsize=None)
def vega_lite_validator():
    """A validator for the Vega-Lite schema Altair ships, made once."""
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


_VALIDATED: set[str] = set()


def _shape(spec):
    """The spec without its data: validity against the schema depends only on this."""
    if isinstance(spec, dict):
        return {k: ([] if k == "values" else _shape(v)) for k, v in spec.items() if k != "description"}
    if isinstance(spec, list):
        return [_shape(v) for v in spec]
    return spec


def assert_sound(chart: Chart) -> None:
    """What every chart must be: valid, self-contained, with data and a table."""
    spec = chart.spec
    shape = json.dumps(_shape(spec), sort_keys=True)
    if shape not in _VALIDATED:  # the schema is large: validate each shape once
        vega_lite_validator().validate(spec)
        _VALIDATED.add(shape)
    text = json.dumps(spec, ensure_ascii=False)
    assert "url" not in json.dumps(spec.get("data", {})), "data must be inline"
    assert '"url"' not in text
    assert spec["width"] == "container"
    assert spec["config"] == CONFIG
    assert spec["description"] == chart.description
    tables = datasets(spec)
    assert tables and all(tables), f"{chart.id}: a chart without data"
    assert chart.title and chart.description and chart.columns and chart.rows
    assert all(len(row) == len(chart.columns) for row in chart.rows), chart.id
    assert all(isinstance(cell, str) for row in chart.rows for cell in row)


# --------------------------------------------------------------------------
# the demo cases


def test_every_demo_chart_is_sound(demo_cases):
    assert demo_cases, "no demo cases loaded"
    kinds = set()
    for case in demo_cases.values():
        made = build_charts(compute.facts(case), Translator(case.locale))
        ids = [c.id for c in made]
        assert len(ids) == len(set(ids)), ids
        for chart in made:
            assert_sound(chart)
            kinds.add(chart.id.split("-")[0])
    assert {"before", "series", "goals", "funnel"} <= kinds


@pytest.fixture(scope="module")
def zerno(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    return case, charts_of(case)


def test_zerno_gets_the_charts_its_data_supports(zerno):
    case, charts = zerno
    assert {"before-after-vk", "before-after-telegram", "series-followers", "series-reach",
            "goals", "funnel-vk"} <= set(charts)
    assert "period-change" not in charts  # not a report
    assert not any(cid.startswith("cost-") for cid in charts)  # no spend series
    assert "spend" not in charts  # one action with spend, one platform with spend


def test_before_after_spec(zerno):
    case, charts = zerno
    chart = charts["before-after-vk"]
    assert chart.title == "VK: До / После"
    units = layers(chart.spec)
    assert [mark_type(u) for u in units] == ["bar", "text"]
    bar = units[0]["encoding"]
    assert bar["y"]["field"] == "metric" and bar["y"]["type"] == "nominal"
    assert bar["x"]["field"] == "share" and bar["yOffset"]["field"] == "period"
    assert bar["color"]["scale"]["domain"] == ["До", "После"]
    assert bar["y"]["sort"] == ["Подписчики", "Охват", "Вовлечения", "Заявки"]
    assert units[1]["encoding"]["text"]["field"] == "label"
    labels = [row["label"] for row in values_of(chart.spec)]
    assert "2\u00a0140" in labels and "6\u00a0420 (×3)" in labels and "66\u00a0600 (×3,4)" in labels
    assert chart.columns == ["VK", "До", "После", "Изменение"]
    assert chart.rows[0] == ["Подписчики", "2\u00a0140", "6\u00a0420", "×3"]
    assert "Подписчики: 2\u00a0140 → 6\u00a0420 (×3)" in chart.description
    # Telegram started from zero: shown, with no made-up change
    tg = charts["before-after-telegram"]
    assert tg.rows == [["Подписчики", "0", "1\u00a0150", "н/д"]]


def test_series_spec_marks_before_after_and_actions(zerno):
    case, charts = zerno
    chart = charts["series-followers"]
    assert chart.title == "Подписчики: Telegram, VK"
    units = layers(chart.spec)
    types = [mark_type(u) for u in units]
    assert "line" in types and "rect" in types and "rule" in types and "text" in types
    line = next(u for u in units if mark_type(u) == "line")["encoding"]
    assert line["x"]["field"] == "date" and line["x"]["type"] == "temporal"
    assert line["x"]["scale"]["type"] == "utc"  # the same month in every time zone
    assert line["y"]["field"] == "value" and line["y"]["title"] == "Подписчики"
    assert line["y"]["axis"]["format"] == ",.0f"
    assert line["color"]["field"] == "platform"
    rows = values_of(chart.spec)
    # every action with a date is on the time axis, with its title as data
    titles = {r.get("title") for r in rows}
    for action in case.actions:
        if action.when is not None:
            assert action.title in titles
    # the before and after points are marked
    marks = {(r["platform"], r["mark"], r["shown"]) for r in rows if r.get("mark")}
    assert ("VK", "До", "2\u00a0140") in marks and ("VK", "После", "6\u00a0420") in marks
    # the table: one row per date, the before row first
    assert chart.columns == ["Период", "Telegram", "VK"]
    assert chart.rows[0][0].startswith("До: ") and chart.rows[0][1:] == ["0", "2\u00a0140"]
    assert chart.rows[-1][0].startswith("После: ")
    assert "Что сделано:" in chart.description


def test_goals_spec(zerno):
    case, charts = zerno
    chart = charts["goals"]
    assert chart.title == "Цели"
    units = layers(chart.spec)
    bar = next(u for u in units if mark_type(u) == "bar")["encoding"]
    assert bar["x"]["field"] == "progress" and bar["color"]["field"] == "status"
    assert next(u for u in units if mark_type(u) == "tick")["encoding"]["x"]["field"] == "one"
    rows = {r["goal"]: r for r in values_of(chart.spec) if "goal" in r}
    vk = rows["Подписчики (VK)"]
    assert vk["status"] == "выполнено" and vk["label"] == "6\u00a0420 / 6\u00a0000 · выполнено"
    assert chart.columns == ["Цель", "План", "Факт", "Статус"]
    # lower is better for CPL: under target fills the bar past 100 %
    cpl = next(r for r in compute.goal_results(case) if r.goal.metric == "cpl")
    assert cpl.progress > 1 and cpl.status == "met"


def test_funnel_spec(zerno):
    _, charts = zerno
    chart = charts["funnel-vk"]
    assert chart.title == "VK: Охват → Клики → Заявки"
    rows = values_of(chart.spec)
    assert [r["stage"] for r in rows] == ["Охват", "Клики", "Заявки"]
    assert rows[1]["label"] == "4\u00a0100 · 6,2\u00a0%"  # 4100 / 66600
    unit = layers(chart.spec)[0]["encoding"]
    assert unit["y"]["field"] == "stage" and unit["y"]["sort"] == ["Охват", "Клики", "Заявки"]
    assert chart.rows[2] == ["Заявки", "396", "9,7\u00a0%"]


def test_report_compares_with_previous_period(demo_cases):
    case = demo_cases["lak-studio-report-2025-10"]  # a report with followers in both periods
    charts = charts_of(case)
    t = Translator(case.locale)
    change = charts["period-change"]
    unit = next(u for u in layers(change.spec) if mark_type(u) == "bar")["encoding"]
    assert unit["x"]["field"] == "pct" and unit["y"]["field"] == "metric"
    assert change.columns[1:3] == [t.t("ui.previous_period"), t.t("ui.this_period")]
    before_after = next(c for cid, c in charts.items() if cid.startswith("before-after-"))
    assert before_after.columns[1:3] == [t.t("ui.previous_period"), t.t("ui.this_period")]
    # the report's "before" is report.previous, whatever case.before says
    platform = before_after.id.removeprefix("before-after-")
    prev = case.report.previous.metrics[platform].followers
    assert before_after.rows[0][1] == t.number(prev)


def test_report_colours_change_by_which_way_is_good():
    previous = {"metrics": {"vk": {"reach": 1000, "leads": 10, "spend": 5000}}}
    case = make_case(kind="report", locale="ru", currency="RUB", platforms=["vk"], before=None,
                     after={"metrics": {"vk": {"reach": 1500, "leads": 20, "spend": 5000}}},
                     report={"previous": previous})
    chart = charts_of(case)["period-change"]
    rows = {r["metric"]: r for r in values_of(chart.spec) if "metric" in r}
    assert rows["Охват"]["color"] == rows["Заявки"]["color"]  # both up, both good
    assert rows["Цена заявки"]["label"] == "−50\u00a0%"  # 500 -> 250 per lead
    assert rows["Цена заявки"]["color"] == rows["Охват"]["color"]  # down is good for CPL


# --------------------------------------------------------------------------
# fixtures for what the demo cases lack


def test_case_without_series_or_spend_has_no_empty_chart():
    case = make_case()
    charts = charts_of(case)
    assert set(charts) == {"before-after-instagram"}
    for chart in charts.values():
        assert_sound(chart)


def test_case_with_almost_nothing_gets_no_chart():
    case = make_case(before=None, after={"metrics": {"instagram": {"followers": 10}}})
    assert charts_of(case) == {}


def test_zero_everywhere_is_no_chart():
    case = make_case(before={"metrics": {"instagram": {"followers": 0}}},
                     after={"metrics": {"instagram": {"followers": 0}}},
                     series={"instagram.reach": {"2025-01": 0, "2025-02": 0}})
    assert charts_of(case) == {}


def test_cost_per_lead_over_time_with_target():
    case = make_case(
        locale="ru", currency="RUB", platforms=["vk"],
        before={"as_of": "2024-12-31", "metrics": {"vk": {"followers": 100}}},
        after={"as_of": "2025-04-30", "metrics": {"vk": {"followers": 300, "leads": 90, "spend": 30000}}},
        goals=[{"metric": "cpl", "target": 300}],
        actions=[{"title": "Реклама", "when": {"start": "2025-02-01", "end": "2025-04-30"}, "platform": "vk"}],
        series={
            "vk.spend": {"2025-01": 6000, "2025-02": 8000, "2025-03": 8000, "2025-04": 8000},
            "vk.leads": {"2025-01": 0, "2025-02": 20, "2025-03": 30, "2025-04": 40},
        },
    )
    charts = charts_of(case)
    chart = charts["cost-cpl"]
    assert_sound(chart)
    assert chart.title == "Цена заявки: VK"
    rows = [r for r in values_of(chart.spec) if "spend" in r and "value" in r]
    # January had no leads: no cost that month, never a division by zero
    assert [r["shown"] for r in rows] == ["400\u00a0₽", "266,67\u00a0₽", "200\u00a0₽"]
    units = layers(chart.spec)
    line = next(u for u in units if mark_type(u) == "line")["encoding"]
    assert line["y"]["axis"]["format"] == "$,.0f" and line["y"]["title"] == "Цена заявки"
    target = [r for r in values_of(chart.spec) if r.get("label", "").startswith("План")]
    assert target == [{"value": 300, "label": "План: 300\u00a0₽"}]
    assert chart.columns == ["Период", "Площадка", "Расход", "Заявки", "Цена заявки"]
    assert "Реклама" in {r.get("title") for r in values_of(chart.spec)}
    # the spend and leads series are charted as series too
    assert {"series-leads", "series-spend"} <= set(charts)
    assert layers(charts["series-spend"].spec)[-1]  # money axis
    spend_axis = next(u for u in layers(charts["series-spend"].spec) if mark_type(u) == "line")
    assert spend_axis["encoding"]["y"]["axis"]["format"] == "$,.0f"


def test_cost_per_click_when_there_are_no_leads():
    case = make_case(series={
        "instagram.spend": {"2025-01": 100, "2025-02": 120},
        "instagram.clicks": {"2025-01": 50, "2025-02": 80},
    })
    chart = charts_of(case)["cost-cpc"]
    assert [r["shown"] for r in values_of(chart.spec) if "spend" in r and "value" in r] == ["$2", "$1.50"]
    line = next(u for u in layers(chart.spec) if mark_type(u) == "line")
    assert line["encoding"]["y"]["axis"]["format"] == "$,.2~f"  # small money keeps its cents


def test_one_cost_point_is_no_chart():
    case = make_case(series={"instagram.spend": {"2025-01": 100}, "instagram.leads": {"2025-01": 5}})
    assert not any(cid.startswith("cost-") for cid in charts_of(case))


def test_spend_by_action_then_by_platform():
    two_actions = make_case(actions=[
        {"title": "Ads <b>&</b> more", "when": "2025-01", "spend": 300},
        {"title": "Influencers", "when": "2025-02", "spend": 100},
    ])
    chart = charts_of(two_actions)["spend"]
    assert_sound(chart)
    assert chart.title == "Budget: $400"
    assert [r["item"] for r in values_of(chart.spec) if "item" in r] == ["Ads <b>&</b> more", "Influencers"]
    assert chart.rows[0] == ["Ads <b>&</b> more", "$300", "75%"]
    assert chart.rows[-1] == ["Total", "$400", "100%"]

    one_action = make_case(
        platforms=["instagram", "tiktok"],
        actions=[{"title": "Ads", "spend": 300}],
        after={"metrics": {"instagram": {"followers": 3000, "spend": 300}, "tiktok": {"followers": 10, "spend": 50}}},
    )
    chart = charts_of(one_action)["spend"]
    assert [r["item"] for r in values_of(chart.spec) if "item" in r] == ["Instagram", "TikTok"]
    assert chart.columns[0] == "Platform"

    assert "spend" not in charts_of(make_case(actions=[{"title": "Ads", "spend": 300}]))


def test_series_from_dates_and_a_single_day_action():
    case = make_case(
        actions=[{"title": "Launch post", "when": "2025-02-14"}],
        series={"instagram.followers": {"2025-01-10": 1200, "2025-02-20": 2000, "2025-03-30": 2900}},
    )
    chart = charts_of(case)["series-followers"]
    assert_sound(chart)
    rows = values_of(chart.spec)
    dates = [r["date"] for r in rows if "platform" in r]
    # day keys stay on their day; before (Dec 31) and after (Apr 30) join them
    assert dates == ["2024-12-31", "2025-01-10", "2025-02-20", "2025-03-30", "2025-04-30"]
    action = next(r for r in rows if r.get("title") == "Launch post")
    assert action["single"] is True
    assert any(mark_type(u) == "point" and u["mark"].get("shape") == "diamond" for u in layers(chart.spec))


def test_monthly_points_sit_mid_month_and_after_merges_into_last():
    case = make_case(series={"instagram.followers": {"2025-02": 1500, "2025-03": 2200, "2025-04": 3000}})
    chart = charts_of(case)["series-followers"]
    rows = [r for r in values_of(chart.spec) if "platform" in r]
    assert [r["date"] for r in rows] == ["2024-12-31", "2025-02-15", "2025-03-15", "2025-04-15"]
    assert rows[-1]["mark"] == "After" and rows[0]["mark"] == "Before"


def test_funnel_needs_three_stages():
    case = make_case(after={"metrics": {"instagram": {"followers": 3000, "reach": 12000, "clicks": 300}}})
    assert not any(cid.startswith("funnel") for cid in charts_of(case))
    case = make_case(after={"metrics": {"instagram": {"views": 50000, "clicks": 300, "orders": 12}}})
    chart = charts_of(case)["funnel-instagram"]
    assert [r["stage"] for r in values_of(chart.spec)] == ["Views", "Clicks", "Orders"]


def test_goals_without_an_actual_are_in_the_table_only():
    case = make_case(goals=[{"metric": "leads", "target": 50}, {"metric": "followers", "target": 2500}])
    chart = charts_of(case)["goals"]
    assert [r["goal"] for r in values_of(chart.spec) if "goal" in r] == ["Followers"]
    assert chart.rows[0] == ["Leads", "50", "n/a", "n/a"]
    assert "goals" not in charts_of(make_case(goals=[{"metric": "leads", "target": 50}]))


def test_user_text_stays_data():
    title = '</script><script>alert("x")</script>'
    case = make_case(actions=[{"title": title, "when": "2025-02"}],
                     series={"instagram.followers": {"2025-02": 1500, "2025-03": 2200}})
    chart = charts_of(case)["series-followers"]
    assert title in {r.get("title") for r in values_of(chart.spec)}
    text = script_json(chart.spec)
    assert "</script" not in text and "<" not in text
    assert json.loads(text) == chart.spec


# --------------------------------------------------------------------------
# locales


def test_d3_locale_russian_roubles():
    number, time = d3_locale("ru", "RUB")
    assert number["thousands"] == "\u00a0" and number["decimal"] == ","
    assert number["currency"] == ["", "\u00a0₽"]
    assert number["percent"] == "\u00a0%"
    assert time["shortMonths"][:3] == ["янв", "фев", "мар"]


def test_d3_locale_pesos_and_filipino():
    number, time = d3_locale("en-PH", "PHP")
    assert number["currency"] == ["₱", ""] and number["thousands"] == ","
    assert time["shortMonths"][0] == "Jan"
    number, time = d3_locale("fil", "PHP")
    assert number["currency"] == ["₱", ""]
    assert time["shortMonths"][:2] == ["Ene", "Peb"]  # from Babel: d3 has no Filipino
    assert len(time["days"]) == 7 and len(time["months"]) == 12


def test_d3_locale_fallback_and_copies():
    number, time = d3_locale("en", "EUR")
    assert number["currency"] == ["€", ""]
    number["thousands"] = "X"  # callers get their own copy
    assert d3_locale("en", "EUR")[0]["thousands"] == ","
    assert embed_options("ru", "RUB") == {
        "actions": False, "renderer": "svg",
        "formatLocale": d3_locale("ru", "RUB")[0], "timeFormatLocale": d3_locale("ru", "RUB")[1],
    }


def test_one_style_for_every_chart():
    assert CONFIG["font"] == FONT_FAMILY
    assert CONFIG["axis"]["labelFont"] == FONT_FAMILY and CONFIG["legend"]["labelFont"] == FONT_FAMILY
    assert CONFIG["axis"]["labelFontSize"] >= 11  # readable in print and on a phone


# --------------------------------------------------------------------------
# the web partial


@pytest.fixture(scope="module")
def partial():
    env = Environment(loader=FileSystemLoader(str(REPO / "theme")), autoescape=select_autoescape(["html"]))
    return env.get_template("partials/chart.html")


def test_partial_renders_figure_table_and_payload(partial):
    import html.parser

    case = make_case(actions=[{"title": "Ads <b>&</b> \"more\"", "when": "2025-01", "spend": 300},
                              {"title": "Influencers", "when": "2025-02", "spend": 100}])
    chart = charts_of(case)["spend"]
    options = embed_options(case.locale, case.currency)
    out = partial.render(chart=chart, static_src="../../assets/casebook/charts/ab12.svg", static_width=640,
                         static_height=231, spec_json=Markup(script_json(chart.spec)),
                         embed_options_json=Markup(script_json(options)), t=Translator("en"))

    class Parser(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.script, self._in_script = [], "", False

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))
            self._in_script = tag == "script"

        def handle_endtag(self, tag):
            self._in_script = False

        def handle_data(self, data):
            if self._in_script:
                self.script += data

    p = Parser()
    p.feed(out)
    tags = p.tags
    figure = tags[0]
    assert figure[0] == "figure" and "cb-chart" in figure[1]["class"]
    static = next(a for t, a in tags if a.get("class") == "cb-chart__static")
    assert static["role"] == "img" and static["aria-label"] == chart.description
    image = next(a for t, a in tags if t == "img")
    assert image == {"src": "../../assets/casebook/charts/ab12.svg", "alt": "", "width": "640", "height": "231",
                     "decoding": "async"}, "the static chart is a file; the figure's label speaks for it"
    script = next(a for t, a in tags if t == "script")
    assert script["type"] == "application/json"
    payload = json.loads(p.script)
    assert payload["spec"] == chart.spec and payload["options"] == options
    assert ("caption", {}) in tags and ("details", {"class": "cb-chart__data"}) in tags
    assert sum(1 for t, a in tags if t == "th" and a.get("scope") == "col") == len(chart.columns)
    assert "<figcaption" in out and chart.title in out
    # user text is escaped in the HTML and harmless in the JSON
    assert "Ads <b>" not in out and "Ads &lt;b&gt;&amp;&lt;/b&gt;" in out
    assert p.script.count("<") == 0


def test_partial_accepts_plain_json_strings(partial):
    case = make_case()
    chart = charts_of(case)["before-after-instagram"]
    out = partial.render(chart=chart, static_src="x.svg", spec_json=json.dumps(chart.spec),
                         embed_options_json=json.dumps({"actions": False}), t=Translator("en"))
    start = out.index('class="cb-chart__spec">') + len('class="cb-chart__spec">')
    payload = json.loads(out[start:out.index("</script>", start)])
    assert json.loads(payload["spec"]) == chart.spec  # a JSON string: charts.js parses it twice


def test_totals_long_periods_and_many_actions():
    months = {f"{2023 + i // 12}-{i % 12 + 1:02d}": 1000 + 100 * i for i in range(24)}
    actions = [{"title": f"Action number {i} with a longish title", "when": f"2024-{i % 12 + 1:02d}"}
               for i in range(10)]
    case = make_case(period={"start": "2023-01-01", "end": "2024-12-31"}, series={"total.reach": months},
                     actions=actions, before=None, after={"metrics": {"instagram": {"reach": 3300}}})
    chart = charts_of(case)["series-reach"]
    assert_sound(chart)
    rows = values_of(chart.spec)
    assert {r["platform"] for r in rows if "platform" in r} == {"Total"}
    lanes = {r["text_y"] for r in rows if "text_y" in r}
    assert 1 <= len(lanes) <= 4  # titles share at most four lanes
    axis = next(u for u in layers(chart.spec) if mark_type(u) == "line")["encoding"]["x"]["axis"]
    assert len(axis["values"]) <= 9  # a label every few months over two years
    assert len(chart.rows) == 24


def test_charts_are_memoised_per_case_and_locale(monkeypatch):
    from casebook.render import charts as charts_mod

    case = make_case()
    facts = compute.facts(case)
    first = build_charts(facts, Translator("en"))
    other = build_charts(facts, Translator("ru"))
    assert other[0].columns[1] == "До" and first[0].columns[1] != "До"

    def boom(ctx):
        raise AssertionError("charts were built again instead of taken from memory")

    monkeypatch.setattr(charts_mod, "CHART_TYPES", (boom,))
    again = build_charts(compute.facts(case), Translator("en"))
    assert again == first and again[0] is not first[0]  # the same charts; each caller its own objects
    assert build_charts(facts, Translator("ru")) == other


def test_every_case_of_a_big_project_stays_in_memory_between_the_site_and_the_pdfs(monkeypatch):
    """The site asks for every case's charts, then the PDFs ask again: at 1,000 cases none is built twice."""
    from casebook.render import charts as charts_mod

    base = make_case()
    built = []
    real = charts_mod.CHART_TYPES

    def counted(ctx):
        built.append(ctx.case.slug)
        return []

    monkeypatch.setattr(charts_mod, "CHART_TYPES", (counted, *real))
    cases = [base.model_copy(update={"slug": f"case-{i:04d}"}) for i in range(1000)]
    site = [build_charts(compute.facts(c), Translator("en")) for c in cases]
    assert len(built) == 1000
    pdfs = [build_charts(compute.facts(c), Translator("en")) for c in cases]
    assert len(built) == 1000 and pdfs == site


def test_chart_specs_are_kept_on_disk_for_the_next_build(tmp_path, monkeypatch):
    """A rebuild in a new process must not pay Altair again for an unchanged case."""
    from casebook.render import charts as charts_mod
    from casebook.compute import facts as compute
    from casebook.render.i18n import translator
    from casebook.load.cases import load_cases
    from pathlib import Path

    repo = Path(__file__).resolve().parents[3]
    loaded = load_cases([repo / "cases" / "kazan-coffee-vk.yaml"], repo).cases[0]
    facts = compute.facts(loaded.case)
    t = translator(loaded.case.locale)
    charts_mod._BUILT.clear()
    first = charts_mod.build_charts(facts, t, cache_dir=tmp_path)
    assert list(tmp_path.glob("*.json")), "the specs were written to the cache"
    charts_mod._BUILT.clear()  # a new process

    def boom(ctx):
        raise AssertionError("charts were built again instead of read from the cache")

    monkeypatch.setattr(charts_mod, "CHART_TYPES", (boom,))
    second = charts_mod.build_charts(facts, t, cache_dir=tmp_path)
    assert second == first
