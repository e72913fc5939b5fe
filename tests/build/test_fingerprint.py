"""casebook.build.fingerprint: a case's output key changes with anything that could change the output."""

from __future__ import annotations

from casebook.build.fingerprint import case_inputs, case_key, project_digest
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


def test_a_cases_outputs_keyed_from_its_inputs_hashed_once_are_the_keys_hashed_whole(tmp_path):
    """A build hashes a case's inputs once and keys its page, card and PDF from that: the same keys
    as hashing everything for each (the cache a build left stays valid), each output its own, and a
    build that hashes the inputs after a cover changed gets new ones."""
    root = copy_demo(tmp_path / "p")
    project = open_project(root)
    shared = project_digest(root, project.profile_path, None)
    loaded = next(c for c in project.public_cases if c.case.cover)
    outputs = [("page", 3, "card", "en"), ("page", 3, "cases/x/", "en"), ("pdf", "case", [("a", 1)], True)]
    inputs = case_inputs(loaded, root, shared)
    keys = [case_key(loaded, root, shared, *options, inputs=inputs) for options in outputs]
    assert keys == [case_key(loaded, root, shared, *options) for options in outputs]
    assert len(set(keys)) == len(keys)
    assert case_key(loaded, root, shared, *outputs[0], inputs=inputs) == keys[0]  # the inputs are copied, not spent
    cover = (loaded.source.parent / loaded.case.cover).resolve()
    cover.write_bytes(cover.read_bytes() + b"\0")
    again = case_inputs(loaded, root, shared)
    assert case_key(loaded, root, shared, *outputs[0], inputs=again) != keys[0]
