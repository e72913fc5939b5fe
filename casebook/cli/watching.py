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
  9p or WSL's drives, FUSE, other systems), and where inotify cannot be
  started (its watch limit reached), it is polled as MkDocs polls it.

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


def _changes() -> list[type]:
    from watchdog import events  # deferred: watchdog is loaded by MkDocs' server, only when serving

    return [events.FileCreatedEvent, events.FileModifiedEvent, events.FileMovedEvent, events.FileDeletedEvent,
            events.DirMovedEvent, events.DirDeletedEvent]


class _FoldersAsFiles:
    """MkDocs' handler, told of a folder moved or removed as of a file.

    MkDocs counts only files' events.  A folder moved out of a watched one
    (a media folder dragged elsewhere) is one event of the folder's under
    inotify, where polling reported each file that went with it.
    """

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def dispatch(self, event: Any) -> None:
        if event.is_directory:
            from watchdog.events import FileDeletedEvent  # deferred: as above

            event = FileDeletedEvent(event.src_path)
        self.handler.dispatch(event)


class Watcher:
    """An observer for MkDocs' LiveReloadServer: native events where they work, polling elsewhere.

    It has the observer methods the server calls: ``schedule``,
    ``unschedule``, ``start``, ``stop``, ``join``.
    """

    def __init__(self, polling_interval: float = 0.5) -> None:
        from watchdog.observers.polling import PollingObserver  # deferred: as above

        self.native = None
        if sys.platform.startswith("linux"):
            from watchdog.observers.inotify import InotifyObserver  # deferred: as above, and Linux's only

            self.native = InotifyObserver()
        self.polling = PollingObserver(timeout=polling_interval)
        self._native_watches: list[tuple[Any, str, bool]] = []

    def schedule(self, handler: Any, path: str, recursive: bool = False) -> tuple[Any, Any]:
        if self.native is not None and os.path.exists(path) and sends_events(path):
            try:  # (a server already watching starts the new watch at once: inotify's limits may refuse it)
                watch = self.native.schedule(_FoldersAsFiles(handler), path, recursive=recursive,
                                             event_filter=_changes())
            except OSError as exc:
                log.warning("casebook: changes in %s are polled (%s)", path, exc)
            else:
                self._native_watches.append((handler, path, recursive))
                return self.native, watch
        return self.polling, self.polling.schedule(handler, path, recursive=recursive)

    def unschedule(self, ref: tuple[Any, Any]) -> None:
        observer, watch = ref
        observer.unschedule(watch)

    def start(self) -> None:
        if self.native is not None and self._native_watches:
            try:
                self.native.start()
            except OSError as exc:  # inotify's limits (watches, instances): those folders are polled
                log.warning("casebook: file changes are polled (%s); raise fs.inotify.max_user_watches to have "
                            "them reported at once", exc)
                with suppress(Exception):  # the emitters that did start, stopped
                    self.native.unschedule_all()
                self.native = None
                for handler, path, recursive in self._native_watches:
                    self.polling.schedule(handler, path, recursive=recursive)
        self.polling.start()

    def stop(self) -> None:
        for observer in (self.native, self.polling):
            if observer is not None and observer.is_alive():
                observer.stop()

    def join(self, timeout: float | None = None) -> None:
        for observer in (self.native, self.polling):
            if observer is not None and observer.is_alive():
                observer.join(timeout)
