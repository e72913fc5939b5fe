"""The leak audit reads what every published file says, not only pages and PDFs (casebook.build.auditfiles).

Files in pages/ (docs_dir) are published as they are: a data export, a
résumé, a screenshot kept there for download must not carry a hidden name.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from casebook.build.audit import UNREAD, audit
from casebook.build.auditfiles import suffix_of
from casebook.load.project import open_project
from sitebuild import copy_demo

NAME = "Зерно"  # the demo's kazan-coffee-vk keeps its client undisclosed
FOUND = "undisclosed or private client name"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = open_project(copy_demo(tmp_path_factory.mktemp("auditfiles") / "p"))
    assert any(c.case.client.name == NAME and not c.case.client.disclose_name for c in project.cases)
    return project


def zipped(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


def image(kind: str, **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 32), "white").save(buf, kind, **save)
    return buf.getvalue()


def leaking_files() -> dict[str, bytes]:
    png_text = PngImagePlugin.PngInfo()
    png_text.add_itxt("Description", f"Скриншот кабинета: кофейня {NAME}, Казань", zip=True)
    exif = Image.Exif()
    exif[0x9C9B] = NAME.encode("utf-16-le") + b"\0\0"  # XPTitle, as Windows Explorer writes it
    return {
        "files/leads.csv": f"client,leads\n{NAME},396\n".encode(),
        "files/clients.yml": f"client: {NAME}\n".encode(),
        "files/export.txt": f"client\tleads\r\n{NAME}\t396\r\n".encode("utf-16"),  # Excel: "Unicode text"
        "files/resume.docx": zipped({"word/document.xml": f"<w:p><w:r><w:t>Clients: {NAME[:2]}</w:t></w:r>"
                                                         f"<w:r><w:t>{NAME[2:]}</w:t></w:r></w:p>"}),  # runs
        "files/table.xlsx": zipped({"xl/sharedStrings.xml": f"<sst><si><t>{NAME}</t></si></sst>"}),
        "files/shot.png": image("PNG", pnginfo=png_text),
        "files/shot.jpg": image("JPEG", exif=exif.tobytes()),
    }


def test_a_hidden_name_in_any_published_file_is_found(project, tmp_path):
    site = tmp_path / "site"
    for rel, data in leaking_files().items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    found = {f.file for f in audit(site, project) if f.what == FOUND and f.detail == NAME}
    assert found == set(leaking_files())


def test_downloads_without_a_hidden_name_are_published(project, tmp_path):
    from weasyprint import HTML

    site = tmp_path / "site"
    (site / "files").mkdir(parents=True)
    (site / "files" / "cv.docx").write_bytes(zipped({"word/document.xml": "<w:p><w:t>SMM, 5 years</w:t></w:p>"}))
    (site / "files" / "data.csv").write_bytes("клиент,лиды\nкофейня в Казани,396\n".encode())
    (site / "files" / "plain.png").write_bytes(image("PNG"))
    (site / "files" / "photo.jpg").write_bytes(image("JPEG", quality=85))
    HTML(string="<p>Кейсы: кофейня в Казани</p>").write_pdf(site / "files" / "cv.pdf")
    assert audit(site, project) == []


def test_a_file_the_audit_cannot_read_whole_is_not_published(project, tmp_path):
    data = bytearray(zipped({"report.pdf": "%PDF-1.7 ..."}))
    data[6] |= 1  # encrypted: its local header and its central directory entry say so
    data[data.find(b"PK\x01\x02") + 8] |= 1
    site = tmp_path / "site"
    site.mkdir()
    (site / "reports.zip").write_bytes(bytes(data))
    found = audit(site, project)
    assert [(f.file, f.what, f.detail) for f in found] == [("reports.zip", UNREAD, "report.pdf: encrypted")]


def test_cached_verdicts_keep_what_the_files_said(project, tmp_path):
    site = tmp_path / "site"
    (site / "files").mkdir(parents=True)
    (site / "files" / "leads.csv").write_bytes(f"{NAME},396\n".encode())
    first = audit(site, project, cache_dir=tmp_path / "cache")
    assert [f.file for f in first] == ["files/leads.csv"]
    assert audit(site, project, cache_dir=tmp_path / "cache") == first


@pytest.mark.parametrize("name, suffix", [
    ("index.html", ".html"), ("cases/A.HTML", ".html"), ("sitemap.xml.gz", ".xml"), ("a.JSON.GZ", ".json"),
    ("x.gz", ""), (".gz", ""), ("a..gz", ""), ("assets/.hidden", ""), ("name.", ""), ("a.b.", ""), ("..", ""),
    ("a..b", ".b"), ("dir.d/file", ""), ("dir.d/file.pdf", ".pdf"), ("folder.d/", ".d"), ("", ""),
    ("x/.html.gz", ""), ("a.tar.gz", ".tar"), ("a.b c", ".b c"),
])
def test_a_files_suffix_is_the_one_pathlib_gives_and_a_gzipped_files_the_one_before(name, suffix):
    """What the audit reads a file as: its suffix as pathlib says it (none for a name starting with its
    only dot or ending with a dot), the one before .gz for a gzipped file."""
    assert suffix_of(name) == suffix
    plain = Path(name).suffix.lower()
    assert suffix_of(name) == (Path(Path(name).stem).suffix.lower() if plain == ".gz" else plain)
