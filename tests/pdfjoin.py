"""Small PDFs for the audit's tests: made by WeasyPrint, joined as casebook.pdf.assemble joins a portfolio."""

from __future__ import annotations

import io


def pdf_of(html: str) -> bytes:
    """A PDF of this body HTML, written by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=f"<html lang=en><body>{html}</body></html>").write_pdf()


def join(*parts: bytes) -> bytes:
    """PDFs joined the way casebook.pdf.assemble joins the portfolio: pages copied with pikepdf."""
    import pikepdf

    out = pikepdf.Pdf.new()
    sources = [pikepdf.Pdf.open(io.BytesIO(p)) for p in parts]
    for src in sources:
        out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue()
