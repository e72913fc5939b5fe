"""Content fingerprints: the cache keys of everything a build makes.

An output made from a case (its page, its PDF) is decided by the case file,
the files it references (cover, logo, media), the profile and its photo, the
project's ``mkdocs.yml``, casebook's own code and theme, the versions of the
libraries that draw it, and the build's options.  :func:`case_key` hashes
all of that, so an unchanged case costs a cache look-up, and anything that
could change its output (an edited template, a new WeasyPrint) makes it new.

File hashes are remembered per (path, size, mtime), so a build hashes each
file once and a long-running ``casebook serve`` rehashes only what changed.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .load import LoadedCase
from .paths import PACKAGE_DIR, theme_dir

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
    from importlib.metadata import PackageNotFoundError, version

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


def referenced_files(loaded: LoadedCase, root: Path) -> list[Path]:
    """Every file a case points to (cover, logo, media, report branding), resolved."""
    from . import media as media_mod

    case = loaded.case
    values = [case.cover, case.client.logo, *(m.src for m in case.media)]
    if case.report and case.report.branding:
        values.append(case.report.branding.logo)
    out = []
    for value in values:
        if value:
            try:
                out.append(media_mod.resolve(loaded.source, value, root))
            except Exception:  # noqa: BLE001 - the loader already reported it
                continue
    return out


def profile_photo(project) -> Path | None:
    """The profile's photo file, resolved (None without one)."""
    if not (project.profile and project.profile.photo):
        return None
    from . import media as media_mod

    try:
        return media_mod.resolve(project.profile_path, project.profile.photo, project.root)
    except Exception:  # noqa: BLE001 - the loader already reported it
        return None


def project_digest(root: Path, profile_path: Path, profile_photo: Path | None) -> str:
    """What every output shares: mkdocs.yml, the profile and its photo, the epoch, the code."""
    parts = [code_digest(), file_digest(root / "mkdocs.yml"), file_digest(profile_path),
             file_digest(profile_photo) if profile_photo else "", os.environ.get("SOURCE_DATE_EPOCH", "")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def case_key(loaded: LoadedCase, root: Path, shared: str, *options: object) -> str:
    """The key of one output made from one case: the case, its files, what all share, the options."""
    h = hashlib.sha256()
    for part in (shared, loaded.digest, str(loaded.source.relative_to(root) if loaded.source.is_relative_to(root)
                                            else loaded.source),
                 *(f"{p.name}:{file_digest(p)}" for p in referenced_files(loaded, root)), *map(repr, options)):
        h.update(str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()
