"""casebook pdf: a portfolio PDF of chosen cases, checked for leaks before it is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from casebook.errors import CasebookError
from casebook.load.project import open_project
from casebook.settings import CACHE_DIR_NAME


@click.command()
@click.option("--tag", "tags", multiple=True, help="Only cases with this tag (repeatable).")
@click.option("--case", "slugs", multiple=True, help="Only these cases, by slug (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("portfolio.pdf"),
              show_default=True, help="Where to write the PDF.")
@click.option("--title", default="", help="The cover's title, e.g. the vacancy: 'SMM lead, Acme'.")
@click.option("--lang", default="", help="The language of the cover, headers and footers (en, ru, fil); "
              "the cases keep their own.  Default: the profile's.")
@click.option("--note", default="", help="A line on the cover for the reader, e.g. why these cases.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
def pdf(tags: tuple[str, ...], slugs: tuple[str, ...], output: Path, title: str, lang: str, note: str,
        root: Path) -> None:
    """Build a portfolio PDF of chosen public cases, e.g. for one vacancy."""
    from casebook.pdf.compose import Cover  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick
    from casebook.registry import interface_languages  # deferred: as above
    from casebook.build.outputs import check_output_file, pdf_command_inputs  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick

    if lang and lang.split("-")[0] not in interface_languages():
        raise click.UsageError(f"--lang {lang!r} is not a language casebook speaks; "
                               f"use one of: {', '.join(interface_languages())}")
    for name, text in (("--title", title), ("--note", note)):
        if len(text) > 200 or "\n" in text:
            raise click.UsageError(f"{name} must be one line of at most 200 characters")
    project = open_project(root)

    check_output_file(output, pdf_command_inputs(project))  # never over a case, a page, the profile ...
    known = {c.case.slug for c in project.public_cases}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise click.UsageError(f"no public case with slug {', '.join(map(repr, unknown))}")
    existing = sorted({t.casefold() for c in project.public_cases for t in c.case.tags})
    wanted = {t.casefold() for t in tags}  # tags compare without case: #VK-Ads is #vk-ads
    strange = sorted(wanted - set(existing))
    if strange:
        raise click.UsageError(f"no public case has the tag {', '.join(map(repr, strange))}; "
                               f"the tags are: {', '.join(existing) or 'none'}")
    chosen = [c for c in project.public_cases
              if (not slugs or c.case.slug in slugs) and (not wanted or wanted & {t.casefold() for t in c.case.tags})]
    if not chosen:
        raise CasebookError("no public case matches the selection")
    cover = Cover(title=title.strip(), lang=lang, note=note.strip())
    _audited_pdf(project, output, lambda path: _tailored(project, chosen, path, cover))
    click.echo(f"wrote {output} with {len(chosen)} case(s)")


def _tailored(project, chosen, out_path: Path, cover) -> None:
    """The chosen cases' PDFs behind a cover made for this reader; the joined PDF is cached by its cover too."""
    import hashlib  # deferred: with the rest of the build, only when a PDF is made

    from casebook import store  # deferred: with the rest of the build, only when a PDF is made
    from casebook.build.pdfs import _cache, _page_count, _work, roots_of  # deferred: the build loads MkDocs and WeasyPrint
    from casebook.pdf.assemble import assemble_portfolio  # deferred: the build loads MkDocs and WeasyPrint

    work = _work(project, None, _cache(project, project.root / CACHE_DIR_NAME))
    work.pdf_ctx.cover = cover
    work.ensure(pdfs=[(c, "case") for c in chosen], label="PDF")
    parts = [work.pdf_path(c, "case") for c in chosen]
    key = hashlib.sha256("\0".join([work.shared, out_path.stem, "tailored", cover.title, cover.lang, cover.note,
                                     *(p.stem for p in parts)]).encode()).hexdigest()
    cached = work.cache_dir / "pdf" / f"portfolio-{key}.pdf"
    if not store.valid(cached):  # else missing, changed or unsigned: joined again
        counts = [int(work.pdf_info(c, "case").get("pages") or _page_count(p)) for c, p in zip(chosen, parts)]
        roots = roots_of(work.project, work.pdf_ctx.charts, work.cache_dir)
        assemble_portfolio(work.pdf_ctx, chosen, parts, counts, cached, roots, out_path.stem, None, 0)
    store.copy_verified(cached, out_path)


def _audited_pdf(project, output: Path, make) -> None:
    """Make a PDF in a temporary folder beside output, run the leak audit on it, and only then move it there.

    A finding (a hidden client name, a private case, a machine path) refuses
    the PDF: nothing is written to output and the command exits 1.
    """
    from casebook.build.audit import audit  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick
    output = Path(output)
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".casebook-pdf-", dir=parent))
    try:
        made = tmp / (output.name or "portfolio.pdf")
        make(made)
        findings = audit(tmp, project, extra_paths=(str(tmp),),
                         cache_dir=project.root / CACHE_DIR_NAME / "audit")
        if findings:
            raise CasebookError(
                f"leak check failed with {len(findings)} finding(s); {output} was not written:\n"
                + "\n".join(f.format() for f in findings[:20]))
        os.replace(made, output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
