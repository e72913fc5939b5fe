"""The only way a PDF renderer may read anything: a restricted URL fetcher.

WeasyPrint's own fetcher reads any ``file:`` URL and any web address, so
an ``<img src="file:///etc/passwd">`` or ``<link rel="attachment">`` in
the HTML would copy a file of the build machine into the PDF, and an
``http://`` image would make the build wait on the network.  This fetcher
allows exactly:

* ``data:`` URIs (prepared media and charts are embedded this way);
* ``file:`` URLs of regular files with an allowed suffix (fonts, CSS,
  images) that resolve, symbolic links followed, inside one of the
  allowed folders (the theme, the project, generated chart files),
  never inside a hidden folder such as ``.git``.

Anything else raises :class:`FetchRefused` at once, without opening a
socket or a file.  WeasyPrint turns that into an empty slot (and a
warning); the builder records every refusal and reports it.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from . import weasy  # noqa: F401 - first: WeasyPrint loaded without ctypes' slow library search
from weasyprint.urls import URLFetcher, URLFetcherResponse

# What a print document legitimately reads from disk.
ALLOWED_SUFFIXES = frozenset({
    ".css", ".ttf", ".otf", ".woff", ".woff2",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
})
MAX_BYTES = 25_000_000  # no single resource of a PDF is larger than this
MAX_DATA_URI = 40_000_000

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")
_MIME = {
    ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
    ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml",
}


class FetchRefused(ValueError):
    """A resource the PDF renderer may not read."""


class SafeFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads only inside ``roots``.

    ``refused`` lists every URL that was asked for and refused, in order.
    """

    def __init__(self, roots: Iterable[Path | str]):
        # No handlers are used: fetch() below never calls urllib.
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False,
                         fail_on_errors=False)
        self.roots = tuple(sorted({Path(r).resolve() for r in roots}))
        self.refused: list[str] = []

    # WeasyPrint calls fetch() (through __call__ and open()).
    def fetch(self, url, headers=None):  # noqa: D102 - see class docstring
        try:
            return self._fetch(str(url))
        except FetchRefused as exc:
            self.refused.append(_short(str(url)))
            raise exc

    def _fetch(self, url: str) -> URLFetcherResponse:
        match = _SCHEME_RE.match(url)
        scheme = match.group(1).lower() if match else ""
        if scheme == "data":
            return _data_uri(url)
        if scheme != "file":
            raise FetchRefused(f"casebook PDFs read no {scheme or 'relative'} URLs: {_short(url)}")
        path = self.check_path(url)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FetchRefused(f"file too large for a PDF ({size} bytes): {path.name}")
        data = path.read_bytes()
        mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    def check_path(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it may be read; else FetchRefused."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"no files from other hosts: {_short(url)}")
        raw = url2pathname(unquote(parts.path))
        if "\x00" in raw:
            raise FetchRefused("no NUL bytes in file names")
        try:
            path = Path(raw).resolve(strict=True)
        except (OSError, RuntimeError):
            raise FetchRefused(f"no such file: {_short(url)}") from None
        root = next((r for r in self.roots if path.is_relative_to(r)), None)
        if root is None:
            raise FetchRefused(f"file outside the project, theme and chart folders: {_short(url)}")
        if any(part.startswith(".") for part in path.relative_to(root).parts[:-1]):
            raise FetchRefused(f"file in a hidden folder: {_short(url)}")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise FetchRefused(f"not a font, stylesheet or image: {_short(url)}")
        if not path.is_file():
            raise FetchRefused(f"not a regular file: {_short(url)}")
        return path


def _data_uri(url: str) -> URLFetcherResponse:
    if len(url) > MAX_DATA_URI:
        raise FetchRefused("data: URI too large")
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise FetchRefused("malformed data: URI")
    params = header.split(";")
    mime = params[0].strip() or "text/plain"
    try:
        if params[-1].strip().lower() == "base64":
            data = base64.b64decode(payload, validate=False)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise FetchRefused("malformed data: URI") from None
    headers = {"Content-Type": mime}
    for p in params[1:]:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset" and value:
            headers["Content-Type"] = f"{mime}; charset={value.strip()}"
    return URLFetcherResponse(url[:64], data, headers)


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."


def url_fetcher(roots: Iterable[Path | str]) -> SafeFetcher:
    """A restricted fetcher reading only inside ``roots`` (plus data: URIs)."""
    return SafeFetcher(roots)
