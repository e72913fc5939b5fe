"""Media files of a case: resolved inside the project, re-encoded for output.

Images are decoded with Pillow and written anew: metadata (EXIF GPS,
author names) is dropped, large images are downscaled, and the output
name is a hash of the content so no user file name reaches public output.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from PIL import Image, UnidentifiedImageError

from casebook import store
from casebook.errors import CasebookError, display_path

MAX_PIXELS = 40_000_000  # a decompression bomb guard; real screenshots are far smaller
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# The formats a case may use; Pillow would otherwise open whatever the bytes
# say (EPS runs Ghostscript, TIFF, BMP, ICO, XBM... each its own decoder).
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


@dataclass(frozen=True)
class MediaFile:
    source: Path
    name: str  # output file name: content hash + suffix
    data: bytes
    width: int
    height: int
    mime: str


def resolve(case_file: Path, value: str, root: Path) -> Path:
    target = (Path(case_file).parent / value).resolve()
    if not target.is_relative_to(Path(root).resolve()):
        raise CasebookError(f"{case_file}: media {value!r} lies outside the project")
    return target


def probe(path: Path) -> str | None:
    """None when the file is a usable image, else what is wrong with it."""
    from PIL import ImageFile  # deferred: PIL is heavy and loaded only when this runs

    # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when it is
    # imported; a truncated upload must still be refused here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        return _probe(path)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


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


_cache: dict[tuple[Path, float, int], MediaFile] = {}
MEDIA_VERSION = "1"  # bump when the re-encoding below changes its output
_disk: Path | None = None  # where re-encoded images are kept between builds (use_cache)


def use_cache(folder: Path | None) -> None:
    """Keep re-encoded images in ``folder`` (keyed by the source's bytes and the options).

    Entries go through :mod:`casebook.store`: one whose signed record does not
    vouch for its bytes (truncated, swapped) is encoded again and replaced.
    """
    global _disk
    _disk = Path(folder) if folder is not None else None


# long: decode, check, downscale, re-encode and cache one image; each step guards the next
def prepare(path: Path, max_side: int = 1600, quality: int = 82) -> MediaFile:
    """Decode, downscale and re-encode an image without metadata."""
    stat = path.stat()
    if not S_ISREG(stat.st_mode):  # a pipe swapped in after loading would block the build forever
        raise CasebookError(f"{display_path(path)}: media file is not a regular file (a folder, pipe or device)")
    key = (path, stat.st_mtime, max_side)
    if key in _cache:
        return _cache[key]
    disk_key = None
    if _disk is not None:
        import PIL  # deferred: PIL is heavy and loaded only when this runs

        h = hashlib.sha256(f"{MEDIA_VERSION}\0{PIL.__version__}\0{max_side}\0{quality}\0".encode())
        h.update(path.read_bytes())
        disk_key = h.hexdigest()[:40]

        try:
            hits = sorted(_disk.glob(f"{disk_key}-*"))
        except OSError:
            hits = []
        for hit in hits:
            if store.is_record(hit):
                continue
            try:
                size, _dot, ext = hit.name[len(disk_key) + 1:].partition(".")
                w, h_ = (int(x) for x in size.split("x"))
            except ValueError:
                continue
            data = store.read(hit)  # None: missing, changed or unsigned
            if data is None or ext not in ("png", "jpg"):
                store.remove(hit)
                continue
            mime = "image/png" if ext == "png" else "image/jpeg"
            result = MediaFile(path, hashlib.sha256(data).hexdigest()[:16] + "." + ext, data, w, h_, mime)
            _cache[key] = result
            return result
    with Image.open(path, formats=FORMATS) as im:
        im.load()
        has_alpha = im.mode in ("RGBA", "LA", "P") and (
            im.mode != "P" or "transparency" in im.info
        )
        im = im.convert("RGBA" if has_alpha else "RGB")
        if max(im.size) > max_side:
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        # convert() copies the source's info, and Pillow writes some of it
        # back when saving (a JPEG or GIF comment, an ICC profile): drop it all
        im.info = {}
        buf = io.BytesIO()
        if has_alpha:
            im.save(buf, format="PNG", optimize=True)
            suffix, mime = ".png", "image/png"
        else:
            im.save(buf, format="JPEG", quality=quality, optimize=True, progressive=False)
            suffix, mime = ".jpg", "image/jpeg"
    data = buf.getvalue()
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    result = MediaFile(path, name, data, im.width, im.height, mime)
    _cache[key] = result
    if disk_key is not None:
        store.write_quietly(_disk / f"{disk_key}-{im.width}x{im.height}{suffix}", data)  # else slower, not wrong
    return result


def referenced_files(loaded, root: Path) -> list[Path]:
    """Every file a case points to (cover, logo, media, report branding), resolved."""
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
    return out


def profile_photo(project) -> Path | None:
    """The profile's photo file, resolved (None without one)."""
    if not (project.profile and project.profile.photo):
        return None
    try:
        return resolve(project.profile_path, project.profile.photo, project.root)
    except Exception:  # noqa: BLE001 - the loader already reported it
        return None
