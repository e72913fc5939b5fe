"""Media files of a case: resolved inside the project and checked while loading.

A media file must lie inside the project and be a PNG, JPEG, WebP or GIF
image that decodes whole and is not too large.  Re-encoding it for output
is rendering's business (:mod:`casebook.render.media`).
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from casebook.errors import CasebookError

MAX_PIXELS = 40_000_000  # a decompression bomb guard; real screenshots are far smaller
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# The formats a case may use; Pillow would otherwise open whatever the bytes
# say (EPS runs Ghostscript, TIFF, BMP, ICO, XBM... each its own decoder).
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


def resolve(case_file: Path, value: str, root: Path) -> Path:
    try:
        target = real_path(os.path.dirname(case_file), value)
    except ValueError as exc:
        raise CasebookError(f"{case_file}: {exc}") from None
    if not target.is_relative_to(real_root(root)):
        raise CasebookError(f"{case_file}: media {value!r} lies outside the project")
    return target


def real_path(folder: str | Path, value: str) -> Path:
    """``value`` read from ``folder``, links resolved (Path.resolve, without a Path on the way);
    ValueError for a link that leads back to itself, where Path.resolve raised RuntimeError."""
    real = os.path.realpath(os.path.join(folder, value))
    if os.path.islink(real):  # realpath stops where links loop
        raise ValueError(f"media {value!r} is a link that leads back to itself")
    return Path(real)


def real_root(root: str | Path) -> Path:
    """The project folder, links resolved: once for each absolute path, not for each media file."""
    return _real_root(os.path.abspath(root))


@lru_cache(maxsize=16)
def _real_root(root: str) -> Path:
    return Path(os.path.realpath(root))


LINKED_OUTSIDE = "this file is a link to a file outside the project; copy the file into the project instead"


def pages_roots(folder: Path | str, root: Path | str) -> tuple[str, ...]:
    """Where a file of the pages (docs_dir) may really lie: the project, or the pages folder itself."""
    return str(real_root(root)), os.path.realpath(os.path.abspath(folder))


def lies_in(path: str, roots: tuple[str, ...]) -> bool:
    """Whether a path, links resolved, is one of ``roots`` or inside one."""
    real = os.path.realpath(path)
    return any(real == top or real.startswith(top + os.sep) for top in roots)


def linked_outside(folder: Path, root: Path) -> str | None:
    """The first file under ``folder`` (the pages, docs_dir), relative to ``root``, that is or lies in a
    link to somewhere outside the project and ``folder``: MkDocs follows links and would publish it.
    Hidden files and folders are skipped, as MkDocs skips them."""
    top = os.path.abspath(folder)
    allowed = pages_roots(folder, root)
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        real_dir = os.path.realpath(dirpath)
        if real_dir in seen:  # a link back up: MkDocs would loop, casebook does not
            dirnames[:] = []
            continue
        seen.add(real_dir)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(f for f in filenames if not f.startswith(".")):
            if not lies_in(os.path.join(dirpath, name), allowed):
                return os.path.relpath(os.path.join(dirpath, name), os.path.abspath(root))
    return None


# What probe said of each file this process decoded, under the file's identity and change
# time: a logo or cover many cases name is decoded once (at 300 generated cases 825 names,
# 170 files).  Any write, rename or utime changes st_ctime, which no one can set back.
_PROBED: dict[tuple, str | None] = {}
_PROBED_MAX = 20_000


def probe(path: Path) -> str | None:
    """None when the file is a usable image, else what is wrong with it."""
    from PIL import ImageFile  # deferred: PIL is heavy and loaded only when this runs

    try:
        st = os.stat(path)
        key: tuple | None = (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    except OSError:
        key = None  # gone: _probe says so
    if key is not None and key in _PROBED:
        return _PROBED[key]
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when it is
    # imported; a truncated upload must still be refused here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        problem = _probe(path)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    if key is not None:
        if len(_PROBED) >= _PROBED_MAX:  # a long serve session: start again rather than grow
            _PROBED.clear()
        _PROBED[key] = problem
    return problem


def _probe(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            # between MAX_PIXELS and twice that Pillow only warns; refused below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=FORMATS) as im:
                w, h = im.size
                if w * h > MAX_PIXELS:
                    return f"image is too large ({w}×{h} pixels)"
                im.verify()
        # verify() checks little beyond PNG checksums: a truncated JPEG or GIF
        # passes it and fails later, in the build; decode the pixels now.
        with Image.open(path, formats=FORMATS) as im:
            im.load()
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            return "image is too large (decompression bomb)"
        return "file is not a PNG, JPEG, WebP or GIF image"
    except (OSError, SyntaxError, ValueError):
        return "image file is broken"
    return None


def referenced_files(loaded, root: Path) -> list[Path]:
    """Every file a case points to (cover, logo, media, report branding), resolved (kept on the case)."""
    kept = getattr(loaded, "refs", None)
    if kept is not None and kept[0] == root:
        return list(kept[1])
    case = loaded.case
    values = [case.cover, case.client.logo, *(m.src for m in case.media)]
    if case.report and case.report.branding:
        values.append(case.report.branding.logo)
    out = []
    for value in values:
        if value:
            try:
                out.append(resolve(loaded.source, value, root))
            except Exception:  # noqa: BLE001 - the loader already reported it
                continue
    if hasattr(loaded, "refs"):
        loaded.refs = (root, list(out))
    return out


def profile_photo(project) -> Path | None:
    """The profile's photo file, resolved (None without one)."""
    if not (project.profile and project.profile.photo):
        return None
    try:
        return resolve(project.profile_path, project.profile.photo, project.root)
    except Exception:  # noqa: BLE001 - the loader already reported it
        return None
