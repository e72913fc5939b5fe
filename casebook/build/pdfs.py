"""The build's PDFs: a PDF per public case, the portfolio, and private client reports.

Made with WeasyPrint from the site's Jinja partials (``theme/partials``) and
the print templates and styles in ``theme/pdf``.

* :func:`build_public_pdfs` writes ``site/pdf/<slug>.pdf`` for every public
  case and ``site/pdf/portfolio.pdf`` with all of them (the MkDocs plugin
  calls it after the build when its ``pdf`` option is on).  The case PDFs
  are made by :class:`casebook.build.casework.CaseWork` (in parallel, cached per
  case); the portfolio is its cover and contents joined with them
  (:mod:`casebook.pdf.assemble`).
* :func:`build_portfolio_pdf` writes a portfolio of chosen public cases
  (by slugs and/or a tag), e.g. one tailored to a vacancy.
* :func:`build_private_outputs` writes every private case and client report
  to ``out_dir/<client folder>/<slug>.pdf`` and ``.html``; never under the site.
* :func:`url_fetcher` is the restricted fetcher every render uses.

The renderer reads only data: URIs and files under the theme, the project and
the chart cache (fonts, stylesheets, images); fonts are bundled in
``theme/fonts``; the same input gives the same bytes; unchanged PDFs come
from ``cache_dir/pdf``; several PDFs render in parallel.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from casebook import reuse, store
from casebook.errors import CasebookError
from casebook.load.cases import LoadedCase
from casebook.load.project import Project, folder_name
from casebook.pdf import compose, engine
from casebook.pdf.assemble import assemble_portfolio, keep_cover, missing_covers
from casebook.pdf.compose import Context, PdfDoc
from casebook.pdf.engine import render_html, roots_of, worker_count
from casebook.settings import CACHE_DIR_NAME

from .audit import AUDIT_VERSION
from .casework import CaseWork, private_pdfs
from .lifeline import preload, worker_pool
from .pdftext import keep_layout

log = logging.getLogger("casebook.pdf")

__all__ = ["build_public_pdfs", "build_portfolio_pdf", "build_private_outputs", "select_cases", "BuildStats"]


@dataclass
class Job:
    doc: PdfDoc
    out: Path
    roots: tuple[str, ...]
    key: str = ""
    cached: bool = False
    seconds: float = 0.0
    refused: list[str] = field(default_factory=list)
    size: int = 0


@dataclass
class BuildStats:
    jobs: list[Job] = field(default_factory=list)
    seconds: float = 0.0  # rendering (or copying from the cache) and writing
    compose_seconds: float = 0.0  # making the HTML, charts included

    @property
    def rendered(self) -> int:
        return sum(not j.cached for j in self.jobs)

    @property
    def cached(self) -> int:
        return sum(j.cached for j in self.jobs)

    @property
    def refused(self) -> list[str]:
        return [f"{j.out.name}: {r}" for j in self.jobs for r in j.refused]


def _roots(project: Project, charts: Any, cache_dir: Path | None) -> tuple[str, ...]:
    return roots_of(project, charts, cache_dir)


def _cache(project: Project, cache_dir: Path | None) -> Path:
    return Path(cache_dir) if cache_dir else project.root / CACHE_DIR_NAME


def _work(project: Project, site: Any, cache: Path) -> CaseWork:
    """The site's case work when it makes PDFs too (its workers made them already), else a new one."""
    work = getattr(site, "work", None)
    if work is not None and work.pdf_ctx is not None and Path(work.cache_dir) == Path(cache):
        return work
    return CaseWork(project, cache, pdf_ctx=Context(project, charts=compose.chart_renderer(site, cache, project)))


def select_cases(project: Project, slugs: Iterable[str] | None = None, tag: str | None = None) -> list[LoadedCase]:
    """The public cases a portfolio holds: all, or those named (in that order), or those tagged."""
    public = {c.case.slug: c for c in project.public_cases}
    if slugs is not None:
        slugs = list(dict.fromkeys(slugs))
        private = {c.case.slug for c in project.private_cases}
        hidden = [s for s in slugs if s in private and s not in public]
        unknown = [s for s in slugs if s not in public and s not in private]
        if hidden:
            raise CasebookError(f"a portfolio holds public cases only; private: {', '.join(hidden)}")
        if unknown:
            raise CasebookError(f"no case with slug {', '.join(unknown)}; known: {', '.join(public)}")
        chosen = [public[s] for s in slugs]
    else:
        chosen = list(project.public_cases)
    if tag is not None:
        chosen = [c for c in chosen if tag in c.case.tags]
        if not chosen:
            tags = sorted({t for c in project.public_cases for t in c.case.tags})
            raise CasebookError(f"no public case is tagged {tag!r}; tags: {', '.join(tags)}")
    if not chosen:
        raise CasebookError("no public case to put in a portfolio")
    return chosen


