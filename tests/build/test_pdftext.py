"""casebook.build.pdftext: a name hidden in a PDF's raw and compressed strings is still read; a joined PDF's
pages are read from its parts where the join kept which they are, as a whole read reads them."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest
from pdfjoin import join, pdf_of

from casebook.build.audit import AUDIT_VERSION
from casebook.build.pdftext import (LAYOUT_SUFFIX, PDF_TEXT_DIR, _known_pages, _pdfium_cache_path, _pdfium_read,
                                    _raw_streams, _text_strings, cached_pdfium, keep_layout)


def test_utf16_strings_in_compressed_streams_are_decoded():
    content = zlib.compress(b"BT <FEFF005A00650072006E006F> Tj ET")
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 1 >>\nstream\n" + content + b"\nendstream\nendobj\n"
    raw = _raw_streams(pdf)
    assert "Zerno" in "".join(_text_strings(raw))


# -- a joined PDF read from its parts (keep_layout) ---------------------------------------------------------------


def _pages_loaded(monkeypatch) -> list[int]:
    """The page indexes PDFium is asked to load from now on."""
    import pypdfium2

    loaded: list[int] = []
    get_page = pypdfium2.PdfDocument.get_page
    monkeypatch.setattr(pypdfium2.PdfDocument, "get_page", lambda doc, i: loaded.append(i) or get_page(doc, i))
    return loaded


def _audit_cache(tmp_path):
    from casebook import store

    cache = tmp_path / "audit"
    store.Cache(cache, PDF_TEXT_DIR, AUDIT_VERSION)  # as the audit registers it
    return cache


@pytest.fixture(scope="module")
def parts():
    cover = pdf_of("<h1>Portfolio</h1><p>Contents</p>")
    cases = [pdf_of(f"<h1>Case {i}</h1><p>Reach x{i + 2}</p><p style='break-before: page'>Leads at {i}0 PHP</p>")
             for i in range(3)]
    return cover, cases


def test_a_joined_pdf_is_read_from_its_parts_and_reads_as_pdfium_reads_it_whole(parts, tmp_path, monkeypatch):
    cover, cases = parts
    joined = join(cover, *cases)
    cache = _audit_cache(tmp_path)
    for case in cases:  # the audit reads each case PDF of the site
        cached_pdfium(case, cache)
    keep_layout(joined, [(cover, 1)] + [(c, 2) for c in cases], cache, AUDIT_VERSION)
    loaded = _pages_loaded(monkeypatch)
    read = cached_pdfium(joined, cache)
    assert loaded == [0]  # the cover alone: the cases' pages are their parts' pages
    monkeypatch.undo()
    assert read == _pdfium_read(joined)
    assert any("Leads at 20 PHP" in page for page in read["pages"])


def test_a_layout_whose_pages_or_record_do_not_hold_is_not_used(parts, tmp_path):
    cover, cases = parts
    cache = _audit_cache(tmp_path)
    for case in cases:
        cached_pdfium(case, cache)
    other = pdf_of("<p>Thanks to Zerno Market</p><p style='break-before: page'>and its team</p>")
    layout = [(cover, 1)] + [(c, 2) for c in cases]
    # said to be the cover and three cases (7 pages), the PDF has 5: every page is read
    shorter = join(cover, cases[0], other)
    keep_layout(shorter, layout, cache, AUDIT_VERSION)
    assert cached_pdfium(shorter, cache) == _pdfium_read(shorter)
    # a record written again by hand (its signature does not hold): every page is read
    edited = join(cover, cases[0], other, cases[2])
    keep_layout(edited, layout, cache, AUDIT_VERSION)
    [record] = (cache / PDF_TEXT_DIR).glob(hashlib.sha256(edited).hexdigest() + LAYOUT_SUFFIX)
    record.write_text(json.dumps([[hashlib.sha256(d).hexdigest(), n] for d, n in layout]) + " ")
    read = cached_pdfium(edited, cache)
    assert read == _pdfium_read(edited) and "Zerno Market" in "".join(read["pages"])


def test_the_demo_portfolio_and_tag_pdfs_read_from_their_parts_as_whole(tmp_path):
    from sitebuild import demo_build

    built = demo_build()
    pdfs = sorted((built.site / "pdf").rglob("*.pdf"))
    joined = [p for p in pdfs if p.parent.name == "tags" or p.name == "portfolio.pdf"]
    assert len(joined) > 10
    cache = _audit_cache(tmp_path)  # the demo's joins again, into a cache of this test's own
    for case in (p for p in pdfs if p not in joined):  # the audit reads each case PDF of the site
        cached_pdfium(case.read_bytes(), cache)
    for path in joined:
        data = path.read_bytes()
        _layout_of(data, pdfs, cache)
        total, known = _known_pages(_pdfium_cache_path(data, cache), cache)
        whole = _pdfium_read(data)
        assert total == len(whole["pages"]) and len(known) >= total - 3, path.name  # all but cover and contents
        assert _pdfium_read(data, (total, known)) == whole, path.name


def _layout_of(joined: bytes, pdfs, cache) -> None:
    """keep_layout as the join would call it: the joined PDF's parts found by their pages' content."""
    import io

    import pikepdf

    def pages_of(data: bytes) -> list[bytes]:
        with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
            return [page.obj.Contents.read_raw_bytes() if "/Contents" in page.obj else b"" for page in pdf.pages]

    pages = pages_of(joined)
    parts, at = [], 0
    candidates = {p.read_bytes(): pages_of(p.read_bytes()) for p in pdfs if p.parent.name != "tags"
                  and p.name != "portfolio.pdf"}
    while at < len(pages):
        for data, own in candidates.items():
            if pages[at:at + len(own)] == own:
                parts.append((data, len(own)))
                at += len(own)
                break
        else:  # a cover or contents page: a part of one page the audit has not read
            parts.append((b"cover %d" % at, 1))
            at += 1
    keep_layout(joined, parts, cache, AUDIT_VERSION)
