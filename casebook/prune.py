"""Pruning the disk caches of :mod:`casebook.store` at the end of a successful build.

:func:`prune` removes the entries of old versions and those the build did
not use, unless the last build of other outputs sharing the cache (the
private folder, another site folder) used them.  It looks only in the
folders of the caches this process registered (``Cache(root, name,
version)``) under the cache folder, and their subfolders, never in a folder
that is another cache folder (it holds a ``.lock``) or a link: a cache
folder may hold another project's cache folder, or be ``~/.cache``.  Only
entries with a record :class:`~casebook.store.Cache` wrote are removed, and
the temporary files of casebook's atomic write a killed build left there.

Each process using a cache folder holds a shared lock on its ``.lock``;
pruning needs it alone.  Turning a shared lock into an exclusive one that
cannot be had drops the shared one on Linux, so only the holder of the
exclusive ``.prune-lock`` tries, and takes its shared lock back before
letting go of it: no other build can prune in that moment.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from contextlib import suppress
from pathlib import Path
from typing import Iterable

from casebook import store

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, so no pruning
    fcntl = None  # type: ignore[assignment]

# An entry no build of these outputs used goes only once no build has used it for this long either:
# a `casebook build --no-pdf` preview, or a week on another branch, must not throw away every case PDF.
UNUSED_NS = 7 * 86400 * 10**9
# A build (`casebook build`, `mkdocs build`, each rebuild of `casebook serve`) prunes a cache folder at most
# this often for the same outputs, unless a cache's version changed:
# an entry goes only after a week unused, so an hour's delay costs nothing, and the walk over every entry's record
# cost an edit at 1,000 cases 0.5-0.9 s.
BUILD_EVERY_NS = 3600 * 10**9
_TEMP = re.compile(r"\.tmp-[a-z0-9_]{8}\.part\Z")  # store._replace: mkstemp(prefix=".tmp-", suffix=".part")


def prune(root: Path, outputs: Iterable[Path], every_ns: int = 0) -> int:
    """At the end of a successful build of ``outputs``: drop entries of old versions and unused ones.

    In the folders of the caches this process registered under ``root``, an
    entry goes when its version is not the one this process uses for that
    cache, or when this process (its build) neither read nor wrote it, the
    last build of other outputs sharing the cache did not use it either, and
    no build used it for a week (``UNUSED_NS``).
    Returns how many went.  Does nothing when this process never used the
    cache folder or another process is using it now (that build prunes when it ends),
    nor when it pruned for these outputs, with the same cache versions, less than
    ``every_ns`` ago.
    """
    real = os.path.realpath(root)
    held = next((h for name, h in store._held.items() if os.path.realpath(name) == real), None)
    if held is None or fcntl is None:
        return 0
    outs = sorted(str(Path(o).resolve()) for o in outputs)
    stamp = _manifest(Path(real), outs).with_suffix(".pruned")
    versions, last = _versions_under(real), _pruned_with(stamp, time.time_ns() - (every_ns or BUILD_EVERY_NS))
    if every_ns and last is not None and versions.items() <= last.items():
        return 0
    try:
        gate = os.open(os.path.join(real, ".prune-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return 0
    try:
        try:
            fcntl.flock(gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another build is pruning, or trying to: it holds its shared lock again before we can
        try:
            fcntl.flock(held[0], fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another process uses the cache; our shared lock went with the attempt: take it again
            fcntl.flock(held[0], fcntl.LOCK_SH)  # only a holder of the gate (us) takes it exclusively
            return 0
        try:
            removed = _prune(Path(real), held[1], outs)
            # every cache pruned lately, at the version it was pruned at: a build that uses fewer caches skips too
            known = {**(last or {}), **versions}
            store.write_file(stamp, "".join(f"{name} {version}\n" for name, version in sorted(known.items())).encode())
            return removed
        except OSError:  # a cache folder that cannot be pruned costs disk space, never the build
            return 0
        finally:  # "used" stays counted from this process's first use: a later build (casebook serve)
            fcntl.flock(held[0], fcntl.LOCK_SH)  # may take an entry from memory without reading it again
    finally:
        os.close(gate)  # lets go of the gate, with the shared lock held again


def _versions_under(real: str) -> dict[str, str]:
    """The caches this process registered under ``real`` (by their path from it) with their versions."""
    inside = real.rstrip(os.sep) + os.sep
    return {os.path.relpath(os.path.join(base, name), real): version
            for (base, name), version in store._VERSIONS.items() if base == real or base.startswith(inside)}


def _pruned_with(stamp: Path, since_ns: int) -> dict[str, str] | None:
    """The caches and versions the last pruning for these outputs saw, if it was after ``since_ns``."""
    try:
        if stamp.stat().st_mtime_ns < since_ns:
            return None
        return dict(line.rsplit(" ", 1) for line in stamp.read_text("utf-8").splitlines())
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _record_of(record: Path) -> tuple[str, str] | None:
    """(cache name, version) of a record written by :class:`Cache`, else None."""
    try:
        parts = store._read_file(record, 512).decode("ascii").split()
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return (parts[2], parts[3]) if len(parts) == 7 and " ".join(parts[:2]) == store._MAGIC else None


def _manifest(root: Path, outputs: list[str]) -> Path:
    return root / ".used" / (hashlib.sha256("\0".join(outputs).encode()).hexdigest()[:24] + ".txt")


def _kept_by_others(root: Path, own: Path) -> set[str]:
    """Entries the last builds of other outputs used (their outputs still there)."""
    kept: set[str] = set()
    try:
        manifests = sorted((root / ".used").glob("*.txt"))
    except OSError:
        return kept
    for path in manifests:
        if path == own:
            continue
        try:
            outputs, _sep, names = path.read_text("utf-8").partition("\n\n")
        except (OSError, UnicodeDecodeError):
            continue
        if not any(os.path.isdir(o) for o in outputs.splitlines()):
            path.unlink(missing_ok=True)  # those outputs are gone: so is their claim
            path.with_suffix(".pruned").unlink(missing_ok=True)
            continue
        kept.update(names.splitlines())
    return kept


def _folders(root: str) -> Iterable[tuple[str, list[str]]]:
    """(folder, its file names) for the registered cache folders under ``root`` and their subfolders.

    A link is not followed, a folder holding a ``.lock`` is another cache
    folder (another project's, say) unless this process holds it.
    """
    ours = {os.path.realpath(name) for name in store._held}
    stack = sorted((os.path.join(base, name) for base, name in store._VERSIONS
                    if base == root or base.startswith(root.rstrip(os.sep) + os.sep)), reverse=True)
    seen: set[str] = set()
    while stack:
        top = stack.pop()
        if top in seen:
            continue
        seen.add(top)
        try:
            if not stat.S_ISDIR(os.lstat(top).st_mode):
                continue
            with os.scandir(top) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        if top not in ours and any(e.name == ".lock" for e in entries):
            continue
        yield top, [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        stack.extend(e.path for e in reversed(entries) if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))


def _prune(root: Path, start: int, outputs: list[str]) -> int:
    own = _manifest(root, outputs)
    kept, used, removed = _kept_by_others(root, own), [], 0
    base = str(root)
    cut = len(store.SUFFIX)
    for top, files in _folders(base):  # paths as strings: a Path per entry cost a second at 1,000 cases
        current = store._VERSIONS.get((os.path.realpath(os.path.dirname(top)), os.path.basename(top)))
        folder_name = os.path.basename(top)
        prefix = top[len(base):].strip(os.sep).replace(os.sep, "/") + "/" if top != base else ""
        for file in files:
            temp = _TEMP.match(file)
            if not temp and not file.endswith(store.SUFFIX):
                continue  # an entry's own file: its record below says what it is (half the stat calls)
            entry = os.path.join(top, file)
            try:
                st = os.lstat(entry)
            except OSError:
                continue
            if temp and stat.S_ISREG(st.st_mode) and st.st_mtime_ns < start:
                with suppress(FileNotFoundError):
                    os.unlink(entry)  # half a write of a killed build
                removed += 1
                continue
            if not file.endswith(store.SUFFIX):
                continue
            if (current is not None and st.st_mtime_ns >= start
                    and store.used_here.get(entry[:-cut]) == current):
                # Read or written by this process in the version it uses now: used, as its record
                # would say, without reading it (at a thousand cases, tens of thousands of small
                # reads a build).
                used.append(prefix + file[:-cut])
                continue
            found = _record_of(entry)
            if found is None or found[0] != folder_name:
                continue  # not an entry of this API: left alone
            name = prefix + file[:-cut]
            old = current is not None and found[1] != current
            if not old and st.st_mtime_ns >= start:
                used.append(name)
            elif old or (name not in kept and st.st_mtime_ns < start - UNUSED_NS):
                store.remove(Path(entry[:-cut]))
                removed += 1
    store.write_file(own, ("\n".join(outputs) + "\n\n" + "\n".join(used) + "\n").encode("utf-8"))
    return removed
