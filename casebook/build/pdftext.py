"""Text of a built PDF for the leak audit: PDFium's extraction, and the strings of the raw streams as a second look."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

from casebook import store


def _pdfium_read(data: bytes, known: tuple[int, dict[int, str]] = (0, {})) -> dict[str, list[str]]:
    """Each page's text, and the document information and bookmark titles ("extra"), as PDFium reads them.

    Nothing when PDFium cannot open the PDF.  PDFium (Chrome's PDF engine,
    through pypdfium2) reads a case PDF in milliseconds where pypdf's text
    extraction took half a second.  Every page, text page and the document
    are closed as soon as they are read, so memory stays flat over a
    thousand PDFs.  ``known``: a page count and the text of pages read before,
    by index (:func:`_known_pages`), not loaded again in a PDF of that many pages.
    """
    read: dict[str, list[str]] = {"pages": [], "extra": []}
    try:
        import pypdfium2 as pdfium  # deferred: pypdfium2 is heavy and loaded only when this runs
    except ImportError:  # the raw scan still runs
        return read
    try:
        doc = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - PdfiumError, or worse: scanned raw
        return read
    try:
        pages_known = known[1] if known[0] == len(doc) else {}
        for index in range(len(doc)):
            if index in pages_known:
                read["pages"].append(pages_known[index])
                continue
            try:
                page = doc[index]
            except Exception:  # noqa: BLE001 - a broken page: its streams are still scanned raw
                continue
            try:
                textpage = page.get_textpage()
                try:
                    read["pages"].append(textpage.get_text_range())
                finally:
                    textpage.close()
            except Exception:  # noqa: BLE001
                pass
            finally:
                page.close()
        for get in (lambda: doc.get_metadata_dict(skip_empty=True).values(),
                    lambda: [bookmark.get_title() for bookmark in doc.get_toc()]):
            try:
                read["extra"].extend(v for v in get() if v)
            except Exception:  # noqa: BLE001
                pass
    finally:
        doc.close()
    return read


def _pdfium_text(data: bytes) -> str:
    """Page text, document information and bookmark titles, as one text; "" if PDFium cannot open the PDF."""
    return _joined(_pdfium_read(data))


def _joined(read: dict[str, list[str]]) -> str:
    return "\n".join(read["pages"] + read["extra"])


_HEX_STRING_RE = re.compile(r"<\s*((?:[Ff]\s*[Ee]\s*[Ff]\s*[Ff]|[Ee]\s*[Ff]\s*[Bb]\s*[Bb]\s*[Bb]\s*[Ff])[0-9A-Fa-f\s]*)>")


_LITERAL_START_RE = re.compile(r"\((?=\xfe\xff|\\376\\377|\xef\xbb\xbf|\\357\\273\\277)")


_ESCAPES = {"n": 10, "r": 13, "t": 9, "b": 8, "f": 12}


def _text_strings(raw: str) -> list[str]:
    """The PDF strings in raw (latin-1) text that carry a UTF-16 or UTF-8 byte order mark, decoded.

    Raw bytes show such a string as escapes or hex digits; decoded, a
    Cyrillic name in a custom information key or an annotation reads as the
    name.
    """
    out = []
    for m in _HEX_STRING_RE.finditer(raw):
        digits = re.sub(r"\s", "", m.group(1))
        out.append(_decode_bom(bytes.fromhex(digits + "0" * (len(digits) % 2))))
    for m in _LITERAL_START_RE.finditer(raw):
        out.append(_decode_bom(_literal(raw, m.end())))
    return out


def _literal(raw: str, i: int, limit: int = 1 << 16) -> bytes:
    """The bytes of the PDF literal string whose text starts at raw[i] (just after its opening parenthesis)."""
    buf = bytearray()
    depth = 1
    end = min(len(raw), i + limit)
    while i < end:
        c = raw[i]
        i += 1
        if c == "\\" and i < end:
            e = raw[i]
            i += 1
            if e in "01234567":
                j = i
                while j < end and j - i < 2 and raw[j] in "01234567":
                    j += 1
                buf.append(int(raw[i - 1:j], 8) & 0xFF)
                i = j
            elif e in _ESCAPES:
                buf.append(_ESCAPES[e])
            elif e == "\r":  # a backslash ends the line: the string goes on
                if i < end and raw[i] == "\n":
                    i += 1
            elif e != "\n":
                buf.append(ord(e) & 0xFF)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if not depth:
                break
        buf.append(ord(c) & 0xFF)
    return bytes(buf)


def _decode_bom(b: bytes) -> str:
    if b.startswith(b"\xef\xbb\xbf"):
        return b[3:].decode("utf-8", "replace")
    return b[2:].decode("utf-16-be", "replace")


STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)  # a stream's bytes (casebook.build.auditpdf too)


def _raw_streams(data: bytes) -> str:
    out = [data.decode("latin-1")]
    for match in STREAM_RE.finditer(data):
        try:
            out.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


PDF_TEXT_DIR = "pdfium-text"  # under the audit's cache folder: what PDFium read of each PDF, by its hash


def pdf_text(data: bytes) -> str:
    """Everything of a PDF the leak scan reads, as one text.

    The text of every page, the document information (Title, Author,
    Subject, Keywords, Creator, Producer, dates) and the bookmark titles, as
    PDFium reads them; then every text string of the file written as UTF-16
    or UTF-8 (custom information keys, annotations, alternate text); then the
    raw bytes and every inflated stream.  A PDF PDFium cannot open still gets
    the last two parts.
    """
    return _pdf_text(_pdfium_text(data), data)


def _pdf_text(read: str, data: bytes) -> str:
    raw = _raw_streams(data)
    return "\n".join([read, *_text_strings(raw), raw])


def _pdfium_cache_path(data: bytes, cache_dir: Path) -> Path:
    return Path(cache_dir) / PDF_TEXT_DIR / (hashlib.sha256(data).hexdigest() + ".json")


def cached_pdfium(data: bytes, cache_dir: Path | None) -> dict[str, list[str]]:
    """_pdfium_read, kept on disk under the PDF's hash: an unchanged PDF is opened once.

    Only what PDFium read is stored (a few KB a PDF); an entry that is
    missing, changed or unsigned (an edited text could hide a name) is read
    from the PDF again.
    """
    if cache_dir is None:
        return _pdfium_read(data)
    path = _pdfium_cache_path(data, cache_dir)
    kept = store.read(path)
    try:
        read = json.loads(kept.decode("ascii")) if kept is not None else None
        if not (isinstance(read, dict) and all(isinstance(read.get(k), list) and all(isinstance(t, str) for t in read[k])
                                               for k in ("pages", "extra"))):
            read = None
    except (UnicodeDecodeError, ValueError):
        read = None
    if read is None:
        read = _pdfium_read(data, _known_pages(path, cache_dir))
        store.write_quietly(path, json.dumps(read).encode("ascii"))
    return read


# A portfolio or tag PDF is pikepdf's join of its cover, its contents and case PDFs, whose pages it copies
# with their resources: PDFium reads each copied page as it reads it in the part.  The join keeps which parts
# (by hash) make the PDF and how many pages each gave (keep_layout); the audit, which reads each case PDF of
# the site anyway, then loads only the pages of parts it has not read (the cover and contents, an edited
# case).  At 300 cases an edit's five tag PDFs and the portfolio were 1.3 s of PDFium's CPU.
LAYOUT_SUFFIX = ".parts.json"


def keep_layout(joined: bytes, parts: list[tuple[bytes, int]], cache_dir: Path, version: int) -> None:
    """Keep, for the audit, that ``joined`` is the pages of ``parts`` (each part's bytes and pages given) in order;
    ``version``: the audit's (its cache of PDFium's reads is kept under it)."""
    store.Cache(Path(cache_dir), PDF_TEXT_DIR, version)  # as the audit registers it: pruned with it
    layout = [[hashlib.sha256(data).hexdigest(), pages] for data, pages in parts]
    store.write_quietly(_layout_path(_pdfium_cache_path(joined, cache_dir)), json.dumps(layout).encode("ascii"))


def _layout_path(read_path: Path) -> Path:
    """Where the layout of the PDF whose PDFium read is kept at ``read_path`` is kept: beside it."""
    return read_path.with_name(read_path.name[:-len(".json")] + LAYOUT_SUFFIX)


def _known_pages(path: Path, cache_dir: Path) -> tuple[int, dict[int, str]]:
    """The joined PDF's page count and the pages (by index) its parts' kept reads give; (0, {}) without a
    layout kept for it."""
    raw = store.read(_layout_path(path))  # None: none, edited, unsigned
    known: dict[int, str] = {}
    try:
        layout = json.loads(raw) if raw is not None else []
        start = 0
        for digest, pages in layout:
            if not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest) and isinstance(pages, int)):
                return 0, {}
            kept = store.read(Path(cache_dir) / PDF_TEXT_DIR / f"{digest}.json")
            part = json.loads(kept) if kept is not None else None
            if isinstance(part, dict) and isinstance(part.get("pages"), list) and len(part["pages"]) == pages \
                    and all(isinstance(t, str) for t in part["pages"]):
                known.update(zip(range(start, start + pages), part["pages"]))
            start += pages
    except (ValueError, TypeError):
        return 0, {}
    return start, known


def cached_pdf_text(data: bytes, cache_dir: Path | None) -> str:
    """pdf_text, with PDFium's part read through cached_pdfium; the raw part is recomputed
    from the bytes, which takes a millisecond or two."""
    return _pdf_text(_joined(cached_pdfium(data, cache_dir)), data)
