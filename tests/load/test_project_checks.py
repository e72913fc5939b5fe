"""casebook.load.project_checks: the profile and hand-written pages must not name a hidden client."""

from __future__ import annotations

from casebook.load.cases import load_cases
from casebook.load.project_checks import pages_name_problems, project_layout

from sitebuild import copy_demo


def test_a_page_naming_a_hidden_client_is_a_located_problem(tmp_path):
    root = copy_demo(tmp_path / "p")
    cases_dir, _profile, docs_dir, exclude = project_layout(root)
    result = load_cases([cases_dir], root)
    hidden = next(c.case.client.name for c in result.cases if not c.case.client.disclose_name)
    (docs_dir / "notes.md").write_text(f"# Notes\n\nWorked with\n{hidden} last year.\n", "utf-8")
    problems = pages_name_problems(result.cases, docs_dir, root, exclude)
    assert [(p.file, p.line) for p in problems] == [("pages/notes.md", 4)]


def test_any_published_file_naming_a_hidden_client_is_a_problem(tmp_path):
    """A UTF-16 export, a .csv, a .docx or an image in the pages folder is published as it is."""
    import io
    import zipfile

    from PIL import Image

    root = copy_demo(tmp_path / "p")
    cases_dir, _profile, docs_dir, exclude = project_layout(root)
    result = load_cases([cases_dir], root)
    hidden = next(c.case.client.name for c in result.cases if not c.case.client.disclose_name)
    files = docs_dir / "files"
    files.mkdir()
    (files / "export.txt").write_bytes(f"client\tleads\r\nкофейня\t1\r\n{hidden}\t396\r\n".encode("utf-16"))
    (files / "leads.csv").write_bytes(f"client,leads\n{hidden},396\n".encode())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f"<w:p><w:r><w:t>Clients: {hidden}</w:t></w:r></w:p>")
    (files / "resume.docx").write_bytes(buf.getvalue())
    exif = Image.Exif()
    exif[0x9C9B] = hidden.encode("utf-16-le") + b"\0\0"  # XPTitle
    Image.new("RGB", (16, 16)).save(files / "shot.jpg", exif=exif.tobytes())
    Image.new("RGB", (16, 16)).save(files / "clean.png")
    problems = pages_name_problems(result.cases, docs_dir, root, exclude)
    assert sorted((p.file, p.line) for p in problems) == [
        ("pages/files/export.txt", 3), ("pages/files/leads.csv", 2), ("pages/files/resume.docx", 1),
        ("pages/files/shot.jpg", 1)]
    assert all("must not name it" in p.message and p.is_error for p in problems)
