"""casebook.reuse: a staged build links unchanged files from the previous output, never through them."""

from __future__ import annotations

import hashlib
import os

import pytest

from casebook import reuse, store

pytestmark = pytest.mark.usefixtures("own_cache_key")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def publish(tmp_path, files: dict[str, bytes], cache) -> reuse.Session:
    """One staged build of tmp_path/site placing ``files``, published the way casebook.build.publish does."""
    target = tmp_path / "site"
    session, staging = staged_session(tmp_path, cache)
    try:
        for rel, data in files.items():
            reuse.place_bytes(staging / rel, data)
    finally:
        reuse.end(session)
    if target.exists():
        os.rename(target, tmp_path / "old")
        for p in sorted((tmp_path / "old").rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        (tmp_path / "old").rmdir()
    os.rename(staging, target)
    session.save()
    return session


def edit_in_place(path, data: bytes) -> None:
    """What someone editing a published file does to hide it: same inode, size and time."""
    st = path.stat()
    with open(path, "r+b") as f:
        f.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def staged_session(tmp_path, cache) -> tuple[reuse.Session, object]:
    """A session for the next build of tmp_path/site, and its staging folder."""
    staging = tmp_path / ".site.building"
    staging.mkdir()
    return reuse.begin(staging, tmp_path / "site", cache), staging


def test_the_same_bytes_at_the_same_path_are_linked_and_other_bytes_written(tmp_path):
    cache = tmp_path / "cache"
    publish(tmp_path, {"pdf/a.pdf": b"%PDF a", "pdf/b.pdf": b"%PDF b"}, cache)
    first = {n: (tmp_path / "site" / "pdf" / n).stat().st_ino for n in ("a.pdf", "b.pdf")}
    session = publish(tmp_path, {"pdf/a.pdf": b"%PDF a", "pdf/b.pdf": b"%PDF b, edited"}, cache)
    assert (session.linked, session.written) == (1, 1)
    assert (tmp_path / "site" / "pdf" / "a.pdf").stat().st_ino == first["a.pdf"]
    assert (tmp_path / "site" / "pdf" / "b.pdf").read_bytes() == b"%PDF b, edited"


def test_a_file_changed_in_place_with_its_time_put_back_is_written_again(tmp_path):
    cache = tmp_path / "cache"
    publish(tmp_path, {"a.svg": b"<svg>good</svg>"}, cache)
    victim = tmp_path / "site" / "a.svg"
    edit_in_place(victim, b"<svg>evil</svg>")
    session = publish(tmp_path, {"a.svg": b"<svg>good</svg>"}, cache)
    assert session.linked == 0
    assert victim.read_bytes() == b"<svg>good</svg>"


def test_an_edited_record_links_nothing(tmp_path):
    """Whoever changes a published file and writes its new identity into the record cannot sign it."""
    import json

    cache = tmp_path / "cache"
    publish(tmp_path, {"a.svg": b"<svg>good</svg>"}, cache)
    victim = tmp_path / "site" / "a.svg"
    victim.write_bytes(b"<svg>evil</svg>")
    [record] = [p for p in (cache / "published").iterdir() if not p.name.endswith(store.SUFFIX)]
    doc = json.loads(record.read_bytes())
    st = victim.stat()
    doc["files"]["a.svg"][:4] = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    record.write_text(json.dumps(doc))
    session = publish(tmp_path, {"a.svg": b"<svg>good</svg>"}, cache)
    assert session.linked == 0
    assert victim.read_bytes() == b"<svg>good</svg>"


def test_a_path_mkdocs_writes_itself_is_unlinked_first_so_the_previous_file_stays(tmp_path):
    cache = tmp_path / "cache"
    publish(tmp_path, {"assets/x.js": b"one"}, cache)
    target = tmp_path / "site"
    session, staging = staged_session(tmp_path, cache)
    try:
        reuse.place_bytes(staging / "assets" / "x.js", b"one")
        assert session.linked == 1
        session.release(["assets/x.js"])
        assert not (staging / "assets" / "x.js").exists()
        with open(staging / "assets" / "x.js", "wb") as f:  # what MkDocs then does
            f.write(b"two")
        reuse.place_bytes(staging / "assets" / "x.js", b"one")  # released: written, not linked
        assert session.linked == 1
    finally:
        reuse.end(session)
    assert (target / "assets" / "x.js").read_bytes() == b"one"


def test_the_audit_is_told_a_placed_files_digest_and_size_only_while_it_is_the_file_placed(tmp_path):
    staging = tmp_path / "stage"
    staging.mkdir()
    session = reuse.begin(staging, tmp_path / "site", tmp_path / "cache")
    try:
        reuse.place_bytes(staging / "a.html", b"<p>placed</p>")
        assert reuse.known(staging / "a.html") == (sha(b"<p>placed</p>"), len(b"<p>placed</p>"))
        (staging / "a.html").write_bytes(b"<p>changed, a longer text</p>")
        assert reuse.known(staging / "a.html") is None
        (staging / "b.html").write_bytes(b"not placed")
        assert reuse.known(staging / "b.html") is None
    finally:
        reuse.end(session)
    assert reuse.known(staging / "a.html") is None  # no session: nothing is known


def test_a_cached_entry_is_placed_by_its_records_digest_and_a_bad_one_is_refused(tmp_path):
    from casebook.errors import CasebookError

    entry = tmp_path / "cache" / "pdf" / "x.pdf"
    store.write(entry, b"%PDF good")
    assert store.digest(entry) == sha(b"%PDF good")
    staging = tmp_path / "stage"
    staging.mkdir()
    session = reuse.begin(staging, tmp_path / "site", tmp_path / "cache")
    try:
        reuse.place_entry(entry, staging / "pdf" / "x.pdf")
        assert (staging / "pdf" / "x.pdf").read_bytes() == b"%PDF good"
        entry.write_bytes(b"%PDF evil")
        with pytest.raises(CasebookError, match="missing or was changed"):
            reuse.place_entry(entry, staging / "pdf" / "y.pdf")
    finally:
        reuse.end(session)
    assert not (staging / "pdf" / "y.pdf").exists()


def test_a_linked_file_edited_in_place_during_the_build_stops_the_publish(tmp_path):
    """A linked file is also the published site's: edited there after it was placed (time put
    back), the audit is told nothing about it and nothing is published."""
    from casebook.errors import CasebookError

    cache = tmp_path / "cache"
    publish(tmp_path, {"pdf/a.pdf": b"%PDF good"}, cache)
    session, staging = staged_session(tmp_path, cache)
    try:
        reuse.place_bytes(staging / "pdf" / "a.pdf", b"%PDF good")
        assert session.linked == 1
        assert reuse.known(staging / "pdf" / "a.pdf") == (sha(b"%PDF good"), len(b"%PDF good"))
        edit_in_place(tmp_path / "site" / "pdf" / "a.pdf", b"%PDF evil")
        assert reuse.known(staging / "pdf" / "a.pdf") is None  # the audit reads it
        with pytest.raises(CasebookError, match="changed in the site folder during the build"):
            session.check()
    finally:
        reuse.end(session)


def test_nothing_is_linked_when_linking_is_off(tmp_path):
    cache = tmp_path / "cache"
    publish(tmp_path, {"a.svg": b"<svg/>"}, cache)
    target = tmp_path / "site"
    session, staging = staged_session(tmp_path, cache)
    session.linking = False  # another MkDocs plugin may write into what it finds
    try:
        reuse.place_bytes(staging / "a.svg", b"<svg/>")
    finally:
        reuse.end(session)
    assert (session.linked, session.written) == (0, 1)
    assert (staging / "a.svg").stat().st_ino != (target / "a.svg").stat().st_ino


def test_a_file_named_by_its_content_key_is_linked_without_asking_the_cache(tmp_path):
    """A chart image's name says what it holds: the previous site's file of that name, still as
    published, is linked and the cache is not read; anything else comes from the cache."""
    cache = tmp_path / "cache"
    publish(tmp_path, {"charts/k1.svg": b"<svg>one</svg>", "charts/k2.svg": b"<svg>two</svg>"}, cache)
    edit_in_place(tmp_path / "site" / "charts" / "k2.svg", b"<svg>bad</svg>")
    session, staging = staged_session(tmp_path, cache)
    asked = []

    def produce(name: str, data: bytes):
        return lambda: asked.append(name) or data

    try:
        assert reuse.place(staging / "charts" / "k1.svg", produce("k1", b"<svg>one</svg>"), reuse.NAMED)
        assert reuse.place(staging / "charts" / "k2.svg", produce("k2", b"<svg>two</svg>"), reuse.NAMED)
        assert reuse.place(staging / "charts" / "k3.svg", produce("k3", b"<svg>three</svg>"), reuse.NAMED)
        assert not reuse.place(staging / "charts" / "k4.svg", lambda: None, reuse.NAMED)  # in no cache either
    finally:
        reuse.end(session)
    assert asked == ["k2", "k3"]  # k1 linked; k2 changed in place since it was published; k3 new
    assert (session.linked, session.written) == (1, 2)
    assert (staging / "charts" / "k1.svg").stat().st_ino == (tmp_path / "site" / "charts" / "k1.svg").stat().st_ino
    assert (staging / "charts" / "k2.svg").read_bytes() == b"<svg>two</svg>"
    assert not (staging / "charts" / "k4.svg").exists()


def test_a_destination_given_as_a_relative_string_is_the_same_file_as_its_path(tmp_path, monkeypatch):
    """The chart images are placed by string paths (6,300 an edit at 1,000 cases): one relative to
    the working folder is linked, written and recorded exactly as the absolute Path would be."""
    cache = tmp_path / "cache"
    publish(tmp_path, {"charts/k1.svg": b"<svg>one</svg>"}, cache)
    session, staging = staged_session(tmp_path, cache)
    monkeypatch.chdir(tmp_path)
    try:
        assert reuse.place(os.path.join(".site.building", "charts", "k1.svg"), lambda: None, reuse.NAMED)
        assert reuse.place(os.path.join(".site.building", "charts", "k2.svg"), lambda: b"<svg>two</svg>", reuse.NAMED)
        assert reuse.place("elsewhere.svg", lambda: b"<svg>outside</svg>", reuse.NAMED)  # in no staging folder
    finally:
        reuse.end(session)
    assert (session.linked, session.written) == (1, 1)
    assert sorted(session.placed) == ["charts/k1.svg", "charts/k2.svg"]
    assert (staging / "charts" / "k1.svg").stat().st_ino == (tmp_path / "site" / "charts" / "k1.svg").stat().st_ino
    assert (tmp_path / "elsewhere.svg").read_bytes() == b"<svg>outside</svg>"


def test_a_claimed_file_is_recorded_only_while_it_holds_the_bytes_claimed(tmp_path):
    """What MkDocs writes (a page the page cache keeps) may be linked by the next build: only a
    regular file holding the claimed bytes is recorded; other bytes, or a link to a file that
    holds them, are not."""
    cache = tmp_path / "cache"
    target = tmp_path / "site"
    session, staging = staged_session(tmp_path, cache)
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"<p>c</p>")
    try:
        for rel, data in {"a/index.html": b"<p>a</p>", "b/index.html": b"<p>b, changed</p>"}.items():
            (staging / rel).parent.mkdir(parents=True)
            (staging / rel).write_bytes(data)  # as MkDocs writes a page
        (staging / "c").mkdir()
        os.symlink(outside, staging / "c" / "index.html")
        reuse.claim(staging / "a" / "index.html", sha(b"<p>a</p>"))
        reuse.claim(staging / "b" / "index.html", sha(b"<p>b</p>"))
        reuse.claim(staging / "c" / "index.html", sha(b"<p>c</p>"))
        reuse.claim(tmp_path / "elsewhere.html", sha(b"<p>a</p>"))  # not in the staging folder: ignored
    finally:
        reuse.end(session)
    os.rename(staging, target)
    session.save()
    assert set(session.placed_in(target)) == {"a/index.html"}
    nxt, staging = staged_session(tmp_path, cache)
    try:
        assert set(nxt.previous) == {"a/index.html"}
        assert reuse.place(staging / "a" / "index.html", lambda: None, lambda: sha(b"<p>a</p>"))
    finally:
        reuse.end(nxt)
    assert (staging / "a" / "index.html").stat().st_ino == (target / "a" / "index.html").stat().st_ino


def test_a_pipe_planted_at_a_claimed_page_is_passed_over_not_waited_on(tmp_path):
    """Recording what was published reads each claimed page back: a named pipe put there meanwhile
    is not a page (reading it would wait for a writer for ever)."""
    import threading

    cache = tmp_path / "cache"
    session, staging = staged_session(tmp_path, cache)
    try:
        (staging / "a").mkdir()
        (staging / "a" / "index.html").write_bytes(b"<p>a</p>")
        reuse.claim(staging / "a" / "index.html", sha(b"<p>a</p>"))
    finally:
        reuse.end(session)
    os.rename(staging, tmp_path / "site")
    (tmp_path / "site" / "a" / "index.html").unlink()
    os.mkfifo(tmp_path / "site" / "a" / "index.html")
    done: list = []
    reader = threading.Thread(target=lambda: done.append(session.placed_in(tmp_path / "site")), daemon=True)
    reader.start()
    reader.join(10)
    assert done == [{}]
