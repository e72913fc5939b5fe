"""A portfolio PDF joined from parts: its cover and contents, then each case's own PDF.

Rendering every case again into one long WeasyPrint document costs time
and memory that grow faster than the number of cases, and any edit would
redo all of it.  The case PDFs are made (and cached) anyway, so the
portfolio is the cover and contents (one small render) followed by them,
joined with pikepdf (qpdf: fast, and linear in the number of parts): an
edit re-renders one case and the cover.

The contents give each case's first page; their links (``casebook-page:N``
in the cover's HTML) become jumps to that page, and the outline gets one
entry a case.  The case PDFs are tagged; the joined file is not (qpdf
does not join structure trees), so it does not claim PDF/UA.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Callable

from casebook import store
from casebook.errors import CasebookError
from casebook.load.cases import LoadedCase

from .compose import CONTENTS_PER_PART, Context, portfolio_cover_docs
from .engine import RenderResult, cache_key, render_html

PAGE_LINK = "casebook-page:"


def assemble_portfolio(ctx: Context, cases: list[LoadedCase], parts: list[Path], page_counts: list[int],
                       out_path: Path, roots: tuple[str, ...], name: str = "portfolio", view_of=None,
                       total: int = 0, joined: Callable[[bytes, list[tuple[bytes, int]]], None] | None = None) -> int:
    """Write the portfolio of ``cases`` (their PDFs are ``parts``) to out_path; return its pages.

    ``joined(data, parts)`` is told what was written and the parts it is made of, in order: each part's
    bytes and the pages it gave (the cover, the contents, the case PDFs).
    """
    import pikepdf  # deferred: pikepdf is heavy and loaded only when this runs

    memo = Path(out_path).parent / "portfolio-cover-pages.json"  # what the last cover of this size took
    cover_pages = _guess_cover_pages(memo, len(cases))
    for _attempt in range(4):  # the contents took more or fewer pages than guessed: lay out again
        starts = _starts(cover_pages, page_counts)
        docs = portfolio_cover_docs(ctx, cases, starts, name, view_of, total)
        results = [_cover(doc, roots, Path(out_path).parent) for doc in docs]
        if sum(r.pages for r in results) == cover_pages:
            break
        cover_pages = sum(r.pages for r in results)
    else:  # pragma: no cover - the page count settles at once in practice
        raise CasebookError(f"{out_path.name}: the contents' page numbers do not settle")
    _remember(memo, len(cases), cover_pages)

    with pikepdf.Pdf.open(io.BytesIO(results[0].data)) as pdf:
        sources = []
        made_of = [(results[0].data, len(pdf.pages))]
        try:
            # the contents' other parts, then the cases; from bytes: qpdf reads a
            # source again when it writes, and a thousand open files would run
            # out of descriptors
            for data in [r.data for r in results[1:]] + [_part(part) for part in parts]:
                src = pikepdf.Pdf.open(io.BytesIO(data))
                sources.append(src)
                made_of.append((data, len(src.pages)))
                pdf.pages.extend(src.pages)
            _link_contents(pdf, cover_pages)
            with pdf.open_outline() as outline:
                for loaded, start in zip(cases, starts):
                    outline.root.append(pikepdf.OutlineItem(loaded.case.title, start - 1))
            # The parts are tagged each on its own; pikepdf cannot join
            # structure trees, so the whole must not claim to be tagged.
            for key in ("/StructTreeRoot", "/MarkInfo", "/Metadata"):
                if key in pdf.Root:
                    del pdf.Root[key]
            pdf.Root.PageMode = pikepdf.Name.UseOutlines
            buf = io.BytesIO()
            pdf.save(buf, deterministic_id=True, fix_metadata_version=False,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
            pages = len(pdf.pages)
        finally:
            for src in sources:
                src.close()
    store.write(Path(out_path), buf.getvalue())  # a cache entry, copied out by the caller
    if joined is not None:
        joined(buf.getvalue(), made_of)
    return pages


def _guess_cover_pages(memo: Path, cases: int) -> int:
    try:
        return int(json.loads(store.read(memo) or b"{}")[str(cases)])
    except (ValueError, KeyError, TypeError):
        return 1 + max(1, -(-cases // CONTENTS_PER_PART))


def _starts(cover_pages: int, page_counts: list[int]) -> list[int]:
    starts, page = [], cover_pages + 1
    for count in page_counts:
        starts.append(page)
        page += max(1, count)
    return starts


def missing_covers(ctx: Context, cases: list[LoadedCase], page_counts: list[int], out_path: Path,
                   roots: tuple[str, ...], name: str = "portfolio", view_of=None, total: int = 0) -> list:
    """The cover and contents documents assemble_portfolio will lay out first and the cache lacks.

    A build renders those of all its portfolios together, in parallel
    (:func:`keep_cover`), before it joins them one after another.
    """
    folder = Path(out_path).parent
    starts = _starts(_guess_cover_pages(folder / "portfolio-cover-pages.json", len(cases)), page_counts)
    return [doc for doc in portfolio_cover_docs(ctx, cases, starts, name, view_of, total)
            if not _cover_cached(_cover_path(doc, roots, folder))]


def _cover_path(doc, roots: tuple[str, ...], folder: Path) -> Path:
    return folder / f"cover-{cache_key(doc, roots)}.pdf"


def _cover_cached(path: Path) -> RenderResult | None:
    data, info = store.read(path), store.read(path.with_suffix(".json"))  # None: missing, changed, unsigned
    if data is not None and info is not None:
        try:
            return RenderResult(data, [], 0.0, int(json.loads(info)["pages"]))
        except (ValueError, KeyError, TypeError):
            pass
    return None


def keep_cover(doc, roots: tuple[str, ...], folder: Path, result: RenderResult) -> None:
    """Keep a rendered cover or contents document where assemble_portfolio looks for it."""
    path = _cover_path(doc, roots, folder)
    store.write_quietly(path, result.data)
    store.write_quietly(path.with_suffix(".json"), json.dumps({"pages": result.pages}).encode("utf-8"))


def _part(path: Path) -> bytes:
    """A case PDF from the cache, only as its signed record vouches for it."""
    data = store.read(path)
    if data is None:  # checked (or made) a moment ago: changed under this build
        raise CasebookError(f"{path}: the cached case PDF is missing or was changed during the build; "
                            f"nothing was published; build again")
    return data


def _cover(doc, roots: tuple[str, ...], folder: Path):
    """The cover and contents, from the PDF cache when their HTML has not changed
    (an edit that changes no title, headline or page number)."""

    cached = _cover_cached(_cover_path(doc, roots, folder))
    if cached is not None:
        return cached
    result = render_html(doc.html, doc.base_url, roots)
    keep_cover(doc, roots, folder, result)
    return result


def _remember(memo: Path, cases: int, pages: int) -> None:
    try:
        known = json.loads(store.read(memo) or b"{}")
        known = known if isinstance(known, dict) else {}
    except ValueError:
        known = {}
    known[str(cases)] = pages
    store.write_quietly(memo, json.dumps(dict(list(known.items())[-50:])).encode("utf-8"))


def _link_contents(pdf, cover_pages: int) -> None:
    """casebook-page:N links on the contents pages become jumps to page N."""
    import pikepdf  # deferred: pikepdf is heavy and loaded only when this runs

    for page in list(pdf.pages)[:cover_pages]:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            number = uri[len(PAGE_LINK):]
            if uri.startswith(PAGE_LINK) and number.isdigit() and 0 < int(number) <= len(pdf.pages):
                del annot["/A"]
                annot.Dest = pikepdf.Array([pdf.pages[int(number) - 1].obj, pikepdf.Name.Fit])
