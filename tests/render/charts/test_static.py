"""casebook.render.charts.static: static SVGs (locale, determinism, cache) and the bundle.

One ChartRenderer is shared by the module (the chart engine takes about
half a second to start); tests that need a cold cache make their own and
count conversions instead of timing them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import vl_convert as vlc

from casebook.compute import facts as compute
from casebook.render.charts.static import ChartRenderer, cache_key, clean_svg, static_spec, user_cache_dir
from casebook.render.charts import build_charts, d3_locale, static
from casebook.render.i18n import Translator
from casebook.load.model import Case

REPO = Path(__file__).resolve().parents[3]
OUTSIDE = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.I)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    return ChartRenderer(tmp_path_factory.mktemp("charts"))


def charts_of(case: Case) -> dict:
    return {c.id: c for c in build_charts(compute.facts(case), Translator(case.locale))}


@pytest.fixture(scope="module")
def zerno(demo_cases):
    case = demo_cases["kazan-coffee-vk"]
    return case, charts_of(case)


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def assert_self_contained(svg: str) -> None:
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    rest = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not OUTSIDE.search(rest), OUTSIDE.search(rest)
    assert "<image" not in svg and "<script" not in svg and "<foreignObject" not in svg
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'aria-hidden="true"' in root  # the page labels the image; the marks stay silent
    assert " class=" not in root


def make_case(**over) -> Case:
    data = {
        "slug": "fixture", "title": "Fixture", "locale": "en",
        "client": {"name": "Acme", "disclose_name": True, "industry": "retail"},
        "role": "SMM manager", "period": {"start": "2025-01-01", "end": "2025-04-30"},
        "platforms": ["facebook"], "currency": "USD",
        "before": {"as_of": "2024-12-31", "metrics": {"facebook": {"followers": 1000}}},
        "after": {"as_of": "2025-04-30", "metrics": {"facebook": {"followers": 3000}}},
    }
    data.update(over)
    return Case.model_validate(data)


# --------------------------------------------------------------------------
# what the SVG shows


def test_russian_series_svg_has_russian_months_and_numbers(renderer, zerno):
    case, charts = zerno
    svg = renderer.svg(charts["series-followers"], case.locale, case.currency)
    assert_self_contained(svg)
    labels = texts(svg)
    # month names from the ru-RU d3 locale on the time axis, the year once
    assert "фев 2025" in labels and {"мар", "апр", "май"} <= set(labels)
    # thousands with a no-break space, on the axis and on the marks
    assert "2\u00a0000" in labels and "6\u00a0420" in labels and "2\u00a0140" in labels
    assert "Подписчики" in labels  # the axis title from the Translator
    for action in case.actions:
        if action.when is not None:
            assert any(label.startswith(action.title[:20]) for label in labels), action.title
    assert 'width="640"' in svg[:300]


def test_bars_and_goals_svg_keep_text_as_text(renderer, zerno):
    case, charts = zerno
    svg = renderer.svg(charts["before-after-vk"], case.locale, case.currency)
    labels = texts(svg)
    assert {"До", "После", "Подписчики", "2\u00a0140", "6\u00a0420 (×3)"} <= set(labels)
    svg = renderer.svg(charts["goals"], case.locale, case.currency)
    labels = texts(svg)
    assert "Подписчики (VK)" in labels and "6\u00a0420 / 6\u00a0000 · выполнено" in labels
    assert "100\u00a0%" in labels  # the percent axis in the ru style
    assert_self_contained(svg)


def test_english_and_peso_formats(renderer):
    case = make_case(
        currency="PHP", locale="en-PH",
        series={"facebook.spend": {"2025-01": 12000, "2025-02": 15000, "2025-03": 14000},
                "facebook.leads": {"2025-01": 40, "2025-02": 60, "2025-03": 70}},
    )
    charts = charts_of(case)
    svg = renderer.svg(charts["cost-cpl"], case.locale, case.currency)
    labels = texts(svg)
    assert "Jan 2025" in labels and "Feb" in labels
    assert any(re.fullmatch(r"₱\d{3}", label) for label in labels), labels  # money axis: ₱ before
    assert "₱300" in labels and "₱200" in labels  # the first and last point
    svg = renderer.svg(charts["series-spend"], case.locale, case.currency)
    assert "₱10,000" in texts(svg)  # a money axis in pesos


def test_filipino_month_names(renderer, demo_cases):
    fil = [c for c in demo_cases.values() if c.locale == "fil" and c.series]
    if not fil:
        pytest.skip("no Filipino demo case with series")
    case = fil[0]
    chart = next(c for c in build_charts(compute.facts(case), Translator(case.locale)) if c.id.startswith("series-"))
    labels = texts(renderer.svg(chart, case.locale, case.currency))
    months = set(d3_locale("fil", case.currency)[1]["shortMonths"])
    assert months & {label.split(" ")[0] for label in labels}


def test_width_and_height(renderer, zerno):
    case, charts = zerno
    chart = charts["funnel-vk"]
    narrow = renderer.svg(chart, case.locale, case.currency, width=380, height=150)
    assert re.search(r'<svg[^>]*\swidth="380"', narrow)
    spec = static_spec(chart, 380, 100)
    assert spec["width"] == 380 and spec["height"] == 100 and chart.spec["width"] == "container"
    # a chart of rows keeps a readable height: 3 funnel stages fit in 66 to 132 px
    assert static_spec(chart, 380, 20)["height"] == 66
    assert static_spec(chart, 380, 400)["height"] == 132
    series = charts["series-reach"]
    assert static_spec(series, 380, 150)["height"] == 150
    assert static_spec(series, 380, 600)["height"] == 600
    titled = renderer.svg(chart, case.locale, case.currency, title=True)
    assert chart.title in texts(titled)


def test_svg_converts_to_png(renderer, zerno, tmp_path):
    case, charts = zerno
    png = vlc.svg_to_png(renderer.svg(charts["series-reach"], case.locale, case.currency), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------
# determinism and the cache


def test_same_input_same_bytes_across_renderers(tmp_path, zerno):
    case, charts = zerno
    chart = charts["before-after-vk"]  # its bars carry clip paths with ids
    first = ChartRenderer(tmp_path / "a")
    one = first.svg(chart, case.locale, case.currency)
    first.svg(charts["goals"], case.locale, case.currency)  # moves Vega's global id counters
    second = ChartRenderer(tmp_path / "b")
    two = second.svg(chart, case.locale, case.currency)
    assert first.conversions == 2 and second.conversions == 1
    assert one == two
    ids = re.findall(r'\bid="([^"]+)"', one)
    assert ids and all(i.startswith("cb") for i in ids)  # prefixed: unique on a page of charts
    for ref in re.findall(r"url\(#([^)]+)\)", one):
        assert ref in ids


def test_second_render_hits_memory_then_disk(tmp_path, zerno, monkeypatch):
    case, charts = zerno
    chart = charts["series-reach"]
    r = ChartRenderer(tmp_path)
    svg = r.svg(chart, case.locale, case.currency)
    assert (r.conversions, r.hits) == (1, 0)
    assert r.svg(chart, case.locale, case.currency) == svg
    assert (r.conversions, r.hits) == (1, 1)
    assert len(list(tmp_path.glob("*.svg"))) == 1

    # the next build: a new renderer on the same folder converts nothing
    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(vlc, "vegalite_to_svg", no_conversion)
    again = ChartRenderer(tmp_path)
    assert again.svg(chart, case.locale, case.currency) == svg
    assert (again.conversions, again.hits) == (0, 1)


def test_cache_key_follows_spec_locale_and_size(zerno):
    case, charts = zerno
    chart = charts["series-reach"]
    ru = d3_locale("ru", "RUB")
    en = d3_locale("en", "RUB")
    base = cache_key(static_spec(chart, 640), *ru)
    assert base == cache_key(static_spec(chart, 640), *ru)
    assert base != cache_key(static_spec(chart, 640), *en)
    assert base != cache_key(static_spec(chart, 380), *ru)
    assert base != cache_key(static_spec(chart, 640, 150), *ru)


def test_broken_cache_entry_is_made_again(tmp_path, zerno):
    case, charts = zerno
    chart = charts["funnel-vk"]
    r = ChartRenderer(tmp_path)
    svg = r.svg(chart, case.locale, case.currency)
    (entry,) = tmp_path.glob("*.svg")
    entry.write_bytes(b"\xff\xfe broken")
    again = ChartRenderer(tmp_path)
    assert again.svg(chart, case.locale, case.currency) == svg
    assert again.conversions == 1


def test_unwritable_cache_still_renders(tmp_path, zerno):
    case, charts = zerno
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = ChartRenderer(blocker / "charts")
    assert r.svg(charts["funnel-vk"], case.locale, case.currency).startswith("<svg")


def test_clean_svg_drops_outside_references():
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)">'
           '<a href="https://example.com/x"><text>hi</text></a></g></svg>')
    svg = clean_svg(raw, "p-")
    assert 'id="p-1"' in svg and "url(#p-1)" in svg and "clip7" not in svg
    assert "xlink" not in svg and "example.com" not in svg
    assert_self_contained(svg)
    with pytest.raises(ValueError):
        clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><image src="https://x.org/a.png"/></svg>', "p-")


def test_user_text_is_escaped_in_svg(renderer):
    title = 'Ads <script>alert("x")</script> & more'
    case = make_case(actions=[{"title": title, "when": "2025-02"}],
                     series={"facebook.followers": {"2025-02": 1500, "2025-03": 2200}})
    svg = renderer.svg(charts_of(case)["series-followers"], case.locale, case.currency)
    assert "<script" not in svg
    assert "Ads &lt;script&gt;" in svg and "&amp; more" in svg


# --------------------------------------------------------------------------
# the web bundle


def test_bundle_is_made_once_and_cached_on_disk(tmp_path, monkeypatch, own_cache_key):
    calls = []

    def fake_bundle(*args, **kwargs):
        calls.append(1)
        return "window.vegaEmbed = function () {};"

    monkeypatch.setattr(vlc, "javascript_bundle", fake_bundle)
    monkeypatch.setattr(static, "_bundle_elsewhere", fake_bundle)
    r = ChartRenderer(tmp_path / "cache")
    assert r.bundle_js() == r.bundle_js() == "window.vegaEmbed = function () {};"
    assert calls == [1]
    assert ChartRenderer(tmp_path / "cache").bundle_js() == "window.vegaEmbed = function () {};"
    assert calls == [1]
    assert [p.name.startswith("vega-bundle-") for p in (tmp_path / "cache").iterdir() if not p.name.endswith(".sig")] == [True]


def test_a_new_project_takes_the_bundle_from_the_users_cache_only_when_its_record_vouches(
        tmp_path, monkeypatch, own_cache_key):
    calls = []

    def fake_bundle(*args, **kwargs):
        calls.append(1)
        return "window.vegaEmbed = function () {};"

    monkeypatch.setattr(vlc, "javascript_bundle", fake_bundle)
    monkeypatch.setattr(static, "_bundle_elsewhere", fake_bundle)
    assert ChartRenderer(tmp_path / "one").bundle_js() == "window.vegaEmbed = function () {};"
    # another project (an empty chart cache) of the same user: not made again, and kept in its own cache too
    assert ChartRenderer(tmp_path / "two").bundle_js() == "window.vegaEmbed = function () {};"
    assert calls == [1]
    assert [p.name for p in (tmp_path / "two").iterdir() if p.name.startswith("vega-bundle-")]
    # the user's copy edited (its record no longer vouches for it): made again, never used
    shared = [p for p in user_cache_dir().iterdir() if p.name.startswith("vega-bundle-") and p.suffix == ".js"]
    assert len(shared) == 1
    shared[0].write_text("alert('planted');", "utf-8")
    assert ChartRenderer(tmp_path / "three").bundle_js() == "window.vegaEmbed = function () {};"
    assert calls == [1, 1]


def test_the_bundle_is_made_in_another_process_so_the_build_starts_no_javascript_engine(
        tmp_path, monkeypatch, own_cache_key):
    """Made here, vl-convert's engine kept ~120 MiB and four threads in the build for good."""
    def not_here(*args, **kwargs):
        raise AssertionError("the bundle was made in the build process")

    monkeypatch.setattr(vlc, "javascript_bundle", not_here)
    threads = len(os.listdir("/proc/self/task"))
    bundle = ChartRenderer(tmp_path / "cache").bundle_js()
    assert "vegaEmbed" in bundle and len(bundle) > 100_000
    assert len(os.listdir("/proc/self/task")) == threads


