"""Output files the previous build published, reused instead of written again.

A build stages a whole new output folder and swaps it in
(casebook.build.publish).  Most of its bytes are cached artefacts (case
PDFs, chart images, media, the finished pages an edit does not reach) that
did not change since the last build.  A :class:`Session` places such a file
in the staging folder:

* when the previous output holds a file at the same path, recorded (in a
  signed entry of the cache folder's ``published`` cache, written after the
  last publish) with the same sha256 as the bytes to place, and that file
  still has the identity it had then (casebook.folders), it is hard-linked;
* else the bytes are read from their verified source and written, as before.

The sha256 of a cached artefact comes from its entry's signed record
(:meth:`casebook.store.Cache.digest`): an unchanged file is placed without
reading either copy.  A path MkDocs writes itself is never linked (it
writes into the file it finds: :meth:`Session.release`).  A page MkDocs
writes is claimed with the sha256 of the HTML the page cache keeps
(:func:`claim`); the record holds it when the published file has those
bytes.  The audit takes a placed file's sha256 from here while the file is
still the one placed (:func:`known`).

The staging folder is the folder the last publish retired, where there is
one (:meth:`Session.adopt`): its files whose bytes a record gives (the
published file's other name, or its own as recorded) stay where they are
while they hold the bytes to place; every other file of it is removed
before MkDocs writes, and what the build does not place before the audit
(:meth:`Session.sweep`).  `casebook serve` rebuilds in place
(:func:`begin_in_place`): its staging folder is the folder its last
rebuild wrote, swept the same way.

The record is written after the publish (linking changes a file's change
time), so it holds each file's final identity; a build that fails leaves a
record whose change times no longer match."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Callable, Iterable

from casebook import store
from casebook.errors import CasebookError
from casebook.folders import bring_back, files_in, folder_identity, holding, identity, recorded, remove_file

VERSION = "1"
_sessions: dict[str, "Session"] = {}  # staging folder (absolute path) -> its session
HIDDEN = ".casebook-last-rebuild"  # in place: the last output while MkDocs empties the folder
NAMED = object()  # place()'s digest for a file named by the content key of what it holds


class Session:
    """One staging folder of ``target``: what it placed, and what the previous output offers."""

    def __init__(self, staging: Path, target: Path, cache_root: Path | None):
        self.staging, self.target = Path(os.path.abspath(staging)), Path(os.path.abspath(target))
        self._top = str(self.staging) + os.sep
        self.cache = store.Cache(cache_root, "published", VERSION) if cache_root is not None else None
        self.key = _key(self.target)
        self.record: dict[str, list] = {}  # target's files as recorded, also in a forced build (it retires them)
        self.retired_record, self.retired_folder = {}, None  # the retired folder's files as recorded, and which
        self.previous = self._load()
        self._live = folder_identity(self.target)  # the folder this build's publish retires
        self.retired: str | None = None  # where that folder is kept for the next build (adopt)
        self.spare: dict[str, tuple[str, list]] = {}  # from the retired folder: rel -> (sha256, identity), unplaced
        self._own: dict[str, list] = {}  # the adopted folder's own record
        self._dirs: set[str] = set()  # the adopted folder's folders: those left empty go (sweep)
        self.placed: dict[str, tuple[str, int, int, int, int]] = {}  # rel -> (sha256, inode, size, mtime, ctime)
        self.foreign: set[str] = set()  # paths MkDocs writes itself: never linked
        self.claims: dict[str, str] = {}  # rel -> the sha256 of what MkDocs writes there (a finished page)
        self.linking = True  # False: every file written (another plugin may write into what it finds)
        self.linked = self.written = 0
        self._made: set[str] = set()  # folders of the staging folder known to exist
        self.hidden: str | None = None  # in place: where the last output waits while MkDocs empties the folder
        self.before: dict[str, list] | None = None  # in place: every file the folder held, as restored

    def _load(self) -> dict[str, list]:
        if self.cache is None or not self.target.is_dir():
            return {}
        try:  # any build's: a forced build links nothing, but the record says what the folder it retires holds
            doc = json.loads(self.cache.read(self.key, any_build=True) or b"{}")
            if doc.get("target") != os.path.realpath(self.target):
                return {}
            self.record = recorded(doc.get("files"))
            retired = doc.get("retired") or {}
            self.retired_record, self.retired_folder = recorded(retired.get("files")), retired.get("folder")
        except (ValueError, AttributeError):
            return {}
        return {} if store.forced() else self.record

    def adopt(self, retired: Path) -> None:
        """Stage into the folder the last publish retired (casebook.build.publish keeps it at ``retired``):
        hidden inside the staging folder while MkDocs empties that, then sorted (:meth:`restore`).  Not
        in a forced build, which takes no file as it is: the folder is replaced after the publish."""
        self.retired = os.path.abspath(retired)
        if store.forced() or not self.previous:
            return
        st = folder_identity(Path(self.retired))
        hidden = os.path.join(self.staging, HIDDEN)
        try:
            if st is None or os.listdir(self.staging):
                return
            os.rename(self.retired, hidden)
        except OSError:
            return
        self.hidden = hidden
        self._own = self.retired_record if self.retired_folder == st else {}

    def _rel(self, dest: Path | str) -> str | None:
        return self._rel_of(os.path.abspath(dest))

    def _rel_of(self, where: str) -> str | None:
        top = self._top
        return where[len(top):].replace(os.sep, "/") if where.startswith(top) and len(where) > len(top) else None

    # Paths are strings from here on, made absolute once (place()): an edit at 1,000 cases places 6,300
    # files, and making Path objects and absolute paths again for each took more than its three system calls.
    def place(self, dest: Path | str, digest: Callable[[], str | None] | object,
              produce: Callable[[], bytes | None]) -> bool:
        """Put a file at ``dest``: linked from the previous output when that holds these very
        bytes (the sha256 ``digest()`` gives, asked only when the previous output has a file at
        that path; NAMED: whatever that file holds, the name saying what), else ``produce()``'s
        bytes written.  False when there are none."""
        where = os.path.abspath(dest)
        rel = self._rel_of(where)
        if self.spare and rel in self.spare and self._from_retired(rel, where, digest):
            return True
        old = self.previous.get(rel) if rel is not None and self.linking and rel not in self.foreign else None
        if old is not None and (digest is NAMED or old[4] == digest()) and self._link(rel, where, old):
            self.linked += 1
            return True
        data = produce()
        if data is None:
            return False
        store.write_file(Path(where), data)
        if rel is not None and rel not in self.foreign:
            self.placed[rel] = (hashlib.sha256(data).hexdigest(), *identity(os.lstat(where)))
            self.written += 1
        return True

    def _from_retired(self, rel: str, where: str, digest) -> bool:
        """The retired folder's file at ``rel`` stays when it holds the bytes wanted; else it goes now,
        before anything is written there."""
        held_digest, held = self.spare.pop(rel)
        if self.linking and rel not in self.foreign and (digest is NAMED or digest() == held_digest):
            self.placed[rel] = (held_digest, *held)
            return True
        remove_file(where)
        return False

    def _link(self, rel: str, dest: str, old: list) -> bool:
        src = os.path.join(self.target, rel)  # strings: thousands of links a build
        try:
            st = os.lstat(src)
            if not stat.S_ISREG(st.st_mode) or identity(st) != old[:4]:
                return False  # changed, replaced or touched since it was published
            if self.staging == self.target:  # in place (serve): the file is already where it goes
                self.placed[rel] = (old[4], *old[:4])
                return True
            self._folder(os.path.dirname(dest))
            try:
                os.link(src, dest, follow_symlinks=False)
            except FileExistsError:  # placed before in this build: replaced
                os.unlink(dest)
                os.link(src, dest, follow_symlinks=False)
            now = os.lstat(dest)
            if (now.st_ino, now.st_size, now.st_mtime_ns) != (st.st_ino, st.st_size, st.st_mtime_ns):
                os.unlink(dest)  # replaced in that very moment: written instead
                return False
        except OSError:  # another file system, one without links, a file gone: written instead
            return False
        self.placed[rel] = (old[4], *identity(now))  # the change time this link gave it
        return True

    def _folder(self, folder: str) -> None:
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def release(self, paths: Iterable[str]) -> None:
        """Paths (relative, as MkDocs' ``dest_uri``) MkDocs will write itself: it opens the
        file it finds there, so a link placed at one is removed first, and none is made."""
        self.foreign.update(paths)
        for rel in self.foreign & self.spare.keys():  # the retired folder's: maybe the published file's other name
            del self.spare[rel]
            remove_file(os.path.join(self.staging, rel))
        for rel in self.foreign & set(self.placed):
            with_link = self.placed.pop(rel)
            try:
                if os.lstat(self.staging / rel).st_ino == with_link[1]:
                    os.unlink(self.staging / rel)
            except OSError:
                pass

    def known(self, path: Path) -> tuple[str, int] | None:
        """The sha256 and size of a placed file, while it is still the file placed (its change time too)."""
        rel = self._rel(path)
        digest = self._known(rel, path) if rel is not None else None
        return (digest, self.placed[rel][2]) if digest is not None else None

    def _known(self, rel: str, path: str | Path) -> str | None:
        placed = self.placed.get(rel)
        if placed is None:
            return None
        try:
            st = os.lstat(path)
        except OSError:
            return None
        return placed[0] if identity(st) == list(placed[1:]) else None

    def check(self) -> None:
        """Before the publish: every placed file is still the file placed (a linked one is also the
        previous site's, which someone may edit in place during the build); else nothing is published."""
        top = self._top
        for rel in self.placed:
            if self._known(rel, top + rel) is None:
                raise CasebookError(f"{rel} changed in the site folder during the build (it is linked "
                                    f"to the published site's file); nothing was published; build again")

    def save(self) -> None:
        """After the publish (the staged folder is now ``target``): record the placed files."""
        if self.cache is None:
            return
        doc = {"target": os.path.realpath(self.target), "files": self.placed_in(self.target)}
        retired = folder_identity(Path(self.retired)) if self.retired is not None else None
        if retired is not None and retired == self._live:  # the previous output, kept for the next build
            # less what is the very file published now (the next build knows it by the published record)
            placed = self.placed
            own = {rel: v for rel, v in self.record.items() if rel not in placed or placed[rel][1] != v[0]}
            doc["retired"] = {"folder": retired, "files": own}
        self.cache.write_quietly(self.key, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode())

    # -- in place (`casebook serve`'s rebuilds) --------------------------------
    def hide(self) -> bool:
        """Move the folder's files into a hidden folder inside it, which MkDocs leaves when it
        empties the folder (it never writes nor removes a name starting with a dot)."""
        top = str(self.staging)
        hidden = os.path.join(top, HIDDEN)
        moved: list[str] = []
        try:
            os.mkdir(hidden, 0o700)
            for name in os.listdir(top):
                if not name.startswith("."):
                    os.rename(os.path.join(top, name), os.path.join(hidden, name))
                    moved.append(name)
        except OSError:  # written whole, as on a first build
            for name in moved:
                try:
                    os.rename(os.path.join(hidden, name), os.path.join(top, name))
                except OSError:
                    pass
            self._drop_hidden(hidden)
            self.previous = {}
            return False
        self.hidden = hidden
        return True

    def restore(self) -> None:
        """Before anything is placed: the hidden files back where they were, each noted as it is
        (what this build neither places nor writes is removed by :meth:`sweep`)."""
        hidden, self.hidden = self.hidden, None
        if hidden is None:
            return
        top = str(self.staging)
        if self.retired is not None:  # the retired folder: only files whose bytes are known come back
            self._sort_retired(hidden, top)
            return
        try:
            for name in os.listdir(hidden):
                os.rename(os.path.join(hidden, name), os.path.join(top, name))
        except OSError:
            self.previous = {}  # what did not come back is written again; what did is swept as stale
        self._drop_hidden(hidden)
        self.before = files_in(top)

    def _sort_retired(self, hidden: str, top: str) -> None:
        """The retired folder's files whose bytes a signed record gives (the published file's other name,
        or the folder's own file as it recorded it) back in their places, noted in ``spare``; every other
        file of it removed first, so nothing is written through into the published site's file
        (casebook.folders.bring_back), and nothing stale is left (:meth:`sweep`: what is not placed)."""
        back = bring_back(hidden, top, self.previous, self._own)
        self._drop_hidden(hidden)
        if back is not None:
            self.spare, folders = back
            self._made.update(os.path.join(top, f) for f in folders if f)
            self._dirs = set(folders) - {""}

    def discard(self) -> None:
        """Instead of :meth:`restore`: the hidden files dropped, the folder left as MkDocs emptied
        it (a build another plugin or hook also writes into: it may write a file only when it
        does not find it, or add to one it finds), and nothing for :meth:`sweep` to remove."""
        hidden, self.hidden = self.hidden, None
        self.previous = {}
        if hidden is not None:
            self._drop_hidden(hidden)

    def sweep(self) -> None:
        """After the site is written, before it is checked: every file of the last output this
        build did not place and MkDocs did not write again (unchanged since restored) is removed,
        and with it any folder that leaves empty, as a fresh folder would not hold them.  So do the
        retired folder's files this build did not place (:meth:`adopt`), and its folders left empty."""
        top = str(self.staging)
        spare, self.spare = self.spare, {}
        emptied, self._dirs = self._dirs, set()
        for rel in spare:
            remove_file(os.path.join(top, rel))
            emptied.add(os.path.dirname(rel))
        before, self.before = self.before, None
        for rel, held in files_in(top).items() if before else ():
            if rel not in self.placed and before.get(rel) == held:
                try:
                    os.unlink(os.path.join(top, rel))
                except FileNotFoundError:
                    continue
                emptied.add(os.path.dirname(rel))
        for folder in sorted(emptied, key=len, reverse=True):
            while folder:
                try:
                    os.rmdir(os.path.join(top, folder))
                except OSError:  # not empty
                    break
                folder = os.path.dirname(folder)

    def settle(self) -> None:
        """A staged build's, once MkDocs is done, before the audit: nothing of the retired folder is left
        that the build did not place, even had the site adapter not run."""
        if self.hidden is not None:
            self._drop_hidden(self.hidden)
            self.hidden = None
        self.sweep()

    @staticmethod
    def _drop_hidden(hidden: str) -> None:
        shutil.rmtree(hidden, ignore_errors=True)

    def claim(self, dest: Path | str, digest: str) -> None:
        """MkDocs writes the bytes whose sha256 is ``digest`` at ``dest`` (a page it renders, kept in
        the page cache): once published, the file may be linked by the next build like a placed
        one (:meth:`placed_in` reads it to make sure)."""
        rel = self._rel(dest)
        if rel is not None and rel not in self.placed:
            self.claims[rel] = digest

    def placed_in(self, folder: Path) -> dict[str, list]:
        """The placed files as ``folder`` holds them now, with their identities there: what a next
        session may link (linking or unlinking a file's other name changes its change time, so this
        is asked after the publish).  A claimed file is among them when it holds
        the bytes claimed, read and hashed here."""
        files = {}
        for rel, (digest, ino, size, mtime, _ctime) in sorted(self.placed.items()):
            try:
                st = os.lstat(os.path.join(folder, rel))  # a string each: thousands of files
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and (st.st_ino, st.st_size, st.st_mtime_ns) == (ino, size, mtime):
                files[rel] = identity(st) + [digest]
        for rel, digest in sorted(self.claims.items()):
            if rel not in files:
                held = holding(os.path.join(folder, rel), digest)
                if held is not None:
                    files[rel] = held + [digest]
        return files


def begin(staging: Path, target: Path, cache_root: Path | None, retired: Path | None = None) -> Session:
    """Files placed under ``staging`` (the next ``target``) may come from ``target`` as it is, or
    stay where they are in the folder the last publish retired, kept at ``retired`` (:meth:`Session.adopt`)."""
    session = Session(staging, target, cache_root)
    _sessions[session._top] = session
    if retired is not None:
        session.adopt(retired)
    return session


def retired_for(cache_root: Path, target: Path) -> Path:
    """Where the output folder a publish of ``target`` retires is kept for the next build to stage into."""
    return Path(cache_root) / ".retired" / _key(target)


def pending(site: Path | str) -> frozenset[str]:
    """The retired folder's files a staged build has not placed yet (swept before the audit)."""
    session = session_for(site) if _sessions else None
    return frozenset(session.spare) if session is not None else frozenset()


def _key(target: Path) -> str:
    return store.content_key("published", os.path.realpath(target))[:40]


def begin_in_place(site: Path, files: dict[str, list]) -> Session:
    """`casebook serve`'s rebuild into the folder its last rebuild wrote: ``files`` (that
    session's :meth:`Session.placed_in`) stay where they are while they hold the same bytes.
    The folder's files are hidden from MkDocs' emptying now, put back (:func:`restore`) before
    anything is placed, and what this rebuild does not make again is removed (:func:`sweep`)."""
    session = begin(site, site, None)
    session.previous = dict(files)
    if session.previous:
        session.hide()
    return session


def restore(site: Path) -> None:
    session = session_for(site)
    if session is not None:
        session.restore()


def discard(site: Path) -> None:
    session = session_for(site)
    if session is not None:
        session.discard()


def sweep(site: Path) -> None:
    session = session_for(site)
    if session is not None:
        session.sweep()


def end(session: Session) -> None:
    _sessions.pop(session._top, None)
    if session.hidden is not None:  # the rebuild stopped before anything was placed
        session._drop_hidden(session.hidden)
        session.hidden = None


def session_for(path: Path | str) -> Session | None:
    """The session of the staging folder ``path`` is in (None: not a staged build's output)."""
    return _session_at(os.path.abspath(path) + os.sep) if _sessions else None


def _session_at(where: str) -> Session | None:
    """The session whose staging folder holds the absolute path ``where`` (a folder's ends with a separator)."""
    for top, session in _sessions.items():
        if where.startswith(top):
            return session
    return None


def place(dest: Path, produce: Callable[[], bytes | None], digest: Callable[[], str | None] | object) -> bool:
    """A file at ``dest``: in a staged build, linked from the previous output when that holds
    the bytes whose sha256 ``digest()`` gives; else ``produce()``'s bytes written.  False when
    there are none.  ``digest`` is asked only where the previous output has a file at that path.

    ``digest`` NAMED: the file's name is the content key of everything its bytes are made from
    (a chart image: its spec, locale, fonts and renderer versions), so the file the previous
    output published under that very path (signed record, unchanged since) is taken as it is,
    without asking the cache for its entry's record (5,300 records read per edit at 1,000
    cases).  The cache is read only when the previous output does not hold it.
    """
    where = os.path.abspath(dest)
    session = _session_at(where)  # a file in a staging folder: below its top
    if session is not None:
        return session.place(where, digest, produce)
    data = produce()
    if data is None:
        return False
    store.write_file(dest, data)
    return True


def place_entry(src: Path, dest: Path) -> None:
    """A cached artefact (the casebook.store entry ``src``) at ``dest``: linked from the
    previous output when that holds the same bytes, else its verified bytes copied."""
    if not place(dest, lambda: store.read(src), lambda: store.digest(src)):
        store.copy_verified(src, dest)  # says what is wrong


def place_bytes(dest: Path, data: bytes) -> None:
    """Bytes at ``dest``: linked from the previous output when that holds the same."""
    place(dest, lambda: data, lambda: hashlib.sha256(data).hexdigest())


def claim(dest: Path | str, digest: str) -> None:
    """MkDocs writes the bytes whose sha256 is ``digest`` at ``dest`` (in a staged build:
    :meth:`Session.claim`; elsewhere nothing)."""
    session = session_for(dest) if _sessions else None
    if session is not None:
        session.claim(dest, digest)


def known(path: Path) -> tuple[str, int] | None:
    """The sha256 and size of a file a staged build placed, while it is still the file placed (the
    audit lists every file of a site: its own stat of each, 9,241 at 1,000 cases, was a third of that)."""
    session = session_for(path) if _sessions else None
    return session.known(path) if session is not None else None
