"""What `casebook serve` watches with: the file system's own change events where it sends them.

MkDocs' server polls every watched file twice a second (watchdog's
``PollingObserver``).  At 1,000 cases that is a snapshot of some 1,000 case
files every half second, in a thread of the server's process: it holds
Python's lock against the rebuild it triggered, and a save waits up to
half a second before it is even seen.  :class:`Watcher` takes its place:

* on Linux, a folder on a local file system (ext4, xfs, btrfs, tmpfs,
  overlay...) is watched through inotify: a save is seen at once, and
  nothing runs while nothing changes;
* everywhere else (network and virtual-machine shares such as NFS, SMB,
  9p or WSL's drives, FUSE, other systems), for a folder holding a
  symbolic link or another mounted file system (inotify does not see
  behind them), and where inotify cannot be started (its watch limit
  reached), it is polled as MkDocs polls it.

Only changes count: inotify also reports a file opened or closed unwritten,
which the build itself does to every case it reads, and which would start
a rebuild after every rebuild.  A single watched file (``mkdocs.yml``, the
profile) is watched through its folder by watchdog, so a save that
replaces the file (an editor writing a copy, then renaming it) is seen
every time, not only the first.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import suppress
from typing import Any

log = logging.getLogger("casebook.serve")

# file systems whose inotify events report every change made on this machine
LOCAL_FILE_SYSTEMS = frozenset({
    "ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "nilfs2", "reiserfs", "zfs",
    "tmpfs", "ramfs", "overlay",
})


def _unescape(field: str) -> str:
    """A path of /proc/self/mountinfo, where space, tab, newline and backslash are octal escapes."""
    for code in ("\\040", "\\011", "\\012", "\\134"):
        field = field.replace(code, chr(int(code[1:], 8)))
    return field


def file_system(path: str, mountinfo: str = "/proc/self/mountinfo") -> str | None:
    """The type of the file system ``path`` is on (Linux), by the longest mount point it is under."""
    target = os.path.realpath(path)
    best, kind = "", None
    try:
        with open(mountinfo, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split(" ")
        if "-" not in fields[6:]:
            continue
        point = _unescape(fields[4])
        fs = fields[fields.index("-", 6) + 1]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fs
    return kind


def sends_events(path: str) -> bool:
    """Whether changes under ``path`` reach inotify (Linux, a local file system)."""
    return sys.platform.startswith("linux") and file_system(path) in LOCAL_FILE_SYSTEMS


def plain_tree(path: str) -> bool:
    """No symbolic link at or under ``path``, and no other file system mounted under it.

    inotify watches the folders themselves: a change behind a link (a
    linked media folder, a case file linked from elsewhere) or on a file
    system mounted inside reaches it not, where polling, which follows
    links, saw it.
    """
    if os.path.islink(path):
        return False
    try:
        device = os.stat(path).st_dev
    except OSError:
        return False
    if not os.path.isdir(path):
        return True
    folders = [path]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        return False
                    if entry.is_dir(follow_symlinks=False):
                        if entry.stat(follow_symlinks=False).st_dev != device:
                            return False
                        folders.append(entry.path)
        except OSError:
            continue  # a folder gone or unreadable meanwhile: polling would not see into it either
    return True


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _changes() -> list[type]:
    from watchdog import events  # deferred: watchdog is loaded by MkDocs' server, only when serving

    return [events.FileCreatedEvent, events.FileModifiedEvent, events.FileMovedEvent, events.FileDeletedEvent,
            events.FileAttribEvent, events.DirMovedEvent, events.DirDeletedEvent]  # attrib: `touch` to rebuild


class _FoldersAsFiles:
    """MkDocs' handler, told of a folder moved or removed as of a file.

    MkDocs counts only files' events.  A folder moved out of a watched one
    (a media folder dragged elsewhere) is one event of the folder's under
    inotify, where polling reported each file that went with it.  The
    watched folder itself removed or moved away marks its watch lost: the
    name check watches the path again once it is back, even as a new folder
    with the old one's inode number (a folder removed and made again at once).
    """

    def __init__(self, handler: Any, one: "_Watch") -> None:
        self.handler, self.one = handler, one

    def dispatch(self, event: Any) -> None:
        if event.is_directory:
            from watchdog.events import FileDeletedEvent  # deferred: as above

            if os.path.abspath(event.src_path) == os.path.abspath(self.one.path):
                self.one.identity = None  # lost
            event = FileDeletedEvent(event.src_path)
        self.handler.dispatch(event)


class _Watch:
    """One scheduled path: who is told, where it is watched, and which folder it was when scheduled."""

    def __init__(self, handler: Any, path: str, recursive: bool) -> None:
        self.handler, self.path, self.recursive = handler, path, recursive
        # a single file is watched through its folder (watchdog): an editor's save gives it a new inode
        # every time, which is no reason to watch it anew, nor a second change
        self.folder = os.path.isdir(path)
        self.observer: Any = None
        self.watch: Any = None
        self.identity = _identity(path)


class Watcher:
    """An observer for MkDocs' LiveReloadServer: native events where they work, polling elsewhere.

    It has the observer methods the server calls: ``schedule``,
    ``unschedule``, ``start``, ``stop``, ``join``.  A path watched through
    inotify that is replaced (a folder renamed away and another renamed
    into its place) is watched again: inotify follows the folder, not the
    name; a thread checks the names once a second.
    """

    CHECK_SECONDS = 1.0

    def __init__(self, polling_interval: float = 0.5) -> None:
        from watchdog.observers.polling import PollingObserver  # deferred: as above

        self.native = None
        if sys.platform.startswith("linux"):
            from watchdog.observers.inotify import InotifyObserver  # deferred: as above, and Linux's only

            self.native = InotifyObserver()
        self.polling = PollingObserver(timeout=polling_interval)
        self._watches: list[_Watch] = []
        self._stopped = threading.Event()
        self._checker: threading.Thread | None = None

    def schedule(self, handler: Any, path: str, recursive: bool = False) -> _Watch:
        one = _Watch(handler, path, recursive)
        self._place(one)
        self._watches.append(one)
        return one

    def _place(self, one: _Watch) -> None:
        if self.native is not None and sends_events(one.path) and plain_tree(one.path):
            try:  # (a server already watching starts the new watch at once: inotify's limits may refuse it)
                one.watch = self.native.schedule(_FoldersAsFiles(one.handler, one), one.path, recursive=one.recursive,
                                                 event_filter=_changes())
                one.observer = self.native
                return
            except OSError as exc:
                log.warning("casebook: changes in %s are polled (%s)", one.path, exc)
        one.observer, one.watch = self.polling, self.polling.schedule(one.handler, one.path, recursive=one.recursive)

    def unschedule(self, one: _Watch) -> None:
        if one in self._watches:
            self._watches.remove(one)
        with suppress(KeyError):
            one.observer.unschedule(one.watch)

    def start(self) -> None:
        native = [one for one in self._watches if one.observer is self.native and self.native is not None]
        if native:
            try:
                self.native.start()
            except OSError as exc:  # inotify's limits (watches, instances): those folders are polled
                log.warning("casebook: file changes are polled (%s); raise fs.inotify.max_user_watches to have "
                            "them reported at once", exc)
                with suppress(Exception):  # the emitters that did start, stopped
                    self.native.unschedule_all()
                self.native = None
                for one in native:
                    self._place(one)
            else:
                self._checker = threading.Thread(target=self._check_names, name="casebook-watch-names", daemon=True)
                self._checker.start()
        self.polling.start()

    def _check_names(self) -> None:
        while not self._stopped.wait(self.CHECK_SECONDS):
            self.check_names()

    def check_names(self) -> None:
        """A watched folder that is now another folder is watched anew, and that is a change (every second)."""
        from watchdog.events import FileDeletedEvent  # deferred: as above

        for one in list(self._watches):
            if one.observer is self.polling or self.native is None or not one.folder:  # polling sees it itself
                continue
            now = _identity(one.path)
            if now == one.identity:
                continue
            one.identity = now
            if one.observer is not None:
                with suppress(KeyError):
                    one.observer.unschedule(one.watch)
                one.observer = one.watch = None  # gone: watched again when it is back
            if now is not None:
                try:
                    self._place(one)
                except OSError as exc:  # gone again meanwhile: the next check sees it back
                    log.warning("casebook: %s is not watched (%s)", one.path, exc)
                    one.identity = None
            one.handler.dispatch(FileDeletedEvent(one.path))

    def stop(self) -> None:
        self._stopped.set()
        for observer in (self.native, self.polling):
            if observer is not None and observer.is_alive():
                observer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self._checker is not None:
            self._checker.join(timeout)
        for observer in (self.native, self.polling):
            if observer is not None and observer.is_alive():
                observer.join(timeout)
