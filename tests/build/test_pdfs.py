"""casebook.build.pdfs: which cases a portfolio holds, and that private ones never do."""

from __future__ import annotations

import pytest

from casebook.build.pdfs import select_cases
from casebook.errors import CasebookError
from casebook.load.project import open_project

from sitebuild import copy_demo


def test_portfolio_selection_by_slug_keeps_order_and_refuses_private(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    public = [c.case.slug for c in project.public_cases]
    assert [c.case.slug for c in select_cases(project, public[::-1][:2])] == public[::-1][:2]
    with pytest.raises(CasebookError, match="public cases only"):
        select_cases(project, [project.private_cases[0].case.slug])
