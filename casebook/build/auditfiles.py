"""A file as the leak audit reads it: gzip undone, and every text it holds (casebook.load.filetext).

A page, search index or sitemap is UTF-8 text; a PDF is read by PDFium
(casebook.build.pdftext).  Everything else the site holds was, until now,
read as Latin-1 bytes only, which finds an ASCII name in an image's
metadata and misses a Cyrillic one in a UTF-8 ``.csv``, a UTF-16 export, a
``.docx`` or an image's EXIF.  Now every file is also read for what it
says: as UTF-8, as UTF-16 when it is UTF-16 text, an archive member by
member, an image's text chunks, EXIF and XMP.  What cannot be read whole is
said (``unread``), and the audit refuses to publish it.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from casebook.load import filetext

from .pdftext import cached_pdf_text

TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".xml", ".css", ".txt", ".svg", ".map", ".md", ".webmanifest"}


def suffix_of(name: str) -> str:
    """A file's suffix, lower case; a gzipped file's is the one before ``.gz``.

    As pathlib says it (``Path(name).suffix``: none for ".hidden" or "name."),
    read off the string: the audit asks twice for each file of a site (9,241
    at 1,000 cases), and two Path objects a file took 0.08 s of an edit.
    """
    base = name.rstrip("/").rpartition("/")[2]
    suffix = _suffix(base)
    return _suffix(base[:-len(suffix)]) if suffix == ".gz" else suffix


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


class Content:
    """A file's bytes as the audit reads them: gzip undone and text decoded on first use.

    A file whose verdict is cached is usually never decompressed or decoded.
    """

    def __init__(self, raw: bytes, name: str, cache_dir: Path | None):
        self.raw, self.cache_dir, self.name = raw, cache_dir, name
        self.gzipped = Path(name).suffix.lower() == ".gz"
        self.suffix = suffix_of(name)
        self._data: bytes | None = None if self.gzipped else raw
        self._ok: bool | None = None if self.gzipped else True
        self._text: str | None = None
        self.unread: list[str] = []  # what of the file could not be read (an encrypted member...)

    @property
    def ok(self) -> bool:
        """False for a damaged gzip file: only its name is checked."""
        if self._ok is None:
            try:
                self._data, self._ok = gzip.decompress(self.raw), True
            except (OSError, EOFError, zlib.error):
                self._data, self._ok = b"", False
        return self._ok

    @property
    def data(self) -> bytes:
        if self._data is None:
            self.ok  # noqa: B018 - decompresses
        return self._data

    @property
    def text(self) -> str:
        if self._text is None:
            if self.suffix == ".pdf":
                self._text = cached_pdf_text(self.data, self.cache_dir)
                return self._text
            if self.suffix in TEXT_SUFFIXES:
                self._text = self.data.decode("utf-8", errors="replace")
                if filetext.plain_utf8(self.data):
                    return self._text  # a page, the search index: read as it is, once
            else:
                self._text = self.data.decode("latin-1")  # names in metadata, in any single-byte text
            contents = filetext.read(self.data, self.name)
            self.unread = contents.unread
            self._text = "\n".join([self._text, *(t for t in contents.texts if t != self._text)])
        return self._text
