"""Engine: HTML to PDF bytes, safely, reproducibly, in parallel, cached.

* Safe: every read goes through :class:`~casebook.pdf.fetch.SafeFetcher`;
  attachments (``<link rel=attachment>``, ``<a rel=attachment>``, the
  ``attachments`` option) are dropped before the PDF is written.
* Reproducible: the documents carry fixed dates (``dcterms.created``), the
  file identifier is a hash of the content, nothing depends on the clock.
* Parallel: the HTML is composed in the parent; documents not in the
  cache are rendered by a small process pool, one document a task.
* Cached: a PDF is keyed by the sha256 of its HTML, its base URL, the
  bytes of the theme files it may read (print CSS, fonts) and the versions
  of casebook, WeasyPrint and pydyf; hits are copied from
  ``cache_dir/pdf/``, each only when its signed record (:mod:`casebook.store`)
  vouches for its bytes; anything else is rendered again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from casebook import __version__ as casebook_version
from casebook.settings import theme_dir

from .compose import PdfDoc, base_url

log = logging.getLogger("casebook.pdf")

ENGINE_VERSION = "2"  # bump when a change here changes the bytes of a PDF
MAX_WORKERS = 4
PROGRESS_MIN = 4  # show a progress bar from this many PDFs on


def pdf_options() -> dict:
    """WeasyPrint's write options: tagged PDF/UA, no attachments, fixed ID."""
    return {
        "pdf_variant": "pdf/ua-1",
        "pdf_tags": True,
        "pdf_identifier": True,  # a hash of the content: same input, same ID
        "attachments": [],
        "optimize_images": True,
        "jpeg_quality": 82,
        "dpi": 200,  # images are downscaled to this resolution at their printed size
        "custom_metadata": False,
        "xmp_metadata": None,
    }


@dataclass
class RenderResult:
    data: bytes
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0


def roots_of(project, charts, cache_dir: Path | None) -> tuple[str, ...]:
    """The folders a print document may read: the theme, the project, the chart caches."""
    roots = [theme_dir(), project.root]
    folder = getattr(charts, "cache_dir", None)
    if folder:
        roots.append(Path(folder))
    if cache_dir:
        roots.append(Path(cache_dir) / "charts")
    return tuple(sorted({str(Path(r).resolve()) for r in roots}))


def render_html(html: str, base_url: str, roots: tuple[str, ...], fallback_html: tuple[str, ...] = (),
                max_pages: int = 0) -> RenderResult:
    """One document to PDF bytes (runs in a worker or in this process).

    While the document has more than ``max_pages`` pages, the next of
    ``fallback_html`` (the same document with less in it) is laid out instead.
    """
    from . import weasy  # noqa: F401 - deferred: WeasyPrint, loaded without ctypes' slow search, only to render
    from weasyprint import HTML  # deferred: as above

    from .fetch import SafeFetcher  # deferred: the fetcher subclasses WeasyPrint's, loaded only to render

    started = time.perf_counter()
    fetcher = SafeFetcher(roots)
    layout_options = {k: v for k, v in pdf_options().items()
                      if k in ("pdf_variant", "pdf_tags", "optimize_images", "dpi", "jpeg_quality")}
    sheet = _print_sheet(base_url, html)
    refused: list[str] = []
    if sheet is not None:  # the theme's print.css, parsed once in this process
        layout_options.update(stylesheets=[sheet.css], font_config=sheet.font_config)
        refused += sheet.refused
        html, fallback_html = _unlinked(html), tuple(_unlinked(h) for h in fallback_html)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**layout_options)
    for smaller in fallback_html:
        if not max_pages or len(document.pages) <= max_pages:
            break
        document = HTML(string=smaller, base_url=base_url, url_fetcher=fetcher).render(**layout_options)
    # No file may ride along as an attachment, whatever the HTML says.
    document.metadata.attachments = []
    document.metadata.xmp_metadata = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    data = document.write_pdf(**pdf_options())
    return RenderResult(data, refused + list(fetcher.refused), time.perf_counter() - started, len(document.pages))


# The link every print document's head has (theme/pdf/base.html), and the
# sheet it names: parsed once per process instead of once per document.
PRINT_CSS_LINK = '<link rel="stylesheet" href="print.css">'


@dataclass
class _Sheet:
    css: Any  # weasyprint.CSS
    font_config: Any  # the FontConfiguration its @font-face rules were added to (it owns a temporary folder)
    refused: list[str]
    pid: int  # the process that made it


_SHEETS: dict[tuple, _Sheet] = {}
_INHERITED: list[_Sheet] = []  # a parent's sheets a forked worker replaced: their fonts are the parent's to remove


def _drop_sheets() -> None:
    """Let go of this process's sheets and remove the temporary folder their fonts
    were copied to.  WeasyPrint removes it when the font configuration is
    collected, which for a shared one is never in a worker (ended with
    os._exit) and fails late in interpreter shutdown: so it is done here, as
    each process ends (and when the stylesheet changes)."""
    for sheet in _SHEETS.values():
        if sheet.pid != os.getpid():  # a forked worker's copy of its parent's: the parent removes it
            _INHERITED.append(sheet)
            continue
        folder = getattr(sheet.font_config, "_folder", None)
        if folder:
            sheet.font_config._folder = None
            shutil.rmtree(folder, ignore_errors=True)
    _SHEETS.clear()


