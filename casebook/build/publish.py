"""Publishing a finished build in one atomic step, and cleaning up after killed builds.

A build writes into ``.<name>.building-<pid>`` beside its output folder.
When it succeeds, the new folder takes the old one's place:

* where the platform can swap two paths at once (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``: ext4, xfs, btrfs, tmpfs and most others), one call
  swaps them; ``.<name>.building-<pid>`` then holds the previous output,
  which is removed, or kept where the build says (``staged(..., keep)``:
  `casebook build` stages its next site into it, casebook.reuse).  There is
  no moment without the output folder.
* elsewhere the old folder is renamed to ``.<name>.old-<pid>`` and the new
  one to ``<name>``: two steps.  A kill between them leaves no output folder;
  the next build puts ``.<name>.old-<pid>`` back first (:func:`recover`).

The output stays a real folder (no symlink swap): users and web servers see
the same kind of thing they always saw.

Whatever a killed build left (its staging folder, the previous output after
a swap) carries the build's process id; a later build removes it once that
process is gone.

The top-level entries of the output whose names begin with ``.`` (a
``.git`` checkout to deploy from, ``.well-known/``, ``.nojekyll``) are the
user's: no build writes one (MkDocs skips hidden files and keeps them when it
cleans its site folder).  After the swap they are moved from the previous
output into the new one, and only then is the previous output removed; a
build killed in between leaves them in its leftover folder, and the next
build moves them back into the output before it removes that folder
(:func:`recover`).  One the new output also has stays where it is, with a
warning: nothing of the user's is removed.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from casebook.errors import CasebookError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not locked
    fcntl = None  # type: ignore[assignment]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2 = None  # the libc function, once looked up; False where there is none
log = logging.getLogger("casebook")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (a zombie, dead but not yet reaped, does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return True  # no /proc here: kill() said it exists
    return stat[stat.rfind(b")") + 2:][:1] not in (b"Z", b"X")


def _libc_renameat2():
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes  # deferred: ctypes is heavy and loaded only when this runs

                fn = ctypes.CDLL(None, use_errno=True).renameat2
                fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                fn.restype = ctypes.c_int
                _renameat2 = fn
            except (OSError, AttributeError):  # glibc before 2.28, or no libc to load
                pass
    return _renameat2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the platform or filesystem cannot."""
    fn = _libc_renameat2()
    if not fn:
        return False
    import ctypes  # deferred: ctypes is heavy and loaded only when this runs

    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this filesystem cannot swap: the caller renames twice
    raise OSError(err, os.strerror(err), str(b))