def build_public_pdfs(project: Project, site: Any, site_dir: Path, cache_dir: Path | None = None,
                      portfolio_max: int = 0) -> BuildStats:
    """site_dir/pdf/<slug>.pdf for every public case, and site_dir/pdf/portfolio.pdf.

    The portfolio holds the ``portfolio_max`` most recent public cases (0:
    all); its cover says how many of how many.
    """
    started = time.perf_counter()
    cache = _cache(project, cache_dir)
    work = _work(project, site, cache)
    out = Path(site_dir) / "pdf"
    cases = list(project.public_cases)
    had = {c.case.slug for c in cases if work.pdf_path(c, "case").is_file()}
    work.ensure(pdfs=[(c, "case") for c in cases], label="PDF")
    made = len(cases) - len(had)
    stats = BuildStats()
    for loaded in cases:
        path = work.pdf_path(loaded, "case")
        job = Job(None, out / f"{loaded.case.slug}.pdf", (), key=path.stem, cached=loaded.case.slug in had)
        # the previous site's copy where it holds what the record says, else the verified bytes
        reuse.place(job.out, lambda loaded=loaded: work.pdf_data(loaded, "case"), lambda path=path: store.digest(path))
        job.size = job.out.stat().st_size  # the cached file may be gone meanwhile: the placed one is not
        stats.jobs.append(job)
    joins = []  # (cases, where, total): the portfolio, then one per tag page, the cached case PDFs joined again
    if cases:
        chosen = cases[:portfolio_max] if portfolio_max > 0 else cases  # newest first
        joins.append((chosen, out / "portfolio.pdf", len(cases)))
    tags = tag_pdfs(cases)
    # A tag's PDF is capped like the portfolio (its cover says "30 most recent of 120", the tag
    # page's link "The 30 most recent as PDF"): at a thousand cases the uncapped tag PDFs held
    # four times the case PDFs, joined and audited again on every build.
    joins += [(tagged[:portfolio_max] if portfolio_max > 0 else tagged, out / "tags" / f"{tag}.pdf",
               len(tagged) if 0 < portfolio_max < len(tagged) else 0) for tag, tagged in tags.items()]
    _render_covers(work, joins)
    _join_ahead(work, joins)
    for chosen, where, total in joins:
        _portfolio(work, chosen, where, total=total)
    stats.seconds = time.perf_counter() - started
    log.info("casebook: %d PDF(s) in %s: %d made, %d from the cache; %.1f s",
             len(cases) + bool(cases) + len(tags), out, made, len(cases) - made, stats.seconds)
    return stats


def warm_up() -> None:
    """What joining the PDFs and auditing them begin by loading, loaded now: for a build that
    waits for its PDF worker (an edit), where it cost 1.0-1.2 s after the worker was done."""
    engine.warm_up()  # WeasyPrint, for the covers and contents
    preload(("pikepdf", "pypdfium2"))  # the joins; the audit's text


def tag_pdfs(cases: list[LoadedCase]) -> dict[str, list[LoadedCase]]:
    """The public cases of each tag (compared without case), for site/pdf/tags/<tag>.pdf."""
    out: dict[str, list[LoadedCase]] = {}
    for loaded in cases:
        for tag in dict.fromkeys(t.casefold() for t in loaded.case.tags):
            out.setdefault(tag, []).append(loaded)
    return dict(sorted(out.items()))


def _portfolio(work: CaseWork, cases: list[LoadedCase], out_path: Path, total: int = 0, cover: Any = None) -> int:
    """Join the cases' PDFs (made where missing) behind a cover and contents; cached as a whole.

    ``cover`` (a casebook.pdf.compose.Cover: title, language, note) makes the
    cover for one reader, e.g. a vacancy; it is part of the cache key.
    """
    if cover is not None:
        work.pdf_ctx.cover = cover
    work.ensure(pdfs=[(c, "case") for c in cases], label="PDF")
    parts = [work.pdf_path(c, "case") for c in cases]
    cached = _joined_path(work, parts, out_path, total, cover)
    # the previous site's copy where it holds these bytes, else the cached one read:
    # missing, changed or unsigned, it is joined again
    if reuse.place(out_path, lambda: store.read(cached), lambda: store.digest(cached)):
        return 0
    pages = _join(work, cases, parts, cached, out_path.stem, total)
    reuse.place_entry(cached, out_path)
    return pages


