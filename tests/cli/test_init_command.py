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


def run(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


@pytest.mark.slow
@pytest.mark.parametrize("locale, lang, search", [("en", "en", "Search"), ("ru", "ru", "Поиск")])
def test_init_then_check_then_build(tmp_path, locale, lang, search):
    result = run(tmp_path, "init", "site-project", "--locale", locale, "--name", "Maria Ivanova")
    assert result.exit_code == 0, result.output
    project = tmp_path / "site-project"
    for name in ("mkdocs.yml", "profile.yaml", "docs/case.schema.json", "pages/README.txt", ".gitignore",
                 "cases/my-first-case.yaml"):
        assert (project / name).is_file(), name
    assert run(project, "check").exit_code == 0
    built = run(project, "build", "--no-pdf", "-q")
    assert built.exit_code == 0, built.output
    index = (project / "site" / "index.html").read_text("utf-8")
    assert re.search(rf'<html lang="{lang}"', index)
    assert f'placeholder="{search}"' in index  # Material's own texts in the site's language
    # the sample case's card shows a generated cover, not a letter in a grey box
    images = re.findall(r'<img[^>]+src="(media/my-first-case/[^"]+)"', index)
    assert images and "cb-card__initials" not in index
    page = (project / "site" / "cases" / "my-first-case" / "index.html").read_text("utf-8")
    og = re.search(r'<meta property="og:image" content="[^"]*?(media/[^"]+)"', page).group(1)
    with Image.open(io.BytesIO((project / "site" / og).read_bytes())) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    # the schema lives where the case's modeline points, never in the published site
    assert "$schema=../docs/case.schema.json" in (project / "cases" / "my-first-case.yaml").read_text("utf-8")
    assert not list((project / "site").rglob("*.schema.json"))


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
