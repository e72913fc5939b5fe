"""The built demo site: pages, cards, privacy, offline, social tags."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from casebook.build.audit import audit, forbidden_names, pdf_text
from casebook.render.templates import platform_label
from sitebuild import copy_demo, demo_build

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]


@pytest.fixture(scope="module")
def built():
    return demo_build()


def all_text(site: Path):
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            yield path, pdf_text(data)
        elif path.suffix == ".gz":
            import gzip

            yield path, gzip.decompress(data).decode("utf-8", "replace")
        else:
            yield path, data.decode("utf-8", "replace")


def test_every_public_case_has_a_page_and_a_card(built):
    index = (built.site / "index.html").read_text("utf-8")
    public = [c.case for c in built.project.public_cases]
    assert len(public) >= 6
    for case in public:
        page = built.site / "cases" / case.slug / "index.html"
        assert page.is_file(), case.slug
        html = page.read_text("utf-8")
        import html as html_mod

        assert f"<h1>{html_mod.escape(case.title, quote=False)}</h1>" in html.replace("&#34;", '"').replace("&quot;", '"')
        assert f'href="cases/{case.slug}/"' in index, f"no card for {case.slug}"
    assert index.count('class="cb-card"') == len(public)


def test_search_finds_each_case_on_its_own_page_not_on_the_lists(built):
    """The index and the tag pages repeat every card: a search finds a case once, on its page."""
    search = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    pages = {d["location"].split("#")[0] for d in search["docs"]}
    assert "" not in pages  # the index
    assert not any(p.startswith("tags/") for p in pages)
    for case in (c.case for c in built.project.public_cases):
        entries = [d for d in search["docs"] if d["location"].split("#")[0] == f"cases/{case.slug}/"]
        assert any(d["text"] for d in entries), case.slug
        # the facts' labels and values are words apart (the index drops the tags): a search for the
        # client finds the case, and "КлиентШкола" read as the word of no one
        words = set(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(d["text"] for d in entries))).split())
        if case.client.disclose_name:
            assert set(case.client.name.split()) <= words, case.slug
        assert {w for p in case.platforms for w in platform_label(p).split()} <= words, case.slug


def test_no_private_case_or_hidden_name_anywhere_in_the_site(built):
    project = built.project
    private = [c.case for c in project.private_cases]
    assert private, "the demo must have private work to test this"
    names = forbidden_names(project)
    assert names, "the demo must have an undisclosed client to test this"
    secrets = {c.slug for c in private} | {c.title for c in private} | names
    for path, text in all_text(built.site):
        low = text.casefold()
        for secret in secrets:
            assert secret.casefold() not in low, f"{secret!r} leaked into {path.relative_to(built.site)}"
    search = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    locations = {d["location"].split("#")[0] for d in search["docs"]}
    for case in private:
        assert f"cases/{case.slug}/" not in locations
    sitemap = (built.site / "sitemap.xml").read_text("utf-8")
    for case in private:
        assert case.slug not in sitemap
    assert audit(built.site, project) == []


def test_private_output_is_outside_the_site_one_folder_per_client(built):
    assert not built.private.is_relative_to(built.site)
    from casebook.load.project import folder_name

    for loaded in built.project.private_cases:
        folder = built.private / folder_name(loaded.case.client.name)
        assert (folder / f"{loaded.case.slug}.pdf").is_file()


def test_pages_load_nothing_from_outside_hosts(built):
    pattern = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*(?:src|href)=["']?(?:https?:)?//""", re.I)
    for path in built.site.rglob("*.html"):
        html = path.read_text("utf-8")
        for m in pattern.finditer(html):
            tag = html[m.start(): html.find(">", m.start()) + 1]
            assert 'rel="canonical"' in tag or "alternate" in tag, f"{path}: {tag}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_case_pages_have_social_preview_tags(built):
    for loaded in built.project.public_cases:
        html = (built.site / "cases" / loaded.case.slug / "index.html").read_text("utf-8")
        assert '<meta property="og:title"' in html
        assert '<meta property="og:description"' in html
        assert '<meta property="og:image"' in html or loaded.case.cover is None


def test_every_case_without_a_cover_gets_a_generated_png_preview(built):
    """Cards never show a grey box, and link previews get a 1200×630 PNG (Telegram, VK, LinkedIn)."""
    import io

    from PIL import Image

    pages = {"index.html": None}
    pages.update({f"cases/{c.case.slug}/index.html": c for c in built.project.public_cases})
    generated = 0
    for page, loaded in pages.items():
        html = (built.site / page).read_text("utf-8")
        found = re.search(r'<meta property="og:image" content="https?://[^/]+/([^"]+)"', html)
        assert found, page
        path = built.site / found.group(1)
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            if loaded is None or loaded.case.cover is None:
                assert (image.format, image.size) == ("PNG", (1200, 630)), page
                assert 'property="og:image:width" content="1200"' in html
                generated += 1
    assert generated >= 2, "the demo has cases without a cover of their own, and the portfolio"
    index = (built.site / "index.html").read_text("utf-8")
    assert "cb-card__initials" not in index, "no card falls back to a letter"


def test_without_javascript_every_card_shows(built):
    html = (built.site / "index.html").read_text("utf-8")
    cards = re.findall(r'<article class="cb-card"[^>]*>', html)
    assert cards and not any(" hidden" in c for c in cards)
    assert re.search(r'<form class="cb-filters"[^>]* hidden', html), "filters need JS: hidden without it"


def test_case_page_shows_kpis_goals_timeline_and_pdf_link(built):
    loaded = next(c for c in built.project.public_cases if c.case.goals and c.case.actions)
    html = (built.site / "cases" / loaded.case.slug / "index.html").read_text("utf-8")
    assert 'class="cb-kpi ' in html
    assert 'class="cb-goals"' in html
    assert 'class="cb-timeline"' in html
    assert f'href="../../pdf/{loaded.case.slug}.pdf"' in html
    assert (built.site / "pdf" / f"{loaded.case.slug}.pdf").is_file()


def test_a_russian_case_page_speaks_russian(built):
    loaded = next(c for c in built.project.public_cases if c.case.locale == "ru")
    html = (built.site / "cases" / loaded.case.slug / "index.html").read_text("utf-8")
    assert "Ключевые результаты" in html and 'lang="ru"' in html
    assert re.search(r"\d\u00a0\d{3}", html), "Russian thousands use a no-break space"


def test_tag_pages_list_only_their_cases(built):
    tags = sorted({t for c in built.project.public_cases for t in c.case.tags})
    tag = tags[0]
    html = (built.site / "tags" / tag / "index.html").read_text("utf-8")
    expected = {c.case.slug for c in built.project.public_cases if tag in c.case.tags}
    found = set(re.findall(r'href="\.\./\.\./cases/([a-z0-9-]+)/"', html))
    assert found == expected


def test_disabled_plugin_generates_nothing(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_demo(tmp_path / "p")
    text = (root / "mkdocs.yml").read_text("utf-8").replace("cases_dir: cases", "cases_dir: cases\n      enabled: false")
    (root / "mkdocs.yml").write_text(text, "utf-8")
    (root / "pages" / "index.md").write_text("# Hello\n", "utf-8")
    cfg = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    build(cfg)
    assert not (tmp_path / "out" / "cases").exists()
    assert "Hello" in (tmp_path / "out" / "index.html").read_text("utf-8")
