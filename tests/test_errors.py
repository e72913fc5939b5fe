"""casebook.errors: the one shape of a problem a user reads."""

from __future__ import annotations

from pathlib import Path

from casebook.errors import CasebookError, Problem, display_path


def test_problem_reads_file_line_column_field_message():
    assert Problem("cases/a.yaml", 3, 5, "after.reach", "must be a number").format() == \
        "cases/a.yaml:3:5: after.reach: must be a number"
    warning = Problem("cases/a.yaml", 1, 1, "", "no period", "warning")
    assert warning.format() == "cases/a.yaml:1:1: warning: no period" and not warning.is_error


def test_error_carries_its_problems():
    problems = [Problem("a.yaml", 1, 1, "slug", "taken")]
    assert CasebookError("1 error", problems).problems == problems


def test_display_path_is_relative_inside_root_and_whole_outside(tmp_path):
    assert display_path(tmp_path / "cases" / "a.yaml", tmp_path) == str(Path("cases") / "a.yaml")
    assert display_path(Path("/elsewhere/b.yaml"), tmp_path) == "/elsewhere/b.yaml"
