"""casebook pdf: a portfolio PDF of chosen cases, checked for leaks before it is written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from casebook.errors import CasebookError
from casebook.load.project import open_project
from casebook.settings import CACHE_DIR_NAME, epoch_problem


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
    from casebook.build.outputs import check_output_file, check_pdf_file, pdf_command_inputs  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick

    if problem := epoch_problem():  # the PDF's date would silently be today's
        raise CasebookError(problem)
    if lang and lang.split("-")[0] not in interface_languages():
        raise click.UsageError(f"--lang {lang!r} is not a language casebook speaks; "
                               f"use one of: {', '.join(interface_languages())}")
    for name, text in (("--title", title), ("--note", note)):
        if len(text) > 200 or "\n" in text:
            raise click.UsageError(f"{name} must be one line of at most 200 characters")
    project = open_project(root)

    check_output_file(output, pdf_command_inputs(project))  # never over a case, a page, the profile ...
    check_pdf_file(output)  # nor over a file of the user's that is not a PDF
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
    from casebook.build.pdfs import build_portfolio_pdf  # deferred: the build loads MkDocs and WeasyPrint

    _audited_pdf(project, output, lambda path: build_portfolio_pdf(
        project, path, slugs=[c.case.slug for c in chosen], cache_dir=project.root / CACHE_DIR_NAME, cover=cover))
    click.echo(f"wrote {output} with {len(chosen)} case(s)")


def _audited_pdf(project, output: Path, make) -> None:
    """Make a PDF in a temporary folder beside output, run the leak audit on it, and only then move it there.

    A finding (a hidden client name, a private case, a machine path) refuses
    the PDF: nothing is written to output and the command exits 1.
    """
    from casebook.build.audit import audit  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick
    from casebook.build.outputs import check_pdf_file  # deferred: as above
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
        check_pdf_file(output)  # none appeared there while it was made
        os.replace(made, output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
