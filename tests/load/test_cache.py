"""casebook.load.cache: a valid case is parsed once; a planted entry is never loaded."""

from __future__ import annotations

import json
from pathlib import Path

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


LOADS_ONLY = """
import json, sys
import json
from pathlib import Path
from casebook.load.project import open_project
open_project(Path(sys.argv[1]), cache_dir=sys.argv[2])  # every case parsed, checked and kept
print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()
                        if (n == "casebook" or n.startswith("casebook.")) and getattr(m, "__file__", None))))
"""


def test_the_cache_key_covers_every_module_loading_runs(tmp_path):
    """The load cache is keyed by the load layer and what it may import, not by all of casebook (an
    upgrade that touches only pages or PDFs keeps the loaded cases): so loading a project must import
    nothing of casebook's outside LOAD_CODE, or a change there would be read from stale entries."""
    import json
    import os
    import subprocess
    import sys

    from casebook.load.cache import LOAD_CODE
    from casebook.settings import PACKAGE_DIR

    root = copy_demo(tmp_path / "p")
    proc = subprocess.run([sys.executable, "-c", LOADS_ONLY, str(root), str(tmp_path / "cache")],
                          capture_output=True, text=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")})
    assert proc.returncode == 0, proc.stderr
    imported = [Path(f).resolve() for f in json.loads(proc.stdout.splitlines()[-1])]
    assert any(p.parent.name == "load" for p in imported)
    covered = [(PACKAGE_DIR / name).resolve() for name in LOAD_CODE]
    outside = [p for p in imported if not any(p == c or c in p.parents for c in covered)]
    assert not outside, outside


def test_a_change_outside_the_loading_code_keeps_the_cache_and_one_inside_does_not(tmp_path, monkeypatch):
    from casebook.load import cache as cache_mod
    from casebook.settings import PACKAGE_DIR

    fake = tmp_path / "pkg"
    for name in cache_mod.LOAD_CODE:
        src = PACKAGE_DIR / name
        if src.is_dir():
            (fake / name).mkdir(parents=True)
            (fake / name / "x.py").write_text(f"# {name}\n")
        else:
            fake.mkdir(exist_ok=True)
            (fake / name).write_text(f"# {name}\n")
    (fake / "render").mkdir()
    (fake / "render" / "views.py").write_text("# views\n")
    monkeypatch.setattr(cache_mod, "PACKAGE_DIR", fake)

    def key() -> str:
        cache_mod._code.cache_clear()
        return cache_mod._code()

    before = key()
    (fake / "render" / "views.py").write_text("# views, changed\n")
    assert key() == before  # pages, charts and PDFs: the loaded cases stay
    (fake / "load" / "x.py").write_text("# load, changed\n")
    assert key() != before


def test_while_serving_a_case_loaded_before_is_not_read_from_disk_again(tmp_path, monkeypatch):
    """`casebook serve` loads the project at every save: what it read (verified) is kept in memory, by a
    key of the case's bytes, so an edited case is parsed again and nothing planted on disk is read."""
    from casebook.load import cache as load_cache
    from casebook import store

    monkeypatch.setattr(load_cache, "_seen", None)
    load_cache.keep_in_memory()
    root = copy_demo(tmp_path / "p")
    cache = tmp_path / "cache"
    first = load_cases([root / "cases"], root, cache_dir=cache)
    reads = []
    real_read = store.Cache.read
    monkeypatch.setattr(store.Cache, "read", lambda self, key: reads.append(key) or real_read(self, key))
    again = load_cases([root / "cases"], root, cache_dir=cache)
    assert [c.case for c in again.cases] == [c.case for c in first.cases]
    assert [k for k in reads if k.endswith(".pickle")] == []
    assert again.cases[0].case is not first.cases[0].case  # unpickled afresh: nothing shared between builds
    edited = first.cases[0].source
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    reads.clear()
    third = load_cases([root / "cases"], root, cache_dir=cache)
    assert [c.case for c in third.cases] == [c.case for c in first.cases]
    assert len([k for k in reads if k.endswith(".pickle")]) == 1  # the edited case's bytes: looked up on disk
    with store.fresh():  # --force: only what this build reads or writes
        reads.clear()
        load_cases([root / "cases"], root, cache_dir=cache)
        assert [k for k in reads if k.endswith(".pickle")]


def _private_copy(root: Path, client: str) -> None:
    """A private case of ``client``, made from a public one of the demo without its files."""
    import yaml

    data = yaml.safe_load((root / "cases" / "ledgerly-linkedin-b2b.yaml").read_text("utf-8"))
    for field in ("cover", "media", "testimonial"):
        data.pop(field, None)
    data["client"].pop("logo", None)
    data.update(slug="blue-lantern-private", visibility="private")
    data["client"]["name"] = client
    (root / "cases" / "blue-lantern-private.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def _across(root: Path, cache: Path) -> list[str]:
    return [p.format() for p in load_cases([root / "cases"], root, cache_dir=cache).errors]


def test_a_case_kept_as_naming_no_hidden_client_is_looked_at_again_when_a_hidden_name_is_added(tmp_path, monkeypatch):
    """The check across cases keeps each case's answer; an unchanged case must still be flagged for a
    hidden name that a new private case brings, and only the cases that changed are looked at again."""
    from casebook.load import checks

    root = copy_demo(tmp_path / "p")
    cache = tmp_path / "cache"
    tide = root / "cases" / "thread-and-tide-instagram.yaml"
    tide.write_text(tide.read_text("utf-8").replace(
        "summary: |\n", "summary: |\n  Packaging by Blue Lantern Studio.\n", 1), "utf-8")
    assert _across(root, cache) == []  # no such hidden client yet: kept as naming none
    _private_copy(root, "Blue Lantern Studio")
    flagged = _across(root, cache)
    assert len(flagged) == 1 and flagged[0].startswith("cases/thread-and-tide-instagram.yaml:")
    assert "summary" in flagged[0] and "blue-lantern-private.yaml" in flagged[0]
    assert _across(root, cache) == flagged  # kept: the same answer without looking

    looked_at, listed = [], []
    named_in = checks._named_in
    monkeypatch.setattr(checks, "_named_in",
                        lambda loaded, *a: looked_at.append(loaded.case.slug) or named_in(loaded, *a))
    monkeypatch.setattr(checks, "hidden_names", lambda cases: listed.append(len(cases)) or [])
    ledgerly = root / "cases" / "ledgerly-linkedin-b2b.yaml"
    ledgerly.write_text(ledgerly.read_text("utf-8").replace("four", "five", 1), "utf-8")
    assert _across(root, cache) == flagged
    assert looked_at == ["ledgerly-linkedin-b2b"]  # the one case edited, not every public case
    assert listed == []  # and the hidden names as kept, not listed again


def test_a_planted_answer_of_the_check_across_cases_is_not_believed(tmp_path):
    root = copy_demo(tmp_path / "p")
    cache = tmp_path / "cache"
    tide = root / "cases" / "thread-and-tide-instagram.yaml"
    tide.write_text(tide.read_text("utf-8").replace(
        "summary: |\n", "summary: |\n  Packaging by Blue Lantern Studio.\n", 1), "utf-8")
    _private_copy(root, "Blue Lantern Studio")
    flagged = _across(root, cache)
    assert len(flagged) == 1
    [entry] = [p for p in (cache / "load").glob("*.json")]
    table = json.loads(entry.read_bytes())
    assert any(table["found"].values())
    table["found"] = {key: [] for key in table["found"]}  # "nothing found", unsigned
    entry.write_text(json.dumps(table), "utf-8")
    assert _across(root, cache) == flagged
