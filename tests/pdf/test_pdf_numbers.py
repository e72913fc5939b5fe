"""The numbers in the PDFs follow the same rules as the pages (issue 11): zerno never reads ×99."""

from __future__ import annotations

from sitebuild import demo_build


def test_the_zerno_pdf_compares_like_with_like():
    from pypdf import PdfReader

    built = demo_build()
    text = " ".join(page.extract_text() for page in PdfReader(built.site / "pdf" / "kazan-coffee-vk.pdf").pages)
    assert "×99" not in text
    # leads 14 -> 396 over four months each; reach 19,600 -> 66,600
    assert "×28" in text and "×3,4" in text
    # the case's ER definition is printed with its basis
    assert "Вовлечения ÷ Охват × 100" in text
