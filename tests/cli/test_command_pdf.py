"""casebook pdf: a case that is not public is refused before anything is made."""

from __future__ import annotations

from casebook.load.project import open_project

from sitebuild import copy_demo


def test_pdf_of_a_private_case_is_refused(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    private = open_project(root).private_cases[0].case.slug
    result = casebook("pdf", "--case", private, "-o", tmp_path / "out.pdf", cwd=root)
    assert result.returncode == 2 and private in result.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_pdf_never_replaces_a_file_that_is_not_a_pdf(casebook, tmp_path):
    """-o NOTES.md (a slip of the hand): the notes stay, one line says why, exit 1."""
    root = copy_demo(tmp_path / "p")
    public = open_project(root).public_cases[0].case.slug
    for name in ("NOTES.md", "docs/case.schema.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("my notes, important\n", "utf-8")
        result = casebook("pdf", "--case", public, "-o", name, cwd=root)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip() == (f"casebook: refusing to replace {name}: it is not a PDF (it does not begin "
                                          f"with %PDF-); nothing was written; choose another file name")
        assert (root / name).read_text("utf-8") == "my notes, important\n"
    assert not list(root.glob(".casebook-pdf-*"))


def test_pdf_replaces_an_earlier_pdf(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    public = open_project(root).public_cases[0].case.slug
    (root / "portfolio.pdf").write_bytes(b"%PDF-1.7 an earlier portfolio")
    result = casebook("pdf", "--case", public, "-o", "portfolio.pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    data = (root / "portfolio.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"an earlier portfolio" not in data
