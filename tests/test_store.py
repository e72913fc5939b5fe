"""casebook.store: every cache entry is written whole and read back only when it is what was written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest

from casebook import store
from casebook.prune import prune

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


# --------------------------------------------------------------------------
# Named, versioned caches and the one pruning step

def _age(*paths) -> None:
    """Make entries look as a build eight days ago left them (not used by this build, nor within the week)."""
    then = time.time() - 8 * 86400
    for path in paths:
        for p in (path, store.sidecar(path)):
            if os.path.lexists(p):
                os.utime(p, (then, then), follow_symlinks=False)


def _files(folder) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def test_an_entry_of_another_version_or_cache_or_changed_is_a_miss(tmp_path):
    old = store.Cache(tmp_path / "cache", "media", "1")
    old.write("abc-10x10.png", b"png bytes")
    assert old.read("abc-10x10.png") == b"png bytes"
    assert store.Cache(tmp_path / "cache", "media", "2").read("abc-10x10.png") is None  # the re-encoding changed
    # the same bytes and record moved into another cache: a miss there
    (tmp_path / "cache" / "covers").mkdir()
    for name in ("abc-10x10.png", "abc-10x10.png.sig"):
        (tmp_path / "cache" / "covers" / name).write_bytes((tmp_path / "cache" / "media" / name).read_bytes())
    assert store.Cache(tmp_path / "cache", "covers", "1").read("abc-10x10.png") is None
    # a tampered entry: a miss, never its bytes
    (tmp_path / "cache" / "media" / "abc-10x10.png").write_bytes(b"png bytez")
    assert old.read("abc-10x10.png") is None
    with pytest.raises(ValueError):
        old.path("../outside")


def test_pruning_removes_old_versions_and_unused_entries_and_nothing_else(tmp_path):
    root = tmp_path / "cache"
    charts = store.Cache(root, "charts", "1")
    for key in ("used.svg", "unused.svg", "stale.svg"):
        charts.write(key, b"<svg/>")
    store.Cache(root, "covers", "1").write("old.png", b"png")
    # not entries of a Cache: a note, an older casebook's record, a folder linked from outside
    (root / "charts" / "notes.txt").write_text("mine")
    (root / "pages").mkdir()
    (root / "pages" / "x.html").write_text("<p>")
    (root / "pages" / "x.html.sig").write_text("casebook-cache 1 - 00 00\n")
    outside = tmp_path / "outside"
    store.Cache(outside, "evil", "1").write("victim.txt", b"keep me")
    (root / "evil").symlink_to(outside / "evil")
    _age(*(root / "charts").iterdir(), root / "covers" / "old.png", root / "pages" / "x.html",
         outside / "evil" / "victim.txt")
    before_outside = _files(outside)

    # this build: charts at version 1 (one entry read, one written anew), covers now at version 2
    assert charts.read("used.svg") == b"<svg/>"
    charts.write("stale.svg", b"<svg>new</svg>")
    store.Cache(root, "covers", "2")
    site = tmp_path / "site"
    site.mkdir()
    assert prune(root, [site]) == 2

    left = _files(root)
    assert {"charts/used.svg", "charts/stale.svg", "charts/notes.txt", "pages/x.html", "pages/x.html.sig"} <= left
    assert not {"charts/unused.svg", "charts/unused.svg.sig", "covers/old.png", "covers/old.png.sig"} & left
    assert _files(outside) == before_outside  # a link out of the cache folder is not followed


def test_entries_another_output_used_last_survive_a_build_that_did_not_use_them(tmp_path):
    root, site, private = tmp_path / "cache", tmp_path / "site", tmp_path / "private"
    site.mkdir()
    private.mkdir()
    pdf = store.Cache(root, "pdf", "1")
    pdf.write("public.pdf", b"%PDF public")
    pdf.write("report.pdf", b"%PDF report")
    prune(root, [site, private])  # casebook build --private used both

    _age(root / "pdf" / "public.pdf", root / "pdf" / "report.pdf")
    assert pdf.read("public.pdf")  # casebook build: the public PDF only
    assert prune(root, [site]) == 0
    assert pdf.read("report.pdf") == b"%PDF report"  # the private build's report is kept for it

    _age(root / "pdf" / "public.pdf", root / "pdf" / "report.pdf")
    assert pdf.read("public.pdf")  # casebook build --private again, with the report's case gone
    assert prune(root, [site, private]) == 1
    assert not (root / "pdf" / "report.pdf").exists() and (root / "pdf" / "public.pdf").exists()


def test_an_entry_a_build_used_within_the_week_survives_a_build_that_did_not_use_it(tmp_path):
    """`casebook build --no-pdf` between two full builds must not throw away every case PDF."""
    root, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    pdf = store.Cache(root, "pdf", "1")
    pdf.write("case.pdf", b"%PDF case")
    then = time.time() - 2 * 86400  # the last full build, two days ago
    for p in (root / "pdf" / "case.pdf", store.sidecar(root / "pdf" / "case.pdf")):
        os.utime(p, (then, then))
    assert prune(root, [site]) == 0  # this build (site only) did not read it
    assert pdf.read("case.pdf") == b"%PDF case"


def test_a_build_prunes_at_most_hourly_unless_a_cache_version_changed(tmp_path):
    """Entries go only after a week unused, so `casebook build` walks the cache at most hourly
    for the same outputs; a new cache version (an upgrade) is pruned at the next build."""
    root, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    hour = 3600 * 10**9
    cache = store.Cache(root, "pages", "1")
    cache.write("unused", b"page")
    week_ago = time.time() - 8 * 86400
    for path in root.joinpath("pages").iterdir():
        os.utime(path, (week_ago, week_ago))
    store.Cache(root, "pages", "1").write("kept", b"used now")
    store.Cache(root, "specs", "1")
    assert prune(root, [site], every_ns=hour) == 1  # never pruned for these outputs: prunes
    store.Cache(root, "specs", "1").write("x", b"1")
    store.Cache(root, "specs", "1").write("y", b"2")
    for path in root.joinpath("specs").glob("x*"):
        os.utime(path, (week_ago, week_ago))
    assert prune(root, [site], every_ns=hour) == 0  # pruned a moment ago: left for later
    assert root.joinpath("specs", "x").exists()
    store.Cache(root, "specs", "2")  # the chart code changed its entries' version
    assert prune(root, [site], every_ns=hour) == 2  # pruned at once: both old-version entries go
    store.Cache(root, "specs", "2").write("z", b"3")
    for path in root.joinpath("specs").glob("z*"):
        os.utime(path, (week_ago, week_ago))
    assert prune(root, [site], every_ns=hour) == 0
    for stamp in root.joinpath(".used").glob("*.pruned"):  # an hour later
        os.utime(stamp, (time.time() - 3601, time.time() - 3601))
    assert prune(root, [site], every_ns=hour) == 1
    assert prune(root, [site]) == 0  # without a period (a plain mkdocs build): always walks


def test_no_pruning_while_another_process_uses_the_cache(tmp_path):
    root = tmp_path / "cache"
    charts = store.Cache(root, "charts", "1")
    charts.write("old.svg", b"<svg/>")
    _age(root / "charts" / "old.svg")
    code = ("import sys; from pathlib import Path; from casebook import store\n"
            f"store.Cache(Path({str(root)!r}), 'charts', '1').read('other.svg')\n"
            "print('using', flush=True); sys.stdin.read()\n")
    other = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "using"
        assert prune(root, [tmp_path]) == 0  # the other build may still copy what it read
        assert (root / "charts" / "old.svg").exists()
    finally:
        other.communicate("")
    assert prune(root, [tmp_path]) == 1
    assert not (root / "charts" / "old.svg").exists()


def test_path_functions_follow_the_version_their_cache_registered(tmp_path):
    store.Cache(tmp_path / "cache", "pdf", "2")  # e.g. the case PDFs' cache, at the engine's version
    path = tmp_path / "cache" / "pdf" / "portfolio-1.pdf"
    store.write(path, b"%PDF joined")
    assert store.read(path) == b"%PDF joined"
    store.Cache(tmp_path / "cache", "pdf", "3")  # a casebook whose engine makes other bytes
    assert store.read(path) is None
    assert prune(tmp_path / "cache", [tmp_path]) == 1


def test_a_cache_nested_in_another_is_pruned_too(tmp_path):
    root = tmp_path / "cache"
    texts = store.Cache(root / "audit", "pdfium-text", "5")  # the leak audit's PDF texts, inside its folder
    texts.write("gone.txt", b"text of a PDF no longer built")
    texts.write("kept.txt", b"text of a PDF still built")
    _age(root / "audit" / "pdfium-text" / "gone.txt", root / "audit" / "pdfium-text" / "kept.txt")
    store.Cache(root, "audit", "5").write("verdicts-1.json", b"{}")
    assert texts.read("kept.txt")
    assert prune(root, [tmp_path]) == 1
    assert sorted(p.name for p in (root / "audit" / "pdfium-text").iterdir()) == ["kept.txt", "kept.txt.sig"]


def test_a_later_build_in_the_same_process_keeps_what_it_took_from_memory(tmp_path):
    """casebook serve: the second build takes an image from memory without reading its entry again."""
    media = store.Cache(tmp_path / "cache", "media", "1")
    media.write("abc-10x10.png", b"png")
    time.sleep(2.5)  # the first build goes on a while after making it (beyond the file-time slack)
    assert prune(tmp_path / "cache", [tmp_path]) == 0  # the first build made it
    assert prune(tmp_path / "cache", [tmp_path]) == 0  # the second used it from memory
    assert media.read("abc-10x10.png") == b"png"


def test_pruning_leaves_another_projects_cache_and_the_users_files_alone(tmp_path):
    """cache_dir: ~/caches beside another project's ~/caches/projB, or ~/.cache itself."""
    outer = tmp_path / "caches"
    code = ("from pathlib import Path; from casebook import store\n"
            f"store.Cache(Path({str(outer / 'projB')!r}), 'charts', '1').write('theirs.svg', b'<svg/>')\n")
    subprocess.run([sys.executable, "-c", code], check=True)  # project B's build, earlier
    (outer / "notes").mkdir()
    (outer / "notes" / ".tmp-draft.txt").write_text("my draft")
    charts = store.Cache(outer, "charts", "1")
    charts.write("mine.svg", b"<svg/>")
    charts.write("unused.svg", b"<svg/>")
    (outer / "charts" / ".tmp-draft.txt").write_text("not casebook's")
    (outer / "charts" / ".tmp-k3j_x9q2.part").write_bytes(b"half a write")  # left by a killed build
    _age(outer / "projB" / "charts" / "theirs.svg", outer / "notes" / ".tmp-draft.txt",
         outer / "charts" / "unused.svg", outer / "charts" / ".tmp-draft.txt", outer / "charts" / ".tmp-k3j_x9q2.part")
    assert charts.read("mine.svg")
    assert prune(outer, [tmp_path]) == 2
    left = _files(outer)
    assert {"projB/charts/theirs.svg", "projB/charts/theirs.svg.sig", "notes/.tmp-draft.txt",
            "charts/.tmp-draft.txt", "charts/mine.svg"} <= left
    assert not {"charts/unused.svg", "charts/.tmp-k3j_x9q2.part"} & left


