"""casebook.build.auditpool: the leak audit's worker processes read the cache as the build does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from casebook import store
from casebook.build import auditpool


def _cached_text(root: str, key: str) -> tuple[str, list]:
    """A worker's job: what the PDF-text cache gives it for ``key``."""
    return key, [store.Cache(Path(root), "pdfium-text", "5").read_text(key)]


def _audit_twice(root: str) -> list[dict]:
    """A plain build's audit, then a forced one's, while the build runs a thread (vl-convert's engine)."""
    store.Cache(Path(root), "pdfium-text", "5").write("a.txt", b"text of an earlier build's PDF")
    done = threading.Event()
    engine = threading.Thread(target=done.wait, daemon=True)
    engine.start()
    jobs, keys = [(root, "a.txt"), (root, "a.txt")], ["a.txt", "a.txt"]
    try:
        plain = auditpool.scan_files(_cached_text, jobs, keys, auditpool.POOL_FROM_SERVER)
        with store.fresh():
            forced = auditpool.scan_files(_cached_text, jobs, keys, auditpool.POOL_FROM_SERVER)
        little = auditpool.scan_files(_cached_text, jobs, keys, auditpool.POOL_FROM_SERVER - 1)
    finally:
        done.set()
    return [plain, forced, little]


def test_under_force_the_workers_take_nothing_an_earlier_build_cached(tmp_path):
    """``casebook build --force`` reads no cached output: nor do the audit's workers, also when
    they start from a fork server (the build runs threads) and so inherit nothing from it."""
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_auditpool\n"
            f"print(json.dumps(test_auditpool._audit_twice({str(tmp_path / 'cache')!r})))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home-cache"), "CASEBOOK_PDF_WORKERS": "2"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    plain, forced, little = json.loads(out.splitlines()[-1])
    assert plain == {"a.txt": ["text of an earlier build's PDF"]}  # a plain build: the workers use the cache
    assert forced == {"a.txt": [None]}
    # less than that (an edit under `casebook serve`): no fork server, whose start costs seconds; the
    # caller scans it all itself
    assert little == {}


def test_the_site_files_are_every_file_a_reader_could_be_served_in_path_order(tmp_path):
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    for rel in ("a-b.html", "a/b/c.pdf", "a/x.html", "A.txt", "a b.css"):
        (site / rel).write_text(rel, encoding="utf-8")
    (site / "to-file.html").symlink_to(site / "a" / "x.html")  # a link to a file is audited
    (site / "to-folder").symlink_to(site / "a")  # a linked folder is not entered (its files are there anyway)
    (site / "broken.html").symlink_to(tmp_path / "nowhere")
    (site / "loop1").symlink_to(site / "loop2")
    (site / "loop2").symlink_to(site / "loop1")
    listed = auditpool.site_files(str(site))
    assert [rel for _path, rel in listed] == ["A.txt", "a/b/c.pdf", "a/x.html", "a b.css", "a-b.html", "to-file.html"]
    assert listed == [(str(p), p.relative_to(site).as_posix()) for p in sorted(site.rglob("*")) if p.is_file()]
    assert auditpool.site_files(str(tmp_path / "gone")) == []


def test_without_threads_workers_start_from_less_work(tmp_path):
    """A build process with one thread forks its workers at once: from POOL_FROM bytes they scan."""
    root = str(tmp_path / "cache")
    code = ("import json, sys; from pathlib import Path; from casebook import store; from casebook.build import auditpool; "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_auditpool\n"
            f"store.Cache(Path({root!r}), 'pdfium-text', '5').write('a.txt', b'some text')\n"
            f"jobs, keys = [({root!r}, 'a.txt')] * 2, ['a.txt'] * 2\n"
            "print(json.dumps([auditpool.scan_files(test_auditpool._cached_text, jobs, keys, n)"
            " for n in (auditpool.POOL_FROM, auditpool.POOL_FROM - 1)]))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home-cache"), "CASEBOOK_PDF_WORKERS": "2"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    enough, little = json.loads(out.splitlines()[-1])
    assert enough == {"a.txt": ["some text"]}
    assert little == {}


class _Copies:
    """The audit's rules stand-in: it counts the copies of it a process has unpickled."""

    made = 0

    def __setstate__(self, state: dict) -> None:
        type(self).made += 1
        self.__dict__.update(state)


def _copies_seen(root: str, key: str, shared: _Copies) -> tuple[str, list]:
    return key, [os.getpid(), _Copies.made, shared.label]


def _scan_with_rules(start: str) -> dict:
    """The workers' answers, forked (``fork``) or from a fork server (the build runs a thread)."""
    done = threading.Event()
    if start == "forkserver":
        threading.Thread(target=done.wait, daemon=True).start()
    rules = _Copies()
    rules.label = "the rules"
    jobs = [("root", f"{i}.txt") for i in range(12)]
    try:
        return auditpool.scan_files(_copies_seen, jobs, [k for _r, k in jobs], auditpool.POOL_FROM_SERVER, (rules,))
    finally:
        done.set()


def test_each_worker_gets_the_rules_once_not_with_every_file(tmp_path):
    """The rules keep what they learn between files (the names' pre-filter and the words it looked
    up): a worker that got a new copy with each file built them again for each (a tenth of a cold
    build's audit at 300 cases)."""
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_auditpool\n"
            "print(json.dumps(test_auditpool._scan_with_rules(sys.argv[1])))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home-cache"), "CASEBOOK_PDF_WORKERS": "2"}
    for start in ("fork", "forkserver"):
        out = subprocess.run([sys.executable, "-c", code, start], env=env, capture_output=True, text=True,
                             check=True).stdout
        found = json.loads(out.splitlines()[-1])
        assert sorted(found) == sorted(f"{i}.txt" for i in range(12))
        assert {label for _pid, _made, label in found.values()} == {"the rules"}
        # forked: the worker has the build's own; from a fork server: one copy a worker
        assert max(made for _pid, made, _label in found.values()) == (0 if start == "fork" else 1), start
