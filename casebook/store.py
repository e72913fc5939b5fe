"""Cached artefacts and written files: whole, and read back only when they are what was written.

:func:`write_file` is casebook's one atomic write.  Every disk cache is a :class:`Cache`: a
named folder of the cache folder, one file an entry, named by a content key (:func:`content_key`).
Beside each entry ``KEY`` lies ``KEY.sig``: the sha256 of its bytes, signed (HMAC-SHA256) with the
user's own key (``$XDG_CACHE_HOME/casebook/cache-key``, :func:`user_key`) together with the
cache's name, its version and the key.  Whoever can edit the cache folder but cannot read that key
cannot make an entry casebook will use: a changed, truncated, swapped or unsigned entry, one moved
to another name or cache, or one of another version reads as a miss, is made again and
overwritten.  A miss costs time, never the build.  Without a key that can be kept (no writable
home), a key made for this process is used.

``casebook build --force`` builds inside :func:`fresh` (:func:`forced`): a read then accepts only
what this very build wrote (each record names the build that signed it).

A read or write marks an entry as used; :func:`casebook.prune.prune`, at the end of a successful
build, removes the entries of old versions and those the build did not use.  Each process using a
cache folder holds a shared lock on it (``.lock``), stamped when taken: "used" counts from that
stamp, in the file system's own clock.
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
from contextlib import contextmanager, suppress
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable

from casebook.errors import CasebookError, display_path
from casebook.settings import PACKAGE_DIR, theme_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, so no pruning
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".sig"
_MAGIC = "casebook-cache 2"
_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_PROCESS_KEY = os.urandom(32)  # made at import, so forked workers share it
_generation = "-"  # "-": any build's entries are good; else only those this build signed
_VERSIONS: dict[tuple[str, str], str] = {}  # (cache folder, name) -> the version this process uses
_held: dict[str, list] = {}  # cache folder -> [lock fd, when this build began (ns): entries used since]
_MAX_HELD = 32  # cache folders one process holds a lock on (a test session opens many)
_SLACK_NS = 2_000_000_000  # coarse file times (2 s on some disks): "used" is counted from a bit earlier


def key() -> bytes:
    """The key artefacts are signed with: the user's own, else one made for this process."""
    return user_key() or _PROCESS_KEY


def user_key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept.

    Looked up by the folder it lives in, so a process whose XDG_CACHE_HOME changes (a test, a
    service) signs with the key of its current home and never with one remembered from another.
    """
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return _key_in(os.path.join(home, "casebook"))  # strings: asked for every entry read or written


@lru_cache(maxsize=8)
def _key_in(folder: str) -> bytes | None:
    base = Path(folder)
    path = base / "cache-key"
    with suppress(OSError):
        if len(data := path.read_bytes()) >= 32:
            return data
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


def touch(path: Path) -> None:
    """Mark an entry as used now, so pruning keeps it: its record's time is what pruning reads."""
    with suppress(OSError):
        os.utime(os.fspath(path) + SUFFIX)  # sidecar(path), without a Path: asked for every entry read


def remove(path: Path) -> None:
    for p in (Path(path), sidecar(path)):
        with suppress(OSError):
            p.unlink()