def _leftovers(target: Path):
    """(kind, pid, path) of every staging or previous folder of ``target``'s builds."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(building|old)-(\d+)$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in sorted(names):
        m = pattern.match(name)
        if m:
            yield m.group(1), int(m.group(2)), target.parent / name


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        try:
            path.unlink()
        except OSError:
            pass
    else:
        shutil.rmtree(path, ignore_errors=True)
        if os.path.lexists(path):  # a read-only folder in it, say: said, not silent
            log.warning(f"could not remove all of {path}; the next build tries again")


def _carry_hidden(old: Path, new: Path) -> bool:
    """Move the top-level dot-entries of ``old`` (a previous output) into ``new``.

    One ``new`` also has was written by the build (``exclude_docs: "!.well-known/"``
    publishes one from the pages): the old copy goes with the old output when it
    holds the same files; else it is moved aside, under a name no build removes,
    with a warning.  True when ``old`` may be removed (everything of the user's
    carried or moved aside); False when a rename failed: ``old`` is then kept,
    under such a name, with a warning.
    """
    if old.is_symlink() or not old.is_dir():
        return True
    try:
        names = sorted(name for name in os.listdir(old) if name.startswith("."))
    except OSError:
        return False
    left, aside = [], None
    for name in names:
        try:
            if not os.path.lexists(new / name):
                os.rename(old / name, new / name)
            elif not _same_tree(old / name, new / name):
                aside = aside or _kept_name(new)
                aside.mkdir(exist_ok=True)
                os.rename(old / name, aside / name)
        except OSError:
            left.append(name)
    if aside is not None:
        log.warning(f"kept {aside}: the previous {new.name}'s {', '.join(sorted(os.listdir(aside)))}, which this "
                    f"build wrote anew; move what you need from it and remove it")
    if left:
        kept = _kept_name(new)
        try:
            os.rename(old, kept)
        except OSError:
            kept = old
        log.warning(f"kept {kept}: it holds {', '.join(left)} of the previous {new.name}, which could not be "
                    f"moved into {new}; move what you need from it and remove it")
    return not left


def _same_tree(a: Path, b: Path, most: int = 2_000) -> bool:
    """Whether two files or folders hold the same files with the same bytes (a large tree: not compared, no)."""
    def listing(root: Path):
        if not root.is_dir() or root.is_symlink():
            return [("", root.read_bytes() if root.is_file() else None)]
        out = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                out.append((os.path.relpath(os.path.join(dirpath, name), root), None))
                if len(out) > most:
                    raise OSError(errno.EFBIG, "too many files to compare", str(root))
        return [(rel, (root / rel).read_bytes()) for rel, _ in out]
    try:
        return listing(a) == listing(b)
    except OSError:
        return False


def _kept_name(target: Path) -> Path:
    """A name beside ``target`` that no build removes (not a staging or previous folder's)."""
    for n in range(1, 10_000):
        path = target.with_name(f".{target.name}.kept-{n}")
        if not os.path.lexists(path):
            return path
    raise OSError(errno.EEXIST, "too many kept folders", str(target))


def _retire(old: Path, target: Path, keep: Path | None = None) -> None:
    """Remove the previous output ``old`` once its dot-entries are in ``target``; or, given ``keep``,
    keep it there for the next build to stage into (casebook.reuse), in place of what was there."""
    if _carry_hidden(old, target) and (keep is None or not _keep(old, keep)):
        _remove(old)


def _keep(old: Path, keep: Path) -> bool:
    """``old`` moved to ``keep`` (False where it cannot be: another file system, a link in the way)."""
    try:
        keep.parent.mkdir(parents=True, exist_ok=True)
        if keep.parent.is_symlink() or not keep.parent.is_dir():
            return False
        if os.path.lexists(keep):
            _remove(keep)  # an older one no build staged into (a forced build's)
        os.rename(old, keep)
    except OSError:
        return False
    return True


def recover(target: Path) -> None:
    """Undo what killed builds of ``target`` left: put the previous output back if a
    build died between its two renames, move the dot-entries a previous output
    still holds into ``target``, and remove the folders of builds that no longer run."""
    target = Path(target)
    found = [(kind, pid, path) for kind, pid, path in _leftovers(target)
             if pid == os.getpid() or not pid_alive(pid)]
    if not found:
        return
    if not os.path.lexists(target):
        olds = [path for kind, _pid, path in found if kind == "old"]
        if olds:
            newest = max(olds, key=lambda p: p.lstat().st_mtime)
            os.rename(newest, target)  # the previous output, complete: it was renamed whole
    for _kind, _pid, path in found:
        if os.path.lexists(path):
            _retire(path, target)


@contextmanager
def staged(target: Path, keep: Path | None = None):
    """Yield a fresh staging folder; when the block succeeds, publish it as ``target``.

    On an error, or an interrupt, the staging folder is removed and ``target``
    is left exactly as it was.  Given ``keep``, the previous output is kept
    there after the publish instead of removed (:func:`_retire`).
    """
    target = Path(target).resolve()
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        recover(target)
        _remove(tmp)
        tmp.mkdir()
    except OSError as exc:  # named as the output folder the user asked for
        raise _located(exc, target, tmp) from None
    try:
        yield tmp
    except OSError as exc:
        _remove(tmp)
        raise _located(exc, target, tmp) from None
    except BaseException:
        _remove(tmp)
        raise
    try:
        publish(tmp, target, keep)
    except OSError as exc:
        _remove(tmp)
        raise _located(exc, target) from None


def publish(tmp: Path, target: Path, keep: Path | None = None) -> None:
    """Put the finished folder ``tmp`` in place of ``target``: one step where possible."""
    if os.path.lexists(target):
        if exchange(tmp, target):
            _retire(tmp, target, keep)  # the previous output, now under the staging name
            return
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        _remove(old)
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        _retire(old, target, keep)
    else:
        os.rename(tmp, target)


def _located(exc: OSError, where: Path, staging: Path | None = None) -> OSError:
    """The error with a path to name: the file it was about (as it will be named once
    published, not under the staging folder), else the output folder."""
    if staging is not None:
        for attr in ("filename", "filename2"):
            name = getattr(exc, attr)
            if isinstance(name, str) and Path(name).is_relative_to(staging):
                setattr(exc, attr, str(where / Path(name).relative_to(staging)))
    if exc.filename is not None:
        return exc
    located = OSError(exc.errno, exc.strerror or str(exc), str(where))
    located.__cause__ = exc
    return located


@contextmanager
def writing(cache: Path, outputs: list[Path]):
    """While a build writes these outputs: another build of them (a second terminal, a script run
    twice) stops at once saying so, instead of failing halfway over files the first one moves.
    A lock per output folder in the cache folder (``.writing/``), held until the block ends; where
    none can be taken (a read-only cache, a file system without locks) the build goes on unlocked."""
    held: list[int] = []
    try:
        for out in outputs:
            fd = _writing_lock(Path(cache), Path(out))
            if fd is None:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise CasebookError(f"{out}: another casebook build is writing it now; build again once it has "
                                    f"finished") from None
            except OSError:
                os.close(fd)
                continue
            held.append(fd)
        yield
    finally:
        for fd in held:
            os.close(fd)


def _writing_lock(cache: Path, out: Path) -> int | None:
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    try:
        folder = cache / ".writing"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = hashlib.sha256(str(out).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