def test_what_this_build_used_is_kept_when_the_clock_is_ahead_of_the_file_server(tmp_path, monkeypatch):
    """A cache folder on NFS: files are stamped by the server's clock, which lags this machine's."""
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 3600 * 10**9)
    media = store.Cache(tmp_path / "cache", "media", "1")
    media.write("abc-10x10.png", b"png")
    assert prune(tmp_path / "cache", [tmp_path]) == 0
    assert media.read("abc-10x10.png") == b"png"


_RIVAL = """
import sys, time
from pathlib import Path
from casebook import store
from casebook.prune import prune
root = Path(sys.argv[1])
store.Cache(root, "charts", "1").read("other.svg")
print("using", flush=True)
sys.stdin.readline()
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    prune(root, [root])
sys.stdin.readline()  # still using the cache until the test is done
"""


def test_two_builds_pruning_at_once_never_prune_under_each_other(tmp_path):
    """Both builds use the cache to the end: neither may prune, however their attempts interleave."""
    root = tmp_path / "cache"
    charts = store.Cache(root, "charts", "1")
    charts.write("old.svg", b"<svg/>")
    _age(root / "charts" / "old.svg")
    other = subprocess.Popen([sys.executable, "-c", _RIVAL, str(root), "3"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "using"
        other.stdin.write("go\n")
        other.stdin.flush()
        end = time.monotonic() + 3
        while time.monotonic() < end:
            assert prune(root, [tmp_path]) == 0
    finally:
        other.communicate("done\n")
    assert (root / "charts" / "old.svg").exists()
    assert not (root / ".used").exists()  # neither pruned
