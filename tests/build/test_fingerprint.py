"""casebook.build.fingerprint: a case's output key changes with anything that could change the output."""

from __future__ import annotations

from casebook.build.fingerprint import case_key, project_digest
from casebook.load.project import open_project

from sitebuild import copy_demo


def test_key_follows_the_case_its_files_and_the_options(tmp_path):
    root = copy_demo(tmp_path / "p")
    project = open_project(root)
    shared = project_digest(root, project.profile_path, None)
    loaded = next(c for c in project.public_cases if c.case.cover)
    key = case_key(loaded, root, shared, "page")
    assert case_key(loaded, root, shared, "page") == key
    assert case_key(loaded, root, shared, "pdf") != key
    cover = (loaded.source.parent / loaded.case.cover).resolve()
    cover.write_bytes(cover.read_bytes() + b"\0")
    assert case_key(loaded, root, shared, "page") != key