@pytest.fixture(scope="module")
def real_bundle() -> str:
    # the checkout's shared cache: the real bundle takes ~1.5 s to make
    return ChartRenderer(REPO / ".casebook-cache" / "charts").bundle_js()


def test_real_bundle_defines_vega_embed_and_loads_nothing(real_bundle):
    assert "vegaEmbed" in real_bundle and len(real_bundle) > 500_000
    assert "cdn.jsdelivr" not in real_bundle and "unpkg.com" not in real_bundle


# --------------------------------------------------------------------------
# the page in a browser: charts.js swaps the static SVG for the live chart


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chart_pages(tmp_path_factory, renderer, zerno, real_bundle):
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from casebook.render.charts import embed_options, script_json

    case, charts = zerno
    env = Environment(loader=FileSystemLoader(str(REPO / "theme")), autoescape=select_autoescape(["html"]))
    partial = env.get_template("partials/chart.html")
    t = Translator(case.locale)
    figures = "".join(
        partial.render(chart=chart, svg=Markup(renderer.svg(chart, case.locale, case.currency)),
                       spec_json=Markup(script_json(chart.spec)),
                       embed_options_json=Markup(script_json(embed_options(case.locale, case.currency))), t=t)
        for chart in (charts["series-followers"], charts["before-after-vk"])
    )
    folder = tmp_path_factory.mktemp("page")
    (folder / "vega.js").write_text(real_bundle, "utf-8")
    (folder / "charts.js").write_text((REPO / "theme/assets/charts.js").read_text("utf-8"), "utf-8")
    (folder / "charts.css").write_text((REPO / "theme/assets/charts.css").read_text("utf-8"), "utf-8")
    head = '<!doctype html><html lang="ru"><head><meta charset="utf-8"><link rel="stylesheet" href="charts.css"></head>'
    (folder / "live.html").write_text(
        f'{head}<body style="width:700px"><main class="md-typeset">{figures}</main>'
        '<script src="vega.js"></script><script src="charts.js"></script></body></html>', "utf-8")
    (folder / "nojs.html").write_text(
        f'{head}<body><main class="md-typeset">{figures}</main><script src="charts.js"></script></body></html>',
        "utf-8")
    return folder


@pytest.fixture(scope="module")
def page(chart_pages):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser.new_page()
        browser.close()


@pytest.mark.browser
def test_charts_js_swaps_in_the_live_chart(page, chart_pages):
    errors, outside = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto((chart_pages / "live.html").as_uri())
    page.wait_for_selector('figure.cb-chart[data-cb-chart="live"] >> nth=1', timeout=15000)
    assert page.eval_on_selector_all(".cb-chart__static", "els => els.map(e => e.hidden)") == [True, True]
    live = page.eval_on_selector_all(".cb-chart__live svg", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(live) == 2 and all(w > 500 for w in live)  # the container's width, not 0
    assert "фев 2025" in page.inner_text("figure.cb-chart >> nth=0") or page.locator("text=фев 2025").count()
    assert errors == [] and outside == []


@pytest.mark.browser
def test_charts_js_leaves_static_svg_without_the_bundle(page, chart_pages):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((chart_pages / "nojs.html").as_uri())
    page.wait_for_load_state("load")
    assert page.eval_on_selector_all(".cb-chart__static", "els => els.map(e => e.hidden)") == [False, False]
    assert page.locator(".cb-chart__live").count() == 0
    assert errors == []
