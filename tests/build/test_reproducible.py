"""Two builds of the same input give byte-identical output, PDFs included."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sitebuild import copy_demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("repro")]


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def cold_build(root: Path):
    """Build with a cache of its own, so nothing is reused between the two builds."""
    from casebook.build import build

    text = (root / "mkdocs.yml").read_text("utf-8")
    import re

    text = re.sub(r"cache_dir: .*", f"cache_dir: {root / '.cache'}", text)
    (root / "mkdocs.yml").write_text(text, "utf-8")
    return build(root / "mkdocs.yml", pdf=True, private=True, quiet=True)


def test_two_builds_in_different_folders_are_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = cold_build(copy_demo(tmp_path / "one" / "project"))
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    second = cold_build(copy_demo(tmp_path / "two" / "elsewhere"))
    a, b = digests(first.site_dir), digests(second.site_dir)
    assert sorted(a) == sorted(b)
    differing = [name for name in a if a[name] != b[name]]
    assert differing == []
    assert any(name.endswith(".pdf") for name in a)
    pa, pb = digests(first.private_dir), digests(second.private_dir)
    assert pa == pb


def test_source_date_epoch_sets_the_dates(tmp_path, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    from casebook.build import build

    root = copy_demo(tmp_path / "p")
    result = build(root / "mkdocs.yml", pdf=True, quiet=True)
    sitemap = (result.site_dir / "sitemap.xml").read_text("utf-8")
    assert "2023-11-14" in sitemap
    pdf = next((result.site_dir / "pdf").glob("*.pdf"))
    meta = PdfReader(pdf).metadata
    assert meta.get("/CreationDate", "").startswith("D:20231114")