def _join(work: CaseWork, cases: list[LoadedCase], parts: list[Path], cached: Path, name: str, total: int) -> int:
    """The cases' PDFs joined behind their cover and contents into the cache entry ``cached``; its pages."""
    for loaded in cases:  # each part as its record vouches for it (made again here if not), before it is joined
        work.pdf_data(loaded, "case")
    counts = _page_counts(work, cases, parts)
    roots = roots_of(work.project, work.pdf_ctx.charts, work.cache_dir)
    audit_dir = work.cache_dir / "audit"  # the plugin's audit cache folder (the project's cache, "audit")
    return assemble_portfolio(work.pdf_ctx, cases, parts, counts, cached, roots, name, _view_of(work), total,
                              joined=lambda data, made_of: keep_layout(data, made_of, audit_dir, AUDIT_VERSION))


JOINS_IN_POOL = 2  # portfolios to join from which two processes join them, into the cache
_joining: tuple[CaseWork, list] | None = None  # what _join_ahead's forked workers join (by index)


def _join_ahead(work: CaseWork, joins: list[tuple[list[LoadedCase], Path, int]]) -> None:
    """Join the portfolios not in the cache in parallel, into the cache, where :func:`_portfolio` finds them.

    They were joined one after another, in this process alone, with the
    other core idle: the five tag PDFs and the portfolio of an edit at 300
    cases took 1.3 s.  Largest first, so that the two workers end together.
    Only forked workers (this process with one thread): what is not joined
    here is joined by :func:`_portfolio` as before.
    """
    global _joining
    todo = []
    for cases, out_path, total in joins:
        parts = [work.pdf_path(c, "case") for c in cases]
        cached = _joined_path(work, parts, out_path, total, None)
        if not cached.is_file():  # kept (checked when it is used; one that fails is joined again there)
            todo.append((cases, parts, cached, out_path.stem, total))
    if len(todo) < JOINS_IN_POOL or worker_count(len(todo)) < 2 or engine._mp_context().get_start_method() != "fork":
        return
    todo.sort(key=lambda job: -len(job[0]))
    _joining = (work, todo)
    try:
        with worker_pool(worker_count(len(todo))) as pool:
            list(pool.map(_join_at, range(len(todo))))
    except Exception as exc:  # noqa: BLE001 - what is not joined here is joined when it is placed
        log.info("casebook: PDFs joined one after another (%s)", exc)
    finally:
        _joining = None


def _join_at(index: int) -> None:
    """One portfolio of _join_ahead's, in a forked worker."""
    work, todo = _joining
    _join(work, *todo[index])


def _joined_path(work: CaseWork, parts: list[Path], out_path: Path, total: int, cover: Any) -> Path:
    """Where a portfolio of these case PDFs is kept: keyed by them, its name, its cover."""
    tailored = ["tailored", cover.title, cover.lang, cover.note] if cover is not None else []
    key = hashlib.sha256("\0".join([work.shared, out_path.stem, str(total), *tailored,
                                     *(p.stem for p in parts)]).encode()).hexdigest()
    return work.cache_dir / "pdf" / f"portfolio-{key}.pdf"


def _page_counts(work: CaseWork, cases: list[LoadedCase], parts: list[Path]) -> list[int]:
    return [int(work.pdf_info(c, "case").get("pages") or _page_count(p)) for c, p in zip(cases, parts)]


def _view_of(work: CaseWork) -> Any:
    """What a cover and its contents show of a case: the site's card values, kept by each case's
    content key (a view of every case of a tag was made again at each edit, 0.8 s at 300 cases)."""
    return work.site.card if work.site is not None else None


COVERS_IN_POOL = 4  # fewer covers to lay out than this (an edit) are laid out here, without starting workers
# ... when the pool would come from a fork server (by now this process runs vl-convert's thread): the server
# starts by importing WeasyPrint, 0.9 s of an edit at 300 cases whose five covers take 0.5 s here
COVERS_FROM_SERVER = 16


