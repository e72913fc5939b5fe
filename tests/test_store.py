"""casebook.store: every cache entry is written whole and read back only when it is what was written."""

from __future__ import annotations

import os
import stat

import pytest

from casebook import store

pytestmark = pytest.mark.usefixtures("own_cache_key")


def test_an_entry_reads_back_and_a_changed_one_is_a_miss(tmp_path):
    entry = tmp_path / "cache" / "charts" / "a.json"
    store.write(entry, b'{"a": 1}')
    assert store.read(entry) == b'{"a": 1}'
    entry.write_bytes(b'{"a": 2}')
    assert store.read(entry) is None


def test_an_entry_moved_to_another_name_is_a_miss(tmp_path):
    store.write(tmp_path / "c" / "a.svg", b"<svg/>")
    os.replace(tmp_path / "c" / "a.svg", tmp_path / "c" / "b.svg")
    os.replace(store.sidecar(tmp_path / "c" / "a.svg"), store.sidecar(tmp_path / "c" / "b.svg"))
    assert store.read(tmp_path / "c" / "b.svg") is None


def test_write_file_replaces_whole_and_keeps_a_given_mode(tmp_path):
    target = tmp_path / "out" / "case.yaml"
    store.write_file(target, b"first\n")
    store.write_file(target, b"second\n", mode=0o600, fsync=True)
    assert target.read_bytes() == b"second\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["case.yaml"]  # no temporary file left


def test_copy_verified_refuses_what_the_record_does_not_vouch_for(tmp_path):
    from casebook.errors import CasebookError

    cached = tmp_path / "cache" / "pdf" / "x.pdf"
    store.write(cached, b"%PDF-1.7 good")
    store.copy_verified(cached, tmp_path / "site" / "x.pdf")
    assert (tmp_path / "site" / "x.pdf").read_bytes() == b"%PDF-1.7 good"
    cached.write_bytes(b"%PDF-1.7 swapped")
    with pytest.raises(CasebookError, match="missing or was changed"):
        store.copy_verified(cached, tmp_path / "site" / "x.pdf")
    assert (tmp_path / "site" / "x.pdf").read_bytes() == b"%PDF-1.7 good"


def test_content_keys_follow_names_and_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("one")
    before = store.tree_digest([tmp_path / "a"])
    (tmp_path / "a" / "x.txt").write_text("two")
    assert store.tree_digest([tmp_path / "a"]) != before
    assert store.file_digest(tmp_path / "missing") == "missing"


def test_a_cache_folder_that_cannot_be_written_is_replaced(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file in the way")
    chosen = store.usable_folder(blocked)
    assert chosen != blocked.resolve() and chosen.is_dir()
    assert store.usable_folder(tmp_path / "fine") == (tmp_path / "fine").resolve()
