"""casebook.load.media: a case's media must lie inside the project and be a whole, modest image."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from casebook.errors import CasebookError
from casebook.load.media import probe, resolve


def _png(path: Path, size=(40, 30)) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_a_path_is_resolved_from_the_case_file_and_kept_inside_the_project(tmp_path):
    (tmp_path / "cases" / "media").mkdir(parents=True)
    case = tmp_path / "cases" / "acme.yaml"
    assert resolve(case, "media/cover.png", tmp_path) == (tmp_path / "cases" / "media" / "cover.png").resolve()
    with pytest.raises(CasebookError, match="lies outside the project"):
        resolve(case, "../../etc/passwd", tmp_path)


def test_a_link_that_loops_or_leads_out_is_refused_with_the_case_named(tmp_path, monkeypatch):
    media = tmp_path / "cases" / "media"
    media.mkdir(parents=True)
    case = tmp_path / "cases" / "acme.yaml"
    (media / "a.png").symlink_to(media / "b.png")
    (media / "b.png").symlink_to(media / "a.png")
    with pytest.raises(CasebookError, match=r"acme\.yaml: media 'media/a\.png' is a link that leads back to itself"):
        resolve(case, "media/a.png", tmp_path)
    (media / "out.png").symlink_to(tmp_path.parent)
    with pytest.raises(CasebookError, match="lies outside the project"):
        resolve(case, "media/out.png", tmp_path)
    # a relative project folder is the one the working folder gives now, not the first one seen
    monkeypatch.chdir(media)
    with pytest.raises(CasebookError, match="lies outside the project"):
        resolve(Path("../acme.yaml"), "other.png", Path("."))  # cases/other.png is outside cases/media
    monkeypatch.chdir(tmp_path)
    assert resolve(Path("cases/acme.yaml"), "other.png", Path(".")) == tmp_path.resolve() / "cases" / "other.png"


def test_probe_accepts_a_whole_image_and_says_what_is_wrong_with_others(tmp_path):
    good = _png(tmp_path / "good.png")
    assert probe(good) is None
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    assert probe(tmp_path / "cut.png") == "image file is broken"
    (tmp_path / "notes.png").write_text("not an image")
    assert probe(tmp_path / "notes.png") == "file is not a PNG, JPEG, WebP or GIF image"
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="BMP")  # a format Pillow reads but a case may not use
    (tmp_path / "old.png").write_bytes(buf.getvalue())
    assert probe(tmp_path / "old.png") == "file is not a PNG, JPEG, WebP or GIF image"


def test_linked_outside_finds_page_files_linked_from_outside_the_project(tmp_path):
    from casebook.load.media import linked_outside

    root, outside = tmp_path / "project", tmp_path / "outside"
    (root / "pages").mkdir(parents=True)
    outside.mkdir()
    (outside / "notes.txt").write_text("secret")
    (root / "shared.md").write_text("# inside the project")
    (root / "pages" / "shared.md").symlink_to(root / "shared.md")  # inside: published as MkDocs would
    (root / "pages" / "loop").symlink_to(root / "pages")  # a link back up: no endless walk
    assert linked_outside(root / "pages", root) is None
    (root / "pages" / "sub").mkdir()
    (root / "pages" / "sub" / "out").symlink_to(outside)
    assert linked_outside(root / "pages", root) == "pages/sub/out/notes.txt"


def test_an_image_broken_after_it_was_checked_is_checked_again_even_with_its_old_time_put_back(tmp_path):
    """probe remembers its verdict per file (a logo named by many cases is decoded once), but
    never across a change: here the same size and modification time, other bytes."""
    import os

    path = _png(tmp_path / "logo.png")
    assert probe(path) is None
    before = os.stat(path)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (before.st_size - 8))  # broken, same length
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns and os.stat(path).st_size == before.st_size
    assert probe(path) is not None


def test_the_same_image_named_twice_is_decoded_once(tmp_path, monkeypatch):
    from casebook.load import media

    path = _png(tmp_path / "cover.png")
    decoded = []
    real = media._probe
    monkeypatch.setattr(media, "_probe", lambda p: decoded.append(p) or real(p))
    assert probe(path) is None and probe(path) is None
    assert decoded == [path]
