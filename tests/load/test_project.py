"""casebook.load.project: a project is its cases, split public and private, and its profile."""

from __future__ import annotations

from casebook.load.project import folder_name, open_project

from sitebuild import copy_demo


def test_demo_project_splits_public_and_private(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    assert project.public_cases and project.private_cases
    assert not {c.case.slug for c in project.public_cases} & {c.case.slug for c in project.private_cases}
    assert project.profile is not None


def test_client_folder_names_are_safe():
    name = folder_name("ООО «Урал/Строй»")
    assert "/" not in name and name