def _read_file(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes; a link, pipe or device planted in the cache is an OSError, not a hang."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return f.read(limit) if limit is not None else f.read()


def _text(data: bytes | None) -> str | None:
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


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
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        _name_it(exc, path)
        raise


def _name_it(exc: BaseException, path: Path) -> None:
    """A write's error (a full disk) without a file name: raised again naming the file it was for."""
    if isinstance(exc, OSError) and exc.filename is None and exc.errno is not None:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def create_file(path: Path, data: bytes) -> None:
    """A new file written whole, never over anything there (a file, a link, even one to nothing):
    FileExistsError then.  Written aside and linked into place, so a full disk leaves no empty
    or half file behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _file_mode())
        try:
            os.link(tmp, path)  # fails on any name already there, and never follows a link
        except OSError as exc:  # a file system without hard links: created exclusively, then written
            if isinstance(exc, FileExistsError):
                raise
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, _file_mode())
            with os.fdopen(out, "wb") as f:
                f.write(data)
    except BaseException as exc:
        _name_it(exc, path)
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_file(path: Path, data: bytes, *, mode: int | None = None, fsync: bool = False) -> None:
    """A file (not a signed cache entry) written whole: a reader sees the old file or the new one.

    The one atomic write of casebook: a temporary file in the same folder,
    renamed over the target.  ``mode`` defaults to what open() would give;
    ``fsync`` flushes to disk first (a user's own file, edited in place).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, data, mode, fsync)


def forced() -> bool:  # a forced build (inside fresh()): it takes nothing earlier builds left
    return _generation != "-"


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


def _hold(root: Path) -> list | None:
    """This process's shared lock on the cache folder, taken on first use."""
    name = os.path.abspath(root)
    held = _held.get(name)
    if held is None:
        try:
            fd = os.open(os.path.join(name, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None  # no folder yet (a read), or none that can be written: nothing to prune either
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while another process prunes
            with suppress(OSError):  # stamped by the file system's clock, as entries are (not this machine's)
                os.utime(fd)
            start = os.fstat(fd).st_mtime_ns - _SLACK_NS
        except OSError:
            os.close(fd)
            return None
        if len(_held) >= _MAX_HELD:
            os.close(_held.pop(next(iter(_held)))[0])
        held = _held[name] = [fd, start]
    return held


# Entries this process read (and found good) or wrote, with the version it read or wrote them
# in: pruning need not read their records again to know it (casebook.prune).
used_here: dict[str, str] = {}


def content_key(*parts: object, data: bytes = b"") -> str:
    """A cache key: sha256 of the parts (and bytes) an entry is made from."""
    h = hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8", "surrogateescape") + b"\0")
    h.update(data)
    return h.hexdigest()


class Cache:
    """One disk cache: the folder ``root/name``, entries by key, signed with ``version``.

    ``version`` changes when what an entry holds changes: entries of other
    versions are misses and pruned.  Reads and writes never raise on a
    cache that cannot be used; a miss costs time, never the build.
    """

    def __init__(self, root: Path, name: str, version: object, *, _register: bool = True):
        self.root, self.name, self.version = Path(root), name, str(version)
        self.folder = self.root / name
        self._folder = os.fspath(self.folder)
        if _register:  # the path-based functions below make one per call, of no version
            if not (set(name) | set(self.version)) <= _TOKEN or not name or name.startswith("."):
                raise ValueError(f"cache name and version must be plain words: {name!r} {self.version!r}")
            _VERSIONS[(os.path.realpath(self.root), name)] = self.version

    def path(self, key: str) -> Path:
        return Path(self._where(key))

    def _where(self, key: str) -> str:
        """The entry's file as a string: a Path per read cost a fifth of a read (tens of thousands a build)."""
        if not key or key.startswith(".") or "/" in key or "\\" in key or key.endswith(SUFFIX):
            raise ValueError(f"not a cache key: {key!r}")
        return os.path.join(self._folder, key)

    def _seal(self, entry: str, data: bytes, generation: str, digest: str | None = None) -> str:
        digest = digest or hashlib.sha256(data).hexdigest()
        signed = f"{_MAGIC}\0{self.name}/{self.version}/{entry}\0{generation}\0{digest}"
        mac = hmac.new(key(), signed.encode("utf-8"), "sha256").hexdigest()
        return f"{_MAGIC} {self.name} {self.version} {generation} {digest} {mac}\n"

    def read(self, key: str, *, any_build: bool = False) -> bytes | None:
        """The entry's bytes when its record vouches for them in this version, else None
        (``any_build``: also one an earlier build wrote, inside a forced one: bookkeeping such
        as the files an output holds, never an output to reuse)."""
        path = self._where(key)
        found = self._record(path, any_build)
        try:
            data = _read_file(path) if found is not None else None
        except (OSError, ValueError):
            return None
        if data is None or not hmac.compare_digest(found[0], self._seal(key, data, found[1])):
            return None  # changed, swapped, unsigned, of another version or another cache
        self._used(path, key)
        return data

    def digest(self, key: str) -> str | None:
        """The sha256 its signed record gives for the entry's bytes, read from the record alone.

        Says what the entry was written with, not that its file still holds
        it: a caller that uses the bytes reads them (``read``); one that
        reuses a copy it already has with that digest (casebook.reuse) need
        not.  Marks the entry used, as a read does.
        """
        path = self._where(key)
        found = self._record(path)
        if found is None:
            return None
        record, generation = found
        digest = (record.split() + [""] * 6)[5]
        if len(digest) != 64 or not hmac.compare_digest(record, self._seal(key, b"", generation, digest)):
            return None
        self._used(path, key)
        return digest

    def _record(self, path: str, any_build: bool = False) -> tuple[str, str] | None:
        """An entry's record and the build that signed it (None: no record, or one a forced
        build must not take)."""
        _hold(self.root)
        try:
            record = _read_file(path + SUFFIX, 512).decode("ascii")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        generation = (record.split() + [""] * 5)[4]
        if not any_build and _generation != "-" and generation != _generation:
            return None  # written before this forced build
        return record, generation

    def _used(self, path: str, key: str) -> None:
        touch(path)  # used by this build: pruning keeps it
        used_here[os.path.join(_real(self._folder), key)] = self.version

    def read_text(self, key: str) -> str | None:
        return _text(self.read(key))

    def write(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` with its signed record; OSError when the disk refuses."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _hold(self.root)
        _replace(path, data)
        _replace(sidecar(path), self._seal(key, data, _generation).encode("ascii"))
        used_here[os.path.join(_real(self._folder), key)] = self.version

    def write_quietly(self, key: str, data: bytes) -> bool:
        """write(), where a cache that cannot be written only costs time."""
        with suppress(OSError):
            self.write(key, data)
            return True
        return False

    def keys(self, prefix: str) -> list[str]:
        """Names of the entries whose key starts with ``prefix`` (verified only when read)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n for n in names if n.startswith(prefix) and not n.endswith(SUFFIX) and not n.startswith("."))

    def remove(self, key: str) -> None:
        remove(self.path(key))


# The same by path (``root/name/key``), in the version a :class:`Cache` of that folder registered ("-" if none).

@lru_cache(maxsize=256)
def _real(folder: str) -> str:
    return os.path.realpath(folder)


def _at(path: Path) -> tuple[Cache, str]:
    folder, key = os.path.split(os.fspath(path))
    root, name = os.path.split(folder)
    return Cache(root, name, _VERSIONS.get((_real(root), name), "-"), _register=False), key


def read(path: Path) -> bytes | None:
    cache, key = _at(path)
    return cache.read(key)


def read_text(path: Path) -> str | None:
    return _text(read(path))


def valid(path: Path) -> bool:
    return read(path) is not None


def write(path: Path, data: bytes) -> None:
    cache, key = _at(path)
    cache.write(key, data)


def write_quietly(path: Path, data: bytes) -> bool:
    cache, key = _at(path)
    return cache.write_quietly(key, data)


def digest(path: Path) -> str | None:
    cache, key = _at(path)
    return cache.digest(key)


def copy_verified(src: Path, dest: Path) -> None:
    """Put a cached artefact in place: only the bytes its signed record vouches for."""
    data = read(src)
    if data is None:  # checked (or made) a moment ago: changed under this build
        raise CasebookError(f"{src}: the cached file is missing or was changed during the build; "
                            f"nothing was published; build again")
    write_file(dest, data)


# Content keys: what a cache entry is made from, hashed.

_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes ("missing" when it is not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return "missing"
    if not stat.S_ISREG(st.st_mode):  # a folder, or a pipe whose read would wait for ever
        return "not a file"
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
    """One hash over every file (names and bytes) under the folders; a file named among them counts as itself."""
    h = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            h.update(f"{folder.name}\0{file_digest(folder)}\0file".encode())
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(f"{path.relative_to(folder).as_posix()}\0{file_digest(path)}".encode())
    return h.hexdigest()


def library_versions(names: Iterable[str]) -> str:
    """'name version; ...' of installed distributions ('name -' for one not installed)."""
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} -")
    return "; ".join(parts)


@lru_cache(maxsize=None)
def _versions() -> str:
    return library_versions(("casebook", "mkdocs", "mkdocs-material", "weasyprint", "pydyf", "altair",
                             "vl-convert-python", "jinja2", "babel", "nh3", "markdown", "pillow"))


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
