"""casebook.load.cache: a valid case is parsed once; a planted entry is never loaded."""

from __future__ import annotations

import pytest

from casebook.load.cases import load_cases

from sitebuild import copy_demo

pytestmark = pytest.mark.usefixtures("own_cache_key")


def test_second_load_comes_from_the_cache_and_a_forged_entry_is_ignored(tmp_path):
    root = copy_demo(tmp_path / "p")
    cache = tmp_path / "cache"
    first = load_cases([root / "cases"], root, cache_dir=cache)
    entries = sorted((tmp_path / "cache").rglob("*"))
    assert [p for p in entries if p.is_file()], "valid cases are kept"
    again = load_cases([root / "cases"], root, cache_dir=cache)
    assert [c.case for c in again.cases] == [c.case for c in first.cases]
    for p in entries:
        if p.is_file():
            p.write_bytes(b"\0" * 32 + p.read_bytes()[32:])  # signature no longer matches
    third = load_cases([root / "cases"], root, cache_dir=cache)
    assert [c.case for c in third.cases] == [c.case for c in first.cases]
