"""A public case must not publish an undisclosed client's logo or a private case's file (casebook.load.mediareuse)."""

from __future__ import annotations

import shutil

from casebook.load.cases import load_cases
from sitebuild import copy_demo


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path, text):
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_an_undisclosed_clients_logo_as_a_public_cover_is_a_located_error(tmp_path):
    root = copy_demo(tmp_path / "p")
    case = root / "cases" / "kazan-coffee-vk.yaml"  # public, its client «Зерно» undisclosed
    edit(case, "cover: media/kazan-coffee/cover.png", "cover: media/kazan-coffee/../kazan-coffee/logo.png")
    result = load_cases([root / "cases"], root)
    [problem] = result.errors
    assert (problem.file, problem.line, problem.path) == ("cases/kazan-coffee-vk.yaml", line_of(case, "cover:"),
                                                          "cover")
    assert "is the logo of the client 'Зерно', which cases/kazan-coffee-vk.yaml keeps undisclosed" in problem.message
    assert result.cases == []  # nothing is built


def test_a_private_cases_file_or_its_copy_in_a_public_case_is_a_located_error(tmp_path):
    root = copy_demo(tmp_path / "p")
    media = root / "cases" / "media"
    shutil.copy(media / "ural-residential" / "leads.png", media / "glowlab" / "leads-copy.png")
    case = root / "cases" / "glowlab-ph-tiktok.yaml"
    edit(case, "src: media/glowlab/tiktok-analytics.png", "src: media/ural-residential/leads.png")
    edit(case, "src: media/glowlab/top-video.png", "src: media/glowlab/leads-copy.png")
    problems = load_cases([root / "cases"], root).errors
    assert [(p.file, p.line, p.path) for p in problems] == [
        ("cases/glowlab-ph-tiktok.yaml", line_of(case, "ural-residential/leads.png"), "media[0].src"),
        ("cases/glowlab-ph-tiktok.yaml", line_of(case, "leads-copy.png"), "media[1].src")]
    assert problems[0].message.startswith(
        "is a file of the private case cases/ural-residential-nda.yaml (media[0].src)")
    assert problems[1].message.startswith("has the same bytes as a file of the private case")


def test_a_disclosed_clients_public_case_may_share_files_with_its_private_report(tmp_path):
    root = copy_demo(tmp_path / "p")
    report = root / "cases" / "lak-studio-report-2025-10.yaml"  # private; its client disclosed
    case = root / "cases" / "panaderya-qc-facebook.yaml"  # public, the client disclosed
    edit(report, 'name: "Студия маникюра «Лак»"', 'name: "Panaderya ni Aling Rosa"')
    edit(case, "cover: media/panaderya/cover.png", "cover: media/lak/vk-october.png")
    assert load_cases([root / "cases"], root).errors == []
    edit(report, 'name: "Panaderya ni Aling Rosa"', 'name: "Студия маникюра «Лак»"')
    assert [p.path for p in load_cases([root / "cases"], root).errors] == ["cover"]
