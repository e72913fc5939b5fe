"""Media: images re-encoded without metadata, and kept between builds."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from casebook.render import media


def _image(path: Path, size=(900, 600), comment: bytes = b"") -> Path:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, format="JPEG", comment=comment)
    path.write_bytes(buf.getvalue())
    return path


def test_reencoded_image_drops_metadata_and_is_kept_between_builds(tmp_path, monkeypatch):
    src = _image(tmp_path / "photo.jpg", (2400, 1600), comment=b"Secret Client LLC")
    monkeypatch.setattr(media, "_cache", {})
    media.use_cache(tmp_path / "cache")
    try:
        first = media.prepare(src)
        assert b"Secret Client" not in first.data
        assert (first.width, first.height) == (1600, 1067)
        kept = [p for p in (tmp_path / "cache").iterdir() if not p.name.endswith(".sig")]  # .sig: its signed record
        assert len(kept) == 1
        # a new process (empty memory) reads it back: same bytes, same name
        media._cache.clear()
        again = media.prepare(src)
        assert (again.data, again.name, again.width, again.height, again.mime) == \
            (first.data, first.name, first.width, first.height, first.mime)
        # other options, other entry; a changed source, another entry
        media.prepare(src, max_side=600)
        _image(src, (500, 500))
        media._cache.clear()
        changed = media.prepare(src)
        assert (changed.width, changed.height) == (500, 500)
        assert len([p for p in (tmp_path / "cache").iterdir() if not p.name.endswith(".sig")]) == 3
    finally:
        media.use_cache(None)
