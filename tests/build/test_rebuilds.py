"""casebook.build.rebuilds: each rebuild of `casebook serve` keeps in place what did not change."""

from __future__ import annotations

import os

from mkdocs.utils import clean_directory

from casebook import reuse
from casebook.build.rebuilds import Rebuilds


def rebuild(rebuilds: Rebuilds, site, files: dict[str, bytes], *, fail: bool = False,
            mkdocs: dict[str, bytes] | None = None) -> None:
    """One rebuild as MkDocs' server runs it: the folder emptied, then ``files`` placed as the site
    adapter places charts and kept pages, ``mkdocs`` written as MkDocs writes its own pages."""
    with rebuilds.around(site):
        clean_directory(str(site))  # what MkDocs does first
        assert [n for n in os.listdir(site) if n != reuse.HIDDEN and not n.startswith(".kept")] == []
        reuse.restore(site)  # the site adapter's first step
        for rel, data in files.items():
            reuse.place_bytes(site / rel, data)
        for rel, data in (mkdocs or {}).items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            with open(site / rel, "wb") as f:  # into the file it finds, as MkDocs writes
                f.write(data)
        reuse.sweep(site)  # before the audit
        if fail:
            rebuilds.forget()


def tree(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_an_unchanged_file_stays_in_place_and_a_changed_one_is_written(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"charts/a.svg": b"<svg>a</svg>", "b.html": b"old page"})
    first = (site / "charts/a.svg").stat()
    rebuild(rebuilds, site, {"charts/a.svg": b"<svg>a</svg>", "b.html": b"new page"})
    now = (site / "charts/a.svg").stat()
    assert (now.st_ino, now.st_mtime_ns, now.st_ctime_ns) == (first.st_ino, first.st_mtime_ns, first.st_ctime_ns)
    assert tree(site) == {"charts/a.svg": b"<svg>a</svg>", "b.html": b"new page"}  # nothing hidden left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert now.st_nlink == 1


def test_what_a_rebuild_does_not_make_again_is_removed_with_the_folders_it_empties(tmp_path):
    """A case deleted or made private: its page, its charts and its folder go, as from a fresh folder."""
    site = tmp_path / "site"
    site.mkdir()
    (site / ".kept-by-someone").write_bytes(b"a dot name: MkDocs neither empties nor writes it")
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"cases/a/index.html": b"a", "cases/b/index.html": b"b", "charts/b.svg": b"<svg/>"},
            mkdocs={"index.html": b"cards a b", "404.html": b"not found", "old/index.html": b"a tag page"})
    rebuild(rebuilds, site, {"cases/a/index.html": b"a"}, mkdocs={"index.html": b"cards a", "404.html": b"not found"})
    assert tree(site) == {"cases/a/index.html": b"a", "index.html": b"cards a", "404.html": b"not found",
                          ".kept-by-someone": b"a dot name: MkDocs neither empties nor writes it"}
    assert sorted(p.name for p in site.iterdir()) == [".kept-by-someone", "404.html", "cases", "index.html"]
    assert [p.name for p in (site / "cases").iterdir()] == ["a"]


def test_a_file_changed_in_the_served_folder_is_written_again(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    path = site / "a.svg"
    st = path.stat()
    with open(path, "r+b") as f:  # same size, time put back: only the change time tells
        f.write(b"<svg>X</svg>")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    assert path.read_bytes() == b"<svg>a</svg>"


def test_after_a_failed_rebuild_nothing_is_linked(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"}, fail=True)  # the folder then shows the error page
    assert rebuilds.files == {}
    (site / "a.svg").write_bytes(b"error page, say")  # what a failed rebuild may leave there
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    assert (site / "a.svg").read_bytes() == b"<svg>a</svg>"
    assert rebuilds.files  # and the next one links again


def test_a_rebuild_stopped_by_an_exception_leaves_nothing_behind_and_keeps_nothing_next(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    try:
        with rebuilds.around(site):  # stopped before the site adapter put the hidden files back
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not any(site.iterdir())  # the hidden last rebuild is gone too
    assert rebuilds.files == {} and reuse.session_for(site) is None


def test_a_folder_whose_files_cannot_be_moved_is_written_whole(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>", "old.html": b"gone next time: MkDocs empties it"})
    real, calls = os.rename, []

    def refuse_the_second(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(16, "Device or resource busy")
        return real(src, dst)

    monkeypatch.setattr(reuse.os, "rename", refuse_the_second)
    rebuild(rebuilds, site, {"a.svg": b"<svg>b</svg>"})
    assert tree(site) == {"a.svg": b"<svg>b</svg>"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_rebuild_that_discards_starts_from_the_folder_mkdocs_emptied(tmp_path):
    """With a hook or another plugin (which may write a file only when it does not find it), the
    last rebuild's files are dropped, not put back: the folder is as MkDocs emptied it."""
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"charts/a.svg": b"<svg>a</svg>"}, mkdocs={"extra/stamp.txt": b"by a hook"})
    with rebuilds.around(site):
        clean_directory(str(site))
        reuse.discard(site)  # the site adapter's first step when pages cannot be kept
        assert [p for p in site.rglob("*")] == []  # nothing found, nothing hidden left
        reuse.place_bytes(site / "charts/a.svg", b"<svg>a</svg>")
        reuse.sweep(site)
    assert tree(site) == {"charts/a.svg": b"<svg>a</svg>"}
