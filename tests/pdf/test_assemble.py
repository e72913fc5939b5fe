"""casebook.pdf.assemble: the portfolio is its cover and contents followed by the case PDFs, page for page."""

from __future__ import annotations

import pikepdf

from casebook.build.pdfs import build_portfolio_pdf
from casebook.load.project import open_project

from sitebuild import CACHE, copy_demo


def test_portfolio_pages_are_cover_contents_and_each_case(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    slugs = [c.case.slug for c in project.public_cases[:2]]
    out = build_portfolio_pdf(project, tmp_path / "two.pdf", slugs=slugs, cache_dir=CACHE)
    with pikepdf.Pdf.open(out) as pdf:
        pages = len(pdf.pages)
    parts = sorted((CACHE / "pdf").glob("*.pdf"))
    assert parts, "the case PDFs are kept in the cache"
    assert pages >= 2 + len(slugs)  # a cover, contents, at least a page per case