def _print_sheet(base_url: str, html: str) -> _Sheet | None:
    """theme/pdf/print.css as a parsed stylesheet with its fonts loaded, made once
    per process (and again when the file changes); None when ``html`` does not
    link it from the theme (then WeasyPrint reads what the document links).

    It is handed to WeasyPrint as a user stylesheet; the document's own
    <style> (page footer, accent colour) is author origin and still wins
    over it, as it did when it came after the link: the bytes are the same.
    """
    from . import weasy  # noqa: F401 - deferred: WeasyPrint, loaded without ctypes' slow search, only to render
    from weasyprint import CSS  # deferred: as above
    from weasyprint.text.fonts import FontConfiguration  # deferred: as above

    from .fetch import SafeFetcher  # deferred: the fetcher subclasses WeasyPrint's, loaded only to render

    folder = theme_dir() / "pdf"
    if base_url != folder.as_uri() + "/" or PRINT_CSS_LINK not in html:
        return None
    path = folder / "print.css"
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _SHEETS:
        from multiprocessing.util import Finalize  # deferred: needed only where a sheet is made

        fetcher = SafeFetcher((str(theme_dir()),))
        font_config = FontConfiguration()
        css = CSS(url=path.as_uri(), url_fetcher=fetcher, font_config=font_config)
        if not any(sheet.pid == os.getpid() for sheet in _SHEETS.values()):
            # run by multiprocessing as a worker ends, and at exit in the build process
            Finalize(None, _drop_sheets, exitpriority=10)
        _drop_sheets()
        _SHEETS[key] = _Sheet(css, font_config, list(fetcher.refused), os.getpid())
    return _SHEETS[key]


def warm_up() -> None:
    """WeasyPrint imported and the print stylesheet parsed in this process, now.

    For a build that would otherwise sit waiting for its PDF worker (an
    edit): what it does next, laying out the covers and contents of the PDFs
    it joins again, began by importing WeasyPrint here (a second at 300
    cases, between the worker's PDF and the published site).
    """
    _print_sheet(base_url(), PRINT_CSS_LINK)


def _unlinked(html: str) -> str:
    return html.replace(PRINT_CSS_LINK, "", 1)


@lru_cache(maxsize=None)
def _versions() -> str:
    # the installed distributions' versions (what weasyprint.__version__ and pydyf.__version__ say),
    # read without importing WeasyPrint: an edit whose PDFs all come from the cache never loads it
    from importlib.metadata import version  # deferred: only a cache key needs it

    return f"casebook {casebook_version}; engine {ENGINE_VERSION}; weasyprint {version('weasyprint')}; pydyf {version('pydyf')}"


@lru_cache(maxsize=None)
def _theme_digest(folder: str, stamp: tuple) -> str:
    h = hashlib.sha256()
    base = Path(folder)
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        h.update(path.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def theme_digest() -> str:
    """Hash of every theme file a print document may read (pdf/, fonts/, partials/)."""
    parts = []
    for sub in ("pdf", "fonts"):
        folder = theme_dir() / sub
        if folder.is_dir():
            stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                 for p in folder.rglob("*") if p.is_file()))
            parts.append(_theme_digest(str(folder), stamp))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(doc: PdfDoc, roots: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for part in (_versions(), theme_digest(), doc.base_url, "\n".join(roots), repr(sorted(pdf_options().items())),
                 doc.html, str(doc.max_pages), *doc.fallback_html):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def worker_count(n_jobs: int) -> int:
    env = os.environ.get("CASEBOOK_PDF_WORKERS", "").strip()
    if env.isdigit():
        return max(1, min(int(env), n_jobs))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS, n_jobs))


def _os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # pragma: no cover - not Linux
        return 0


def _mp_context():
    """fork when this process has one thread (workers start at once with
    WeasyPrint imported); else a fork server that preloads WeasyPrint, since
    forking a process with other threads (vl-convert's engine, for one) is
    unsafe."""
    import multiprocessing as mp  # deferred: multiprocessing is heavy and loaded only when this runs

    methods = mp.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and _os_threads() == 1:
        return mp.get_context("fork")
    # The fork server listens on a Unix socket in a folder under TMPDIR, and such a path
    # may hold at most 107 bytes: a long TMPDIR ("AF_UNIX path too long") takes spawn.
    if "forkserver" in methods and len(os.fsencode(tempfile.gettempdir())) <= 60:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["casebook.pdf.weasy", "casebook.pdf.engine"])
        return ctx
    return mp.get_context("spawn")


class _NoProgress:
    def advance(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def close(self) -> None:
        pass


class _RichProgress:
    def __init__(self, total: int, label: str):
        from rich.console import Console  # deferred: rich is heavy and loaded only when this runs
        from rich.progress import (  # deferred: rich is heavy and loaded only when this runs
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task(label, total=total)
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def pause(self) -> None:
        """Stop the refresh thread (a fresh pool is forked from a process with one thread)."""
        self.progress.stop()

    def resume(self) -> None:
        self.progress.start()

    def close(self) -> None:
        self.progress.stop()


def _progress(total: int, label: str):
    if total >= PROGRESS_MIN and sys.stderr.isatty():
        try:
            return _RichProgress(total, label)
        except Exception:  # noqa: BLE001 - progress is a nicety
            return _NoProgress()
    return _NoProgress()
