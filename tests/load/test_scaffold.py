"""`casebook new`: the written file is a valid case as it stands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from casebook.cli import main
from casebook.load.cases import load_case_file, load_cases
from casebook.settings import SCAFFOLD_DIR


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Every test runs in an empty project folder."""
    monkeypatch.chdir(tmp_path)


def _new(tmp_path: Path, *args: str):
    result = CliRunner().invoke(main, ["new", *args])
    return result, tmp_path


@pytest.mark.parametrize(
    "args, kind, locale",
    [
        (["my-case"], "case", "en"),
        (["my-case", "--locale", "ru"], "case", "ru"),
        (["my-case", "--locale", "en-PH"], "case", "en-PH"),
        (["my-case", "--locale", "fil"], "case", "fil"),  # no fil template: English text
        (["my-report", "--report"], "report", "en"),
        (["my-report", "--report", "--locale", "ru"], "report", "ru"),
    ],
)
def test_new_file_passes_check(tmp_path, args, kind, locale):
    result, folder = _new(tmp_path, *args)
    assert result.exit_code == 0, result.output
    slug = args[0]
    path = folder / "cases" / f"{slug}.yaml"
    assert path.is_file()
    text = path.read_text("utf-8")
    assert "__SLUG__" not in text and "__LOCALE__" not in text
    assert text.startswith("# yaml-language-server: $schema=")
    loaded = load_cases([folder / "cases"], folder)
    assert loaded.problems == [], [p.format() for p in loaded.problems]
    (case,) = [c.case for c in loaded.cases]
    assert case.slug == slug
    assert case.kind == kind
    assert case.locale == locale
    assert not case.is_public  # a draft or a report never goes public by accident
    if kind == "report":
        assert case.report is not None and case.report.branding is not None


def test_templates_have_no_live_media(tmp_path):
    """Media lines stay commented out: an empty project has no images."""
    for template in sorted(SCAFFOLD_DIR.glob("*.yaml")):
        for line in template.read_text("utf-8").splitlines():
            if "media/" in line:
                assert line.lstrip().startswith("#"), f"{template.name}: {line}"


@pytest.mark.parametrize("slug", ["2025", "yes", "null", "0x1f"])
def test_slug_that_yaml_would_read_as_another_type(tmp_path, slug):
    result, folder = _new(tmp_path, slug)
    assert result.exit_code == 0, result.output
    loaded, problems, _ = load_case_file(folder / "cases" / f"{slug}.yaml", folder)
    assert problems == [], [p.format() for p in problems]
    assert loaded.case.slug == slug


def test_new_refuses_existing_file(tmp_path):
    first, _ = _new(tmp_path, "taken")
    assert first.exit_code == 0
    path = tmp_path / "cases" / "taken.yaml"
    path.write_text("# my work\n", encoding="utf-8")
    second, _ = _new(tmp_path, "taken", "--report")
    assert second.exit_code == 2
    assert "already exists" in second.output
    assert path.read_text("utf-8") == "# my work\n"  # untouched


@pytest.mark.parametrize("slug", ["Bad Slug", "UPPER", "-leading", "with_underscore", "a/b", ""])
def test_bad_slug_exits_2(tmp_path, slug):
    result, folder = _new(tmp_path, slug)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (folder / "cases").exists() or not any((folder / "cases").iterdir())


def test_unknown_locale_exits_2(tmp_path):
    result, _ = _new(tmp_path, "ok-slug", "--locale", "xx")
    assert result.exit_code == 2
    assert "unknown locale" in result.output


def test_dir_option(tmp_path):
    result, folder = _new(tmp_path, "elsewhere", "--dir", "work/drafts")
    assert result.exit_code == 0, result.output
    assert (folder / "work" / "drafts" / "elsewhere.yaml").is_file()
