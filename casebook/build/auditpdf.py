"""The leak audit of a PDF part by part: a part already searched under the same rules is not searched again.

A tag's PDF and the portfolio are a cover and contents followed by case
PDFs whose streams pikepdf copies byte for byte.  Searched whole, one edit
made the audit search every tag PDF holding the edited case again (0.6 to
0.8 s of CPU each at 300 cases, most of it the inflated streams).  Here a
PDF is cut where its own content says, not where the build joined it:

* each stream: its raw bytes, its inflated content and the UTF-16 or UTF-8
  strings in either, kept under the hash of its raw bytes;
* each page's text as PDFium reads it, kept under the hash of the text, and
  across each page break a window of the end of one page and the start of
  the next (``PIECE_OVERLAP`` characters each side, cut at white space), so
  a name broken across two pages is found as in the whole text;
* the rest, searched on every scan: the document information and bookmark
  titles, and the file outside its streams (object dictionaries, the
  cross-reference table) with the strings in it.

That is the text a whole scan reads (casebook.build.pdftext.pdf_text), in
pieces: every match there is whole in one piece, since a stream's bytes sit
between the keywords ``stream`` and ``endstream``.  A page's text and a
window are cut out of the document's text, and a disclosed name broken at
such an edge is masked there (casebook.load.masking), since the piece that
overlaps it holds it whole.  The findings of each
kept piece are held in one signed record (casebook.store) per rule set: an
edited or unsigned record reads as empty and every part is searched again.
It holds the parts of the PDFs the last audit saw (so it does not grow),
listed by each PDF's audit key, since a PDF whose whole verdict is kept is
not cut up again.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path
from typing import Callable

from casebook import store
from casebook.load.masking import NOT_CUT

from .pdftext import STREAM_RE, _text_strings, cached_pdfium

PARTS_GLOB = "pdf-parts-*.json"
WINDOW = 2048  # characters each side of a page break: the audit's PIECE_OVERLAP, more than any name
_SPACE_RE = re.compile(r"\s")


current: "Parts | None" = None  # the audit's, while it scans: forked workers find it here


class Parts:
    """The findings of PDF parts, by part key, and which parts each PDF (by audit key) is made of."""

    def __init__(self, cache_dir: Path | None, fingerprint: str):
        self.path = Path(cache_dir) / PARTS_GLOB.replace("*", fingerprint) if cache_dir is not None else None
        self.fingerprint = fingerprint
        self.found: dict[str, list] = {}
        self.pdfs: dict[str, list[str]] = {}
        self.new: dict[str, list] = {}  # found by this process (a worker hands them back)
        self._loaded: tuple[dict, dict] = ({}, {})
        if self.path is not None:
            self.found, self.pdfs = _load(self.path, fingerprint)
            self._loaded = (dict(self.found), dict(self.pdfs))

    def merge(self, found: dict[str, list], pdfs: dict[str, list[str]]) -> None:
        """What a worker process learnt."""
        self.found.update(found)
        self.pdfs.update(pdfs)

    def save(self, file_keys: set[str]) -> None:
        """Keep the parts of the PDFs this audit saw (file_keys: every file's audit key)."""
        if self.path is None:
            return
        pdfs = {k: v for k, v in self.pdfs.items() if k in file_keys}
        used = {p for parts in pdfs.values() for p in parts}
        found = {k: v for k, v in self.found.items() if k in used}
        if (found, pdfs) == self._loaded:
            store.touch(self.path)  # in use: pruning keeps it
            return
        doc = {"rules": self.fingerprint, "parts": found, "pdfs": pdfs}
        store.write_quietly(self.path, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode())


def _load(path: Path, fingerprint: str) -> tuple[dict, dict]:
    try:
        raw = store.read(path)
        if raw is None:
            return {}, {}
        doc = json.loads(raw)
        if doc.get("rules") != fingerprint:
            return {}, {}
        found = {str(k): [[str(what), str(detail)] for what, detail in v] for k, v in doc["parts"].items()}
        pdfs = {str(k): [str(p) for p in v] for k, v in doc["pdfs"].items()}
        return found, pdfs
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}


def _key(kind: str, data: bytes) -> str:
    return hashlib.sha256(kind.encode() + b"\0" + data).hexdigest()[:40]


def _tail(text: str) -> str:
    """The end of a page's text, from white space at least WINDOW characters from its end."""
    if len(text) <= WINDOW:
        return text
    cut = _SPACE_RE.search(text, len(text) - WINDOW)
    return text[cut.start():] if cut else ""


def _head(text: str) -> str:
    """The start of a page's text, to white space at least WINDOW characters in."""
    if len(text) <= WINDOW:
        return text
    cut = _SPACE_RE.search(text, WINDOW)
    return text[:cut.start()] if cut else text


def _stream_text(body: bytes) -> str:
    raw = body.decode("latin-1")
    texts = [raw]
    try:
        texts.append(zlib.decompress(body).decode("latin-1"))
    except zlib.error:
        pass
    return "\n".join(texts + [s for t in texts for s in _text_strings(t)])


def scan(data: bytes, file_key: str, scan_text: Callable[[str, tuple[bool, bool]], list], parts: Parts,
         cache_dir: Path | None) -> list:
    """[what, detail] of every leak in a PDF, part by part; new parts' findings go into ``parts``.

    scan_text(text, cut) searches one text the way the audit searches a PDF's (``cut``: which of its edges
    were cut from the document's text, casebook.load.masking).
    """
    found: list = []
    keys: list[str] = []

    def kept(kind: str, key_data: bytes, text: Callable[[], str], cut: tuple[bool, bool] = NOT_CUT) -> None:
        key = _key(f"{kind}{cut[0]:d}{cut[1]:d}", key_data)
        keys.append(key)
        verdict = parts.found.get(key)
        if verdict is None:
            verdict = parts.found[key] = parts.new[key] = [list(f) for f in scan_text(text(), cut)]
        found.extend(tuple(f) for f in verdict)

    read = cached_pdfium(data, cache_dir)
    pages = read["pages"]
    for i, page in enumerate(pages):
        # a page's edges are cuts of the document's text (but its very start): the window across each page
        # break, cut inside the pages on either side, holds what stands at a break whole
        kept("page", page.encode("utf-8", "surrogatepass"), lambda page=page: page, (i > 0, True))
        if i:
            window = _tail(pages[i - 1]) + "\n" + _head(page)
            kept("break", window.encode("utf-8", "surrogatepass"), lambda window=window: window, (True, True))
    outside: list[str] = []
    last = 0
    for m in STREAM_RE.finditer(data):
        body = m.group(1)
        kept("stream", body, lambda body=body: _stream_text(body))
        outside.append(data[last:m.start(1)].decode("latin-1"))
        last = m.end(1)
    outside.append(data[last:].decode("latin-1"))
    rest = "\n".join(outside)
    fresh = "\n".join([(_tail(pages[-1]) if pages else ""), *read["extra"], *_text_strings(rest), rest])
    found.extend(tuple(f) for f in scan_text(fresh, (bool(pages), False)))
    parts.pdfs[file_key] = keys
    return [list(f) for f in sorted(set(found))]