def _render_covers(work: CaseWork, joins: list[tuple[list[LoadedCase], Path, int]]) -> None:
    """Lay out the covers and contents of every portfolio not in the cache, in parallel.

    Joining stays one portfolio after another (it is quick); the layout of
    their covers and contents, about a tenth of a second each and one a tag
    page, is what took the time, in this process alone while the workers
    were gone.  What is laid out here is kept in the cover cache, where
    :func:`casebook.pdf.assemble.assemble_portfolio` finds it.
    """
    roots = roots_of(work.project, work.pdf_ctx.charts, work.cache_dir)
    docs: dict[str, Any] = {}
    for cases, out_path, total in joins:
        parts = [work.pdf_path(c, "case") for c in cases]
        cached = _joined_path(work, parts, out_path, total, None)
        if cached.is_file():  # kept (checked when it is used; one that fails is joined again there)
            continue
        for doc in missing_covers(work.pdf_ctx, cases, _page_counts(work, cases, parts), cached, roots,
                                  out_path.stem, _view_of(work), total):
            docs.setdefault(doc.html, doc)
    if len(docs) < COVERS_IN_POOL or worker_count(len(docs)) < 2:  # 1 under CASEBOOK_PDF_WORKERS=0
        return  # assemble_portfolio lays them out as it goes
    if len(docs) < COVERS_FROM_SERVER and engine._mp_context().get_start_method() != "fork":
        return
    todo = list(docs.values())
    folder = work.cache_dir / "pdf"
    try:
        with worker_pool(worker_count(len(todo))) as pool:
            results = pool.map(render_html, [d.html for d in todo], [d.base_url for d in todo],
                               [roots] * len(todo))
            for doc, result in zip(todo, results):
                keep_cover(doc, roots, folder, result)
    except Exception as exc:  # noqa: BLE001 - what is not laid out here is laid out when it is joined
        log.info("casebook: covers laid out one after another (%s)", exc)


def _page_count(path: Path) -> int:
    import pikepdf  # deferred: pikepdf is heavy and loaded only when this runs

    with pikepdf.Pdf.open(path) as pdf:
        return len(pdf.pages)


def build_portfolio_pdf(project: Project, out_path: Path, *, slugs: Iterable[str] | None = None,
                        tag: str | None = None, site: Any = None, cache_dir: Path | None = None,
                        cover: Any = None) -> Path:
    """A portfolio of chosen public cases: by slug list (kept in order), by tag, or all; ``cover`` for one reader."""
    chosen = select_cases(project, slugs, tag)
    work = _work(project, site, _cache(project, cache_dir))
    out_path = Path(out_path)
    _portfolio(work, chosen, out_path, cover=cover)
    return out_path


def _site_dirs(project: Project) -> list[Path]:
    dirs = [project.root / "site"]
    cfg = project.root / "mkdocs.yml"
    if cfg.is_file():
        m = re.search(r"^site_dir:\s*['\"]?([^'\"\s#]+)", cfg.read_text("utf-8", errors="replace"), re.MULTILINE)
        if m:
            dirs.append((project.root / m.group(1)))
    return [d.resolve() for d in dirs]


def build_private_outputs(project: Project, out_dir: Path, cache_dir: Path | None = None,
                          vouched: frozenset[Path] = frozenset()) -> list[Path]:
    """Every private case and client report: out_dir/<client>/<slug>.pdf and .html.

    ``vouched``: the cached outputs the site's build found good a moment ago
    (it checked every private output with the case PDFs: at 1,000 cases
    reading the 168 private PDFs, their notes and HTML again took 0.14 s).
    Their bytes are verified where they are placed (``reuse.place_entry``).
    """
    out_dir = Path(out_dir).resolve()
    for site_dir in _site_dirs(project):
        if out_dir == site_dir or out_dir.is_relative_to(site_dir):
            raise CasebookError(f"private output must not go into the public site folder {site_dir}")
    cache = _cache(project, cache_dir)
    work = CaseWork(project, cache, pdf_ctx=Context(project, charts=compose.chart_renderer(None, cache, project)),
                    vouched=vouched)
    wanted = private_pdfs(project)
    work.ensure(pdfs=wanted, label="Private PDF")
    written: list[Path] = []
    for loaded, kind in wanted:
        folder = out_dir / folder_name(loaded.case.client.name)
        path = work.pdf_path(loaded, kind)
        for suffix in (".pdf", ".html"):
            dest = folder / f"{loaded.case.slug}{suffix}"
            reuse.place_entry(path.with_suffix(suffix), dest)
            written.append(dest)
    return sorted(written)
