"""casebook.build.rebuilds: each rebuild of `casebook serve` links from the last one what did not change."""

from __future__ import annotations

import os

from casebook import reuse
from casebook.build.rebuilds import Rebuilds


def rebuild(rebuilds: Rebuilds, site, files: dict[str, bytes], *, fail: bool = False) -> None:
    """One rebuild placing ``files`` into ``site``, as the site adapter places charts and kept pages."""
    linking = bool(rebuilds.files)
    with rebuilds.around(site):
        if linking:  # the last rebuild's folder is moved aside whole (else MkDocs empties it)
            assert not any(site.iterdir())
        for rel, data in files.items():
            reuse.place_bytes(site / rel, data)
        if fail:
            rebuilds.forget()


def test_an_unchanged_file_is_linked_from_the_last_rebuild_and_a_changed_one_written(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"charts/a.svg": b"<svg>a</svg>", "b.html": b"old page"})
    first = (site / "charts/a.svg").stat().st_ino
    rebuild(rebuilds, site, {"charts/a.svg": b"<svg>a</svg>", "b.html": b"new page"})
    assert (site / "charts/a.svg").stat().st_ino == first  # linked, not written again
    assert (site / "charts/a.svg").read_bytes() == b"<svg>a</svg>"
    assert (site / "b.html").read_bytes() == b"new page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the last rebuild's folder is gone
    assert (site / "charts/a.svg").stat().st_nlink == 1


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


def test_a_rebuild_stopped_by_an_exception_leaves_nothing_behind_and_links_nothing_next(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>"})
    try:
        with rebuilds.around(site):
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert rebuilds.files == {} and reuse.session_for(site) is None


def test_a_folder_that_cannot_be_moved_aside_is_written_whole(tmp_path, monkeypatch):
    import casebook.build.rebuilds as rebuilds_module

    site = tmp_path / "site"
    site.mkdir()
    rebuilds = Rebuilds()
    rebuild(rebuilds, site, {"a.svg": b"<svg>a</svg>", "old.html": b"gone next time? MkDocs empties it"})

    def refuse(src, dst):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(rebuilds_module.os, "rename", refuse)
    with rebuilds.around(site):
        reuse.place_bytes(site / "a.svg", b"<svg>b</svg>")
    assert (site / "a.svg").read_bytes() == b"<svg>b</svg>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
