"""casebook init: from an empty folder to a built portfolio in two commands, in the reader's language."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from casebook.cli import main

from sitebuild import serve


def run(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.mark.slow
@pytest.mark.parametrize("locale, lang, search", [("en", "en", "Search"), ("ru", "ru", "Поиск")])
def test_init_then_check_then_build(tmp_path, browser, locale, lang, search):
    result = run(tmp_path, "init", "site-project", "--locale", locale, "--name", "Maria Ivanova")
    assert result.exit_code == 0, result.output
    project = tmp_path / "site-project"
    for name in ("mkdocs.yml", "profile.yaml", "docs/case.schema.json", "pages/README.txt", ".gitignore",
                 "cases/my-first-case.yaml"):
        assert (project / name).is_file(), name
    assert run(project, "check").exit_code == 0
    built = run(project, "build", "--no-pdf", "-q")
    assert built.exit_code == 0, built.output
    # the schema lives where the case's modeline points, never in the published site
    assert "$schema=../docs/case.schema.json" in (project / "cases" / "my-first-case.yaml").read_text("utf-8")
    assert not list((project / "site").rglob("*.schema.json"))
    _seen_in_chromium(browser, serve(str(project / "site")), lang, search)


def _seen_in_chromium(browser, base: str, lang: str, search: str) -> None:
    """The built site as a reader's browser shows it: its language, its covers, its link previews."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/", wait_until="load")
        assert page.evaluate("document.documentElement.lang") == lang
        # Material's own texts in the site's language: the search box once Material's script has run
        assert page.get_attribute("input.md-search__input", "placeholder") == search
        cards = page.locator(".cb-card")
        assert cards.count() >= 1 and page.locator(".cb-card__initials").count() == 0
        links = []
        for i in range(cards.count()):  # every card shows a real cover, not a letter in a grey box
            card = cards.nth(i)
            card.scroll_into_view_if_needed()
            image = card.locator("img").first
            image.wait_for(state="visible")
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]")[0] >= 600
            links.append(card.locator("a[href]").first.evaluate("a => a.href"))
        for link in links:  # every case page's link preview is a 1200x630 PNG
            page.goto(link, wait_until="load")
            og = page.get_attribute('meta[property="og:image"]', "content")
            assert og, link
            url = page.evaluate("c => new URL(c, location.href).href", og)
            response = page.request.get(url)
            assert response.ok, og
            with Image.open(io.BytesIO(response.body())) as image:
                assert (image.format, image.size) == ("PNG", (1200, 630)), og
    finally:
        page.close()


def test_init_never_overwrites(tmp_path):
    (tmp_path / "profile.yaml").write_text("name: Mine\n", "utf-8")
    result = run(tmp_path, "init")
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output and "nothing was written" in result.output
    assert (tmp_path / "profile.yaml").read_text("utf-8") == "name: Mine\n"
    assert not (tmp_path / "mkdocs.yml").exists()


def test_schema_output_makes_its_folder(tmp_path):
    result = run(tmp_path, "schema", "-o", "docs/new/case.schema.json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "docs" / "new" / "case.schema.json").read_text("utf-8").startswith("{")


@pytest.mark.slow
def test_first_run_messages_say_what_to_do(tmp_path):
    """No profile: a warning naming the file.  No public case: the index says how to add one."""
    assert run(tmp_path, "init", "p").exit_code == 0
    project = tmp_path / "p"
    (project / "profile.yaml").unlink()
    case = project / "cases" / "my-first-case.yaml"
    case.write_text(case.read_text("utf-8").replace("visibility: public  ", "visibility: private ", 1), "utf-8")
    import subprocess
    import sys

    built = subprocess.run([sys.executable, "-m", "casebook.cli", "build", "--no-pdf"], cwd=project,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "profile.yaml:0:0: warning: not found" in built.stderr and "casebook init" in built.stderr
    index = (project / "site" / "index.html").read_text("utf-8")
    assert "No public case yet" in index and "casebook new SLUG" in index


def test_industries_read_as_words_and_tags_without_case():
    from casebook.render.i18n import translator
    from casebook.render.views import industry_label

    assert industry_label("food-and-beverage", translator("ru")) == "Общепит"
    assert industry_label("b2b-saas", translator("en")) == "B2B SaaS"
    assert industry_label("pet-shops", translator("en")) == "Pet shops"  # an id no locale knows


def test_pdf_with_an_unknown_tag_lists_the_tags(tmp_path):
    from sitebuild import copy_demo

    project = copy_demo(tmp_path / "demo")
    result = run(project, "pdf", "--tag", "no-such-tag", "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2
    assert "no public case has the tag 'no-such-tag'; the tags are: " in result.output
    assert "horeca" in result.output and not (tmp_path / "out.pdf").exists()


@pytest.mark.slow
def test_profile_locale_sets_the_whole_sites_language(tmp_path):
    """mkdocs.yml says en, profile.yaml says ru: Material's texts, search and casebook's texts speak Russian."""
    assert run(tmp_path, "init", "p", "--locale", "en").exit_code == 0
    project = tmp_path / "p"
    profile = project / "profile.yaml"
    profile.write_text(re.sub(r"^locale: en ", "locale: ru ", profile.read_text("utf-8"), flags=re.M), "utf-8")
    assert run(project, "build", "--no-pdf", "-q").exit_code == 0
    index = (project / "site" / "index.html").read_text("utf-8")
    assert '<html lang="ru"' in index and 'placeholder="Поиск"' in index and "<h1>Кейсы" in index
