"""Charts follow Material's dark scheme on the web, and redraw when the reader switches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casebook.compute import facts as compute
from casebook.render.charts import build_charts
from casebook.render.charts.locale import embed_options
from casebook.render.charts.static import ChartRenderer
from casebook.render.i18n import Translator
from casebook.settings import theme_dir

from sitebuild import CHROMIUM, CHROMIUM_ARGS

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body data-md-color-scheme="{scheme}">
<figure class="cb-chart" data-cb-chart="static">
  <div class="cb-chart__static" role="img" aria-label="x"><img alt=""></div>
  <script type="application/json" class="cb-chart__spec">{payload}</script>
</figure>
<script src="vega-bundle.js"></script><script src="charts.js"></script>
</body></html>"""


def _text_fills(page) -> list[str]:
    page.wait_for_selector("figure.cb-chart[data-cb-chart=live] .cb-chart__live svg", timeout=30000)
    return page.eval_on_selector_all(".cb-chart__live svg text", "ts => ts.map(t => t.getAttribute('fill'))")


def test_a_chart_is_drawn_for_the_dark_scheme_and_again_when_the_reader_switches(tmp_path, demo_cases):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make install-test` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    case = demo_cases["kazan-coffee-vk"]
    chart = next(c for c in build_charts(compute.facts(case), Translator(case.locale)) if c.id.startswith("series-"))
    (tmp_path / "vega-bundle.js").write_text(ChartRenderer(tmp_path / "cache").bundle_js(), encoding="utf-8")
    (tmp_path / "charts.js").write_text((theme_dir() / "assets" / "charts.js").read_text("utf-8"), encoding="utf-8")
    payload = json.dumps({"spec": chart.spec, "options": embed_options(case.locale, case.currency)}).replace("</", "<\\/")
    (tmp_path / "dark.html").write_text(PAGE.format(scheme="slate", payload=payload), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto((tmp_path / "dark.html").as_uri())
            dark = _text_fills(page)
            assert dark and "#1D1D1F" not in dark and "#E8EAED" in dark, dark  # light text on the dark page
            page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
            page.wait_for_function("document.querySelector('figure.cb-chart').getAttribute('data-cb-scheme') == 'light'"
                                   " && document.querySelector('figure.cb-chart').getAttribute('data-cb-chart') == 'live'",
                                   timeout=30000)
            light = _text_fills(page)
            assert "#1D1D1F" in light and "#E8EAED" not in light, light
        finally:
            browser.close()


def test_action_labels_never_overlap_on_a_phone(tmp_path):
    """Six actions days apart on a 360 px page: the labels drawn are whole and none covers another."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make install-test` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    from test_chart_story import make_case

    titles = ["Contest with a prize for the best photo", "Seeding in city channels", "Reels series about baristas",
              "Lead form with a tasting invitation", "Look-alike audiences from guests", "Chatbot for bookings"]
    case = make_case(actions=[{"title": title, "when": f"2025-02-{3 + 4 * i:02d}"} for i, title in enumerate(titles)])
    chart = next(c for c in build_charts(compute.facts(case), Translator(case.locale)) if c.id == "series-followers")
    (tmp_path / "vega-bundle.js").write_text(ChartRenderer(tmp_path / "cache").bundle_js(), encoding="utf-8")
    (tmp_path / "charts.js").write_text((theme_dir() / "assets" / "charts.js").read_text("utf-8"), encoding="utf-8")
    payload = json.dumps({"spec": chart.spec, "options": embed_options(case.locale, case.currency)}).replace("</", "<\\/")
    (tmp_path / "phone.html").write_text(PAGE.format(scheme="default", payload=payload), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto((tmp_path / "phone.html").as_uri())
            _text_fills(page)
            boxes = page.eval_on_selector_all(".cb-chart__live svg text", """ts => ts.map(t => {
                const r = t.getBoundingClientRect(); return {text: t.textContent, x: r.left, y: r.top, r: r.right, b: r.bottom};
            })""")
        finally:
            browser.close()
    labels = [b for b in boxes if b["text"] and any(t.startswith(b["text"].rstrip("…")) for t in titles)]
    assert len(labels) >= 4, [b["text"] for b in boxes]  # the strip's four lanes are used
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            apart = a["r"] <= b["x"] or b["r"] <= a["x"] or a["b"] <= b["y"] or b["b"] <= a["y"]
            assert apart, (a, b)
