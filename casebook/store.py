"""Cached artefacts, written whole and read back only when they are what was written.

Everything a build keeps in its cache folder (case pages, chart specs and
SVGs, case PDFs and the portfolio's parts, re-encoded media, the leak
audit's verdicts and PDF texts) goes through :func:`write` and comes back
through :func:`read`.  Beside each artefact ``NAME`` lies ``NAME.sig``: the
sha256 of the artefact's bytes, signed (HMAC-SHA256) with the user's own key
(``$XDG_CACHE_HOME/casebook/cache-key``, the one :mod:`casebook.loadcache`
signs with) together with the artefact's folder and name.  Whoever can edit
the cache folder but cannot read that key cannot make an entry casebook
will use: a changed, truncated, swapped or unsigned artefact, or one moved
to another name, reads as missing, is made again and overwritten.  A miss
costs time, never the build.

``casebook build --force`` builds inside :func:`fresh`: a read then accepts
only what this very build wrote (each record names the build that signed
it), so no output of an earlier build is used, while the artefacts the
build hands from its workers to the publishing step still flow through the
cache.

Without a key that can be kept (no writable home), a key made for this
process is used: the cache then serves one build only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

SUFFIX = ".sig"
_MAGIC = "casebook-cache 1"
_PROCESS_KEY = os.urandom(32)  # made at import, so forked workers share it
_generation = "-"  # "-": any build's entries are good; else only those this build signed


def key() -> bytes:
    from .loadcache import _key

    return _key() or _PROCESS_KEY


def sidecar(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + SUFFIX)


def _name(path: Path) -> str:
    path = Path(path)
    return f"{path.parent.name}/{path.name}"


def seal(secret: bytes, path: Path, data: bytes, generation: str = "-") -> str:
    """The record of ``data`` kept as ``path``: its hash, signed with ``secret``."""
    digest = hashlib.sha256(data).hexdigest()
    mac = hmac.new(secret, f"{_MAGIC}\0{_name(path)}\0{generation}\0{digest}".encode("utf-8"), "sha256").hexdigest()
    return f"{_MAGIC} {generation} {digest} {mac}\n"


def _good(path: Path, data: bytes, record: str) -> bool:
    parts = record.split()
    if len(parts) != 5 or " ".join(parts[:2]) != _MAGIC:
        return False
    generation = parts[2]
    if _generation != "-" and generation != _generation:
        return False  # written before this forced build
    return hmac.compare_digest(record, seal(key(), path, data, generation))


def _read_file(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes; a link, pipe or device planted in the cache is an OSError, not a hang."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return f.read(limit) if limit is not None else f.read()


def read(path: Path) -> bytes | None:
    """The artefact's bytes when its signed record vouches for them, else None (a miss)."""
    path = Path(path)
    try:
        record = _read_file(sidecar(path), 512).decode("ascii")
        data = _read_file(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if _good(path, data, record) else None


def read_text(path: Path) -> str | None:
    data = read(path)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def valid(path: Path) -> bool:
    return read(path) is not None


def _file_mode() -> int:
    """What open() would give a new file: 0o666 less the umask (mkstemp gives 0o600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)  # atomic: a reader never sees half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(path: Path, data: bytes) -> None:
    """Keep ``data`` as ``path`` with its signed record; OSError when the disk refuses."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data)
    # a reader between the two renames sees a record that does not match: a miss
    _replace(sidecar(path), seal(key(), path, data, _generation).encode("ascii"))


def write_quietly(path: Path, data: bytes) -> bool:
    """write(), where a cache that cannot be written only costs time."""
    try:
        write(path, data)
        return True
    except OSError:
        return False


def touch(path: Path) -> None:
    """Mark an entry (and its record) as used now, so pruning keeps it."""
    for p in (Path(path), sidecar(path)):
        try:
            os.utime(p)
        except OSError:
            pass


def remove(path: Path) -> None:
    for p in (Path(path), sidecar(path)):
        try:
            p.unlink()
        except OSError:
            pass


def is_record(path: Path) -> bool:
    return Path(path).name.endswith(SUFFIX)


@contextmanager
def fresh(on: bool = True):
    """Within: read only what this build writes (``--force``); forked workers inherit it."""
    global _generation
    before = _generation
    if on:
        _generation = os.urandom(12).hex()
    try:
        yield
    finally:
        _generation = before
