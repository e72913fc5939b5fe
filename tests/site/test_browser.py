"""The site as a hiring manager uses it, in headless Chromium (Playwright).

Fails on any console error and on any request to a host other than the
local server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from sitebuild import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

SHOTS = REPO / "tests" / ".artifacts"


class Watch:
    """Console errors and outside requests seen by one page."""

    def __init__(self, page, base: str):
        self.errors: list[str] = []
        self.outside: list[str] = []
        host = urlsplit(base).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == host:
                return r.continue_()
            self.outside.append(url)
            return r.abort()

        page.route("**/*", route)

    def check(self):
        assert self.outside == [], f"requests to outside hosts: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


def new_page(browser, base, **kwargs):
    context = browser.new_context(**kwargs)
    page = context.new_page()
    return context, page, Watch(page, base)


def test_filter_by_platform_then_open_a_case(site, browser):
    built, base = site
    context, page, watch = new_page(browser, base, viewport={"width": 1280, "height": 900})
    page.goto(base + "/", wait_until="networkidle")
    cards = page.locator("article.cb-card")
    total = cards.count()
    assert total == len(built.project.public_cases)
    platform = "telegram"
    expected = {c.case.slug for c in built.project.public_cases if platform in c.case.platforms}
    assert 0 < len(expected) < total
    page.select_option("select[name=platform]", platform)
    visible = page.locator("article.cb-card:visible")
    assert visible.count() == len(expected)
    for i in range(visible.count()):
        assert platform in visible.nth(i).get_attribute("data-platforms").split()
    assert f"platform={platform}" in page.url, "the filter is in the URL, to share it"
    # the shared URL restores the filter
    page.goto(page.url, wait_until="networkidle")
    assert page.locator("article.cb-card:visible").count() == len(expected)
    # open the first matching case and read its KPIs
    first = page.locator("article.cb-card:visible").first
    slug = first.locator("a.cb-card__link").get_attribute("href").strip("/").split("/")[-1]
    first.locator("a.cb-card__link").click()
    page.wait_for_load_state("networkidle")
    assert f"/cases/{slug}/" in page.url
    loaded = next(c for c in built.project.public_cases if c.case.slug == slug)
    from casebook.render.views import case_view

    view = case_view(loaded)
    kpi_values = page.locator(".cb-kpi__after").all_inner_texts()
    expected_values = [k.after for kpis in view.kpis.values() for k in kpis]
    assert [v.strip() for v in kpi_values] == expected_values
    watch.check()
    context.close()


def test_sort_by_biggest_change(site, browser):
    built, base = site
    context, page, watch = new_page(browser, base)
    page.goto(base + "/?sort=change", wait_until="networkidle")
    changes = [float(x) for x in page.locator("article.cb-card").evaluate_all("els => els.map(e => e.dataset.change)")]
    assert changes == sorted(changes, reverse=True)
    watch.check()
    context.close()


def test_charts_render_interactive_and_static_without_js(site, browser):
    built, base = site
    loaded = next(c for c in built.project.public_cases if c.case.series)
    url = f"{base}/cases/{loaded.case.slug}/"
    context, page, watch = new_page(browser, base)
    page.goto(url, wait_until="networkidle")
    figures = page.locator("figure.cb-chart")
    assert figures.count() >= 1
    page.wait_for_function("() => document.querySelectorAll('figure.cb-chart .vega-embed svg, figure.cb-chart canvas').length > 0", timeout=15000)
    watch.check()
    context.close()
    context, page, watch = new_page(browser, base, java_script_enabled=False)
    page.goto(url, wait_until="networkidle")
    static = page.locator("figure.cb-chart .cb-chart__static img")
    assert static.count() == figures_count_static(built, loaded)
    assert static.first.is_visible()
    # every static chart is a file the site serves, and it draws
    sizes = page.eval_on_selector_all("figure.cb-chart .cb-chart__static img",
                                      "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    assert sizes and all(done and width > 0 for done, width in sizes), sizes
    watch.check()
    context.close()


def figures_count_static(built, loaded) -> int:
    html = (built.site / "cases" / loaded.case.slug / "index.html").read_text("utf-8")
    return html.count('class="cb-chart__static"')


@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_screenshots_for_review(site, browser, width, name):
    """Saves screenshots into tests/.artifacts to look at; checks no horizontal scroll."""
    built, base = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page, watch = new_page(browser, base, viewport={"width": width, "height": 900})
    targets = ["/", f"/cases/{built.project.public_cases[0].case.slug}/"]
    for target in targets:
        page.goto(base + target, wait_until="networkidle")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{target} scrolls sideways by {overflow}px at {width}px"
        slug = target.strip("/").replace("/", "_") or "index"
        page.screenshot(path=str(SHOTS / f"{slug}-{name}.png"), full_page=True)
    watch.check()
    context.close()
