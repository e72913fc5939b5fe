"""The site on a phone, in both colour schemes, without JavaScript; its PDF links.

A hiring manager opens the link on a phone: no page may scroll sideways at
360 or 390 px, light or dark.  The index links every case as one PDF and
each tag page a PDF of its cases; those links answer with a PDF.  The
suite also saves screenshots (site and PDFs) under tests/.artifacts/ for a
person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest
from PIL import Image, ImageStat

from sitebuild import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

SHOTS = REPO / "tests" / ".artifacts"


def _pages(built) -> list[str]:
    tag = sorted({t.casefold() for c in built.project.public_cases for t in c.case.tags})[0]
    return (["/", "/about/", f"/tags/{tag}/"]
            + [f"/cases/{c.case.slug}/" for c in built.project.public_cases])


def _open(browser, width: int, scheme: str, **kwargs):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme, **kwargs)
    return context, context.new_page()


def _go(page, url: str, scheme: str) -> None:
    page.goto(url, wait_until="networkidle")
    # Material follows prefers-color-scheme through the palette toggle; set it outright as well
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)",
                  "slate" if scheme == "dark" else "default")
    page.wait_for_timeout(50)


SIDEWAYS = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 1) out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, culprits: out.slice(0, 8)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 390])
def test_no_page_scrolls_sideways_on_a_phone(site, browser, width, scheme):
    built, base = site
    context, page = _open(browser, width, scheme)
    wide = {}
    for target in _pages(built):
        _go(page, base + target, scheme)
        if scheme == "dark":
            assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
        got = page.evaluate(SIDEWAYS)
        if got["scroll"] > got["inner"]:
            wide[target] = got
    context.close()
    assert wide == {}, f"pages wider than {width}px ({scheme}): {wide}"


def test_without_javascript_no_filter_control_shows(site, browser):
    built, base = site
    tag = _pages(built)[2]
    context, page = _open(browser, 390, "light", java_script_enabled=False)
    for target in ("/", tag):
        page.goto(base + target, wait_until="networkidle")
        assert page.locator("#cb-filters").count() == 1
        for sel in ("#cb-filters", "#cb-filters select", "#cb-filters button", "#cb-filters output"):
            shown = [page.locator(sel).nth(i).is_visible() for i in range(page.locator(sel).count())]
            assert not any(shown), f"{target}: {sel} is visible with JavaScript off"
        # the cards are all there to read
        assert page.locator("article.cb-card:visible").count() >= 1
    context.close()
    # with JavaScript on, the same controls appear (they are not dead weight)
    context, page = _open(browser, 1280, "light")
    page.goto(base + "/", wait_until="networkidle")
    assert page.locator("#cb-filters select[name=platform]").is_visible()
    context.close()


def _static_chart_brightness(browser, url: str, scheme: str) -> float:
    """Mean brightness (0-255) of the first chart as drawn before (or without) charts.js."""
    context, page = _open(browser, 1280, scheme)
    page.route("**/charts.js", lambda route: route.abort())  # the static SVG stays, as before the script runs
    _go(page, url, scheme)
    still = page.locator(".cb-chart__static").first
    still.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=still.locator("img").element_handle())
    with Image.open(io.BytesIO(still.screenshot())) as shot:
        brightness = ImageStat.Stat(shot.convert("L")).mean[0]
    context.close()
    return brightness


def test_the_static_chart_follows_dark_mode(site, browser):
    built, base = site
    slug = next(c.case.slug for c in built.project.public_cases if c.case.series)
    light = _static_chart_brightness(browser, f"{base}/cases/{slug}/", "light")
    dark = _static_chart_brightness(browser, f"{base}/cases/{slug}/", "dark")
    assert light > 200, light  # a light drawing on the light page
    assert dark < 70, dark  # on the dark page the drawing is dark too, not a white card


HERO_GAPS = """() => {
  const box = s => document.querySelector(s).getBoundingClientRect();
  const h1 = box('h1'), headline = box('.cb-headline'), results = box('.cb-highlights');
  return [Math.round(headline.top - h1.bottom), Math.round(results.top - headline.bottom)];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_case_hero_reads_as_one_block_on_a_desktop(site, browser, scheme):
    """Title, headline and results sit close together: no band of empty page between them."""
    built, base = site
    context, page = _open(browser, 1280, scheme)
    for c in built.project.public_cases:
        _go(page, f"{base}/cases/{c.case.slug}/", scheme)
        if page.locator(".cb-headline").count() and page.locator(".cb-highlights").count():
            to_headline, to_results = page.evaluate(HERO_GAPS)
            assert 0 <= to_headline <= 24 and 0 <= to_results <= 16, (c.case.slug, to_headline, to_results)
    context.close()


def test_platform_icons_keep_their_brand_colour_on_the_dark_page_where_it_shows(site, browser):
    """VK stays VK blue on the dark page; TikTok's black (unseen on dark) takes the light text colour."""
    built, base = site
    context, page = _open(browser, 1280, "dark")
    _go(page, base + "/", "dark")
    colour = "sel => getComputedStyle(document.querySelector(sel)).color"
    assert page.evaluate(colour, '.cb-card .cb-icon[style*="#0077FF"]') == "rgb(0, 119, 255)"
    r, g, b = map(int, re.findall(r"\d+", page.evaluate(colour, '.cb-card .cb-icon[style*="#000000"]'))[:3])
    assert min(r, g, b) > 150, (r, g, b)
    context.close()


def _fetch_pdf(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as r:  # the local test server
        assert r.status == 200
        data = r.read()
    assert data.startswith(b"%PDF"), f"{url} is not a PDF"
    return data


def test_index_links_all_cases_as_pdf(site, browser):
    built, base = site
    context, page = _open(browser, 390, "light")
    page.goto(base + "/", wait_until="networkidle")
    link = page.get_by_role("link", name="All cases as PDF")
    assert link.count() == 1 and link.is_visible()
    href = link.get_attribute("href")
    data = _fetch_pdf(page.evaluate("h => new URL(h, location.href).href", href))
    assert data == (built.site / "pdf" / "portfolio.pdf").read_bytes()
    context.close()


def test_each_tag_page_links_a_pdf_of_its_cases(site, browser):
    built, base = site
    tags = sorted({t.casefold() for c in built.project.public_cases for t in c.case.tags})
    assert tags
    context, page = _open(browser, 1280, "light")
    for tag in tags:
        page.goto(f"{base}/tags/{tag}/", wait_until="networkidle")
        link = page.get_by_role("link", name="These cases as PDF")
        assert link.count() == 1 and link.is_visible(), tag
        url = page.evaluate("h => new URL(h, location.href).href", link.get_attribute("href"))
        data = _fetch_pdf(url)
        # the PDF holds exactly the tag's cases: each one's page on the web is named in it
        text = _pdf_text(data)
        for c in built.project.public_cases:
            tagged = tag in {t.casefold() for t in c.case.tags}
            assert (" ".join(c.case.title.split()[:4]) in text) == tagged, (tag, c.case.slug, tagged)
    context.close()


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8", "replace").split())


# -- screenshots to look at ---------------------------------------------------

def _shot_targets(built) -> list[tuple[str, str]]:
    cases = built.project.public_cases
    ru = next(c for c in cases if c.case.locale.startswith("ru"))
    en = next(c for c in cases if c.case.locale.startswith("en"))
    return [("index", "/"), ("about", "/about/"),
            (f"case-ru-{ru.case.slug}", f"/cases/{ru.case.slug}/"),
            (f"case-en-{en.case.slug}", f"/cases/{en.case.slug}/")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_screenshots_of_the_site(site, browser, width, name, scheme):
    built, base = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, width, scheme)
    for label, target in _shot_targets(built):
        _go(page, base + target, scheme)
        # scroll to the end and back: lazy images load, charts draw
        page.evaluate("""async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } window.scrollTo(0, 0); }""")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        path = SHOTS / f"layout-{label}-{name}-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    context.close()


def _first_page_png(pdf, stem: str):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils")
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(SHOTS / stem)], check=True)
    png = SHOTS / f"{stem}.png"
    assert png.stat().st_size > 5_000
    return png


def test_screenshots_of_the_pdfs(site, tmp_path):
    built, _base = site
    slug = built.project.public_cases[0].case.slug
    _first_page_png(built.site / "pdf" / f"{slug}.pdf", "layout-pdf-case")
    reports = sorted(built.private.rglob("*.pdf"))
    assert reports, "the demo build writes private client reports"
    report = next((p for p in reports if "report" in p.name), reports[0])
    _first_page_png(report, "layout-pdf-report")
    out = tmp_path / "vacancy.pdf"
    subprocess.run([sys.executable, "-m", "casebook.cli", "pdf", "--tag", "local-business", "-o", str(out),
                    "--title", "SMM lead, Acme Foods", "--note", "Two local businesses grown on small budgets",
                    "--root", str(built.root)], check=True, capture_output=True, cwd=built.root)
    _first_page_png(out, "layout-pdf-vacancy")
