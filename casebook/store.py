"""Cached artefacts, written whole and read back only when they are what was written.

Everything a build keeps in its cache folder (case pages, chart specs and
SVGs, case PDFs and the portfolio's parts, re-encoded media, the leak
audit's verdicts and PDF texts) goes through :func:`write` and comes back
through :func:`read`.  Beside each artefact ``NAME`` lies ``NAME.sig``: the
sha256 of the artefact's bytes, signed (HMAC-SHA256) with the user's own key
(``$XDG_CACHE_HOME/casebook/cache-key``, the one :mod:`casebook.load.cache`
signs its entries with, :func:`user_key`) together with the artefact's folder and name.  Whoever can edit
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

import atexit
import hashlib
import hmac
import logging
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable

from casebook.errors import CasebookError, display_path
from casebook.settings import PACKAGE_DIR, theme_dir

SUFFIX = ".sig"
_MAGIC = "casebook-cache 1"
_PROCESS_KEY = os.urandom(32)  # made at import, so forked workers share it
_generation = "-"  # "-": any build's entries are good; else only those this build signed


def key() -> bytes:
    """The key artefacts are signed with: the user's own, else one made for this process."""
    return user_key() or _PROCESS_KEY


def user_key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept.

    Looked up by the folder it lives in, so a process whose XDG_CACHE_HOME
    changes (a test, a service) signs with the key of its current home and
    never with one remembered from another.
    """
    return _key_in(str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "casebook"))


@lru_cache(maxsize=8)
def _key_in(folder: str) -> bytes | None:
    base = Path(folder)
    path = base / "cache-key"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        return path.read_bytes()
    except OSError:
        try:  # another process made it first
            data = path.read_bytes()
            return data if len(data) >= 32 else None
        except OSError:
            return None


user_key.cache_clear = _key_in.cache_clear  # type: ignore[attr-defined]


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


def _replace(path: Path, data: bytes, mode: int | None = None, fsync: bool = False) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, _file_mode() if mode is None else mode)
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


def write_file(path: Path, data: bytes, *, mode: int | None = None, fsync: bool = False) -> None:
    """A file (not a signed cache entry) written whole: a reader sees the old file or the new one.

    The one atomic write of casebook: a temporary file in the same folder,
    renamed over the target.  ``mode`` defaults to what open() would give;
    ``fsync`` flushes to disk first (a user's own file, edited in place).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data, mode, fsync)


def copy_verified(src: Path, dest: Path) -> None:
    """Put a cached artefact in place: only the bytes its signed record vouches for."""
    data = read(src)
    if data is None:  # checked (or made) a moment ago: changed under this build
        raise CasebookError(f"{src}: the cached file is missing or was changed during the build; "
                            f"nothing was published; build again")
    write_file(dest, data)


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


# Content keys: what a cache entry is made from, hashed.

_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes ("missing" when it is not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    stamp = (str(path), st.st_size, st.st_mtime_ns)
    digest = _FILE_DIGESTS.get(stamp)
    if digest is None:
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return "missing"
        if len(_FILE_DIGESTS) > 50_000:
            _FILE_DIGESTS.clear()
        _FILE_DIGESTS[stamp] = digest
    return digest


def tree_digest(folders: Iterable[Path]) -> str:
    """One hash over every file (names and bytes) under the folders."""
    h = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(b"\0")
            h.update(file_digest(path).encode())
    return h.hexdigest()


@lru_cache(maxsize=None)
def _versions() -> str:
    parts = []
    for name in ("casebook", "mkdocs", "mkdocs-material", "weasyprint", "pydyf", "altair",
                 "vl-convert-python", "jinja2", "babel", "nh3", "markdown", "pillow"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} -")
    return "; ".join(parts)


def code_digest() -> str:
    """casebook's code, data and theme, and the libraries' versions."""
    return hashlib.sha256(f"{_versions()}\0{tree_digest([PACKAGE_DIR, theme_dir()])}".encode()).hexdigest()


# The cache folder: one that cannot be used costs time, never the build.  When
# the configured folder cannot be written (a read-only disk, a file where the
# folder should be, no permission), the build goes on with a throwaway folder
# of its own, says so once, and removes it at exit.

_log = logging.getLogger("mkdocs.plugins.casebook")
_chosen: dict[str, Path] = {}  # configured folder -> the throwaway folder used instead


def usable_folder(folder: Path) -> Path:
    """``folder`` when a file can be made in it, else a temporary folder (one warning)."""
    folder = Path(folder).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe-")
        os.close(fd)
        os.unlink(probe)
        return folder
    except OSError as exc:
        cause = "a file of that name is in the way" if folder.exists() and not folder.is_dir() \
            else (exc.strerror or str(exc))
    chosen = _chosen.get(str(folder))
    if chosen is None or not chosen.is_dir():  # one throwaway folder a process, for all its builds
        chosen = _chosen[str(folder)] = Path(tempfile.mkdtemp(prefix="casebook-cache-"))
        atexit.register(shutil.rmtree, chosen, True)
    _log.warning("casebook: the cache folder %s cannot be used (%s); building without it this time",
                display_path(folder), cause)
    return chosen
