"""PDF exports: a PDF per public case, the portfolio, and private client reports.

Made with WeasyPrint from the site's Jinja partials (``theme/partials``) and
the print templates and styles in ``theme/pdf``.

* :func:`build_public_pdfs` writes ``site/pdf/<slug>.pdf`` for every public
  case and ``site/pdf/portfolio.pdf`` with all of them (the MkDocs plugin
  calls it after the build when its ``pdf`` option is on).
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

import logging
import re
import time
from pathlib import Path
from typing import Any, Iterable

from ..errors import CasebookError
from ..load import LoadedCase
from ..paths import theme_dir
from ..project import Project, folder_name
from . import compose
from .compose import Context, PdfDoc, case_doc, portfolio_doc, report_doc
from .engine import BuildStats, Job, render_html, run_jobs
from .fetch import FetchRefused, SafeFetcher, url_fetcher

log = logging.getLogger("casebook.pdf")

__all__ = [
    "build_public_pdfs", "build_portfolio_pdf", "build_private_outputs", "select_cases",
    "url_fetcher", "SafeFetcher", "FetchRefused", "BuildStats", "render_html", "PdfDoc",
]


def _roots(project: Project, charts: Any, cache_dir: Path | None) -> tuple[str, ...]:
    roots = [theme_dir(), project.root]
    folder = getattr(charts, "cache_dir", None)
    if folder:
        roots.append(Path(folder))
    if cache_dir:
        roots.append(Path(cache_dir) / "charts")
    return tuple(sorted({str(Path(r).resolve()) for r in roots}))


def _cache(project: Project, cache_dir: Path | None) -> Path:
    return Path(cache_dir) if cache_dir else project.root / ".casebook-cache"


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


def build_public_pdfs(project: Project, site: Any, site_dir: Path, cache_dir: Path | None = None) -> BuildStats:
    """site_dir/pdf/<slug>.pdf for every public case, and site_dir/pdf/portfolio.pdf."""
    started = time.perf_counter()
    cache = _cache(project, cache_dir)
    ctx = Context(project, charts=compose.chart_renderer(site, cache, project))
    roots = _roots(project, ctx.charts, cache)
    out = Path(site_dir) / "pdf"
    jobs = [Job(case_doc(ctx, loaded), out / f"{loaded.case.slug}.pdf", roots) for loaded in project.public_cases]
    if project.public_cases:
        jobs.append(Job(portfolio_doc(ctx, project.public_cases), out / "portfolio.pdf", roots))
    composed = time.perf_counter() - started
    stats = run_jobs(jobs, cache, label="PDF")
    stats.compose_seconds = composed
    log.info("casebook: %d PDF(s) in %s: %d rendered, %d from the cache; %.1f s composing, %.1f s rendering",
             len(jobs), out, stats.rendered, stats.cached, composed, stats.seconds)
    return stats


def build_portfolio_pdf(project: Project, out_path: Path, *, slugs: Iterable[str] | None = None,
                        tag: str | None = None, site: Any = None, cache_dir: Path | None = None) -> Path:
    """A portfolio of chosen public cases: by slug list (kept in order), by tag, or all."""
    chosen = select_cases(project, slugs, tag)
    cache = _cache(project, cache_dir)
    ctx = Context(project, charts=compose.chart_renderer(site, cache, project))
    out_path = Path(out_path)
    job = Job(portfolio_doc(ctx, chosen, out_path.stem), out_path, _roots(project, ctx.charts, cache))
    run_jobs([job], cache, label="Portfolio")
    return out_path


def _site_dirs(project: Project) -> list[Path]:
    dirs = [project.root / "site"]
    cfg = project.root / "mkdocs.yml"
    if cfg.is_file():
        m = re.search(r"^site_dir:\s*['\"]?([^'\"\s#]+)", cfg.read_text("utf-8", errors="replace"), re.MULTILINE)
        if m:
            dirs.append((project.root / m.group(1)))
    return [d.resolve() for d in dirs]


def build_private_outputs(project: Project, out_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """Every private case and client report: out_dir/<client>/<slug>.pdf and .html."""
    out_dir = Path(out_dir).resolve()
    for site_dir in _site_dirs(project):
        if out_dir == site_dir or out_dir.is_relative_to(site_dir):
            raise CasebookError(f"private output must not go into the public site folder {site_dir}")
    cache = _cache(project, cache_dir)
    ctx = Context(project, charts=compose.chart_renderer(None, cache, project))
    roots = _roots(project, ctx.charts, cache)
    jobs: list[Job] = []
    written: list[Path] = []
    for loaded in project.private_cases:
        # a client report names its client; a private case (NDA work) stays anonymous
        doc = report_doc(ctx, loaded) if loaded.case.kind == "report" else case_doc(ctx, loaded)
        folder = out_dir / folder_name(loaded.case.client.name)
        jobs.append(Job(doc, folder / f"{loaded.case.slug}.pdf", roots))
        html_path = folder / f"{loaded.case.slug}.html"
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(standalone_html(doc.html), encoding="utf-8")
        written.append(html_path)
    run_jobs(jobs, cache, label="Private PDF")
    return sorted([j.out for j in jobs] + written)


_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="print.css">')
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


def standalone_html(html: str) -> str:
    """The print HTML as one file to open in a browser: stylesheet inlined, no file references."""
    css = (theme_dir() / "pdf" / "print.css").read_text("utf-8")
    css = _FONT_FACE.sub("", css).replace("</", "<\\/")
    css = css.replace('"CB Sans", "CB Symbols", ', '"Noto Sans", "DejaVu Sans", system-ui, ')
    screen = ("\n@media screen { body { max-width: 190mm; margin: 10mm auto; padding: 0 8mm; } "
              ".cb-appendix { margin-top: 10mm; } }\n")
    return _STYLESHEET_LINK.sub(lambda _m: "<style>\n" + css + screen + "</style>", html, count=1)
