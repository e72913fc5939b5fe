"""casebook.render.views: one view of a case serves its page and its PDF."""

from __future__ import annotations

from casebook.load.project import open_project
from casebook.render.views import case_view

from sitebuild import copy_demo


def test_view_of_each_public_case_has_its_headline_and_kpis(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    for loaded in project.public_cases:
        view = case_view(loaded)
        assert view.case is loaded.case
        assert view.headline
        assert view.t.locale == loaded.case.locale
