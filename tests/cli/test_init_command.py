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
