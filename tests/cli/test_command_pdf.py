"""casebook pdf: a case that is not public is refused before anything is made."""

from __future__ import annotations

from casebook.load.project import open_project

from sitebuild import copy_demo


def test_pdf_of_a_private_case_is_refused(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    private = open_project(root).private_cases[0].case.slug
    result = casebook("pdf", "--case", private, "-o", tmp_path / "out.pdf", cwd=root)
    assert result.returncode == 2 and private in result.stderr
    assert not (tmp_path / "out.pdf").exists()
