"""Media for output: a case's images re-encoded, and kept between builds.

Images are decoded with Pillow and written anew: metadata (EXIF GPS,
author names) is dropped, large images are downscaled, and the output
name is a hash of the content so no user file name reaches public output.
Finding and checking the files is loading's business (:mod:`casebook.load.media`).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from PIL import Image

from casebook import store
from casebook.errors import CasebookError, display_path
from casebook.load.media import FORMATS, resolve

MEDIA_VERSION = "1"  # bump when the re-encoding below changes its output


@dataclass(frozen=True)
class MediaFile:
    source: Path
    name: str  # output file name: content hash + suffix
    data: bytes
    width: int
    height: int
    mime: str


_cache: dict[tuple[Path, float, int], MediaFile] = {}
_disk: store.Cache | None = None  # where re-encoded images are kept between builds (use_cache)


def use_cache(folder: Path | None) -> None:
    """Keep re-encoded images in ``folder`` (keyed by the source's bytes and the options).

    ``folder`` is the cache folder's ``media``: a :class:`casebook.store.Cache`,
    so an entry whose signed record does not vouch for its bytes (truncated,
    swapped, of another version) is encoded again and replaced.
    """
    global _disk
    _disk = store.Cache(Path(folder).parent, Path(folder).name, MEDIA_VERSION) if folder is not None else None


def _kept(path: Path, disk_key: str) -> MediaFile | None:
    """The re-encoded image kept under ``disk_key-WxH.ext``, when its record vouches for it."""
    for hit in _disk.keys(f"{disk_key}-"):
        try:
            size, _dot, ext = hit[len(disk_key) + 1:].partition(".")
            w, h = (int(x) for x in size.split("x"))
        except ValueError:
            continue
        data = _disk.read(hit)  # None: missing, changed, unsigned or of another version
        if data is None or ext not in ("png", "jpg"):
            _disk.remove(hit)
            continue
        mime = "image/png" if ext == "png" else "image/jpeg"
        return MediaFile(path, hashlib.sha256(data).hexdigest()[:16] + "." + ext, data, w, h, mime)
    return None


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

        disk_key = store.content_key(PIL.__version__, max_side, quality, data=path.read_bytes())[:40]
        kept = _kept(path, disk_key)
        if kept is not None:
            _cache[key] = kept
            return kept
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
        _disk.write_quietly(f"{disk_key}-{im.width}x{im.height}{suffix}", data)  # else slower, not wrong
    return result


__all__ = ["MediaFile", "prepare", "resolve", "use_cache", "MEDIA_VERSION"]
