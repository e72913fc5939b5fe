"""The ``casebook`` command.

Exit codes: 0 all well, 1 a problem in the user's input or the build,
2 misuse of the command.  Problems in user input are printed as
``file:line:column: field: message``, never as a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import CasebookError, Problem


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        click.echo(p.format(), err=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CasebookError as exc:
            _print_problems(exc.problems)
            click.echo(f"casebook: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("casebook: interrupted; the previous output is left as it was", err=True)
            ctx.exit(130)
        except OSError as exc:  # the machine's fault (read-only, full disk, a file gone): no traceback
            click.echo(f"casebook: {_os_problem(exc)}", err=True)
            ctx.exit(1)


def _os_problem(exc: OSError) -> str:
    """``path: cause`` of an operating-system error, the path as the user would type it."""
    import errno
    import os

    from .errors import display_path

    cause = exc.strerror or str(exc)
    files = [f for f in (exc.filename, exc.filename2) if f is not None]
    if len(files) == 2 and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
        files = files[1:]  # a copy that could not be written: the copy's path is the one that matters
    names = [display_path(Path(os.fsdecode(f))) for f in files]
    return f"{' -> '.join(names)}: {cause}" if names else cause


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casebook")
def main() -> None:
    """Turn SMM case files (YAML) into a portfolio site and PDFs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Project folder; media must lie inside it.")
def check(paths: tuple[Path, ...], root: Path) -> None:
    """Validate case files (default: the project's cases, its profile and pages) and report every problem.

    Without PATHS the whole project is checked: every case (also against the
    others: a private or undisclosed client name in a public case), the
    profile, and the hand-written pages (mkdocs.yml's docs_dir) for hidden
    client names.
    """
    from .checks import pages_name_problems, profile_name_problems, project_layout
    from .load import load_cases

    cases_dir, profile_path, docs_dir, exclude = project_layout(root)
    result = load_cases(list(paths) or [cases_dir], root)
    problems = list(result.problems)
    if not paths:
        if profile_path.is_file():
            problems += profile_name_problems(result.cases, profile_path, root)
        problems += pages_name_problems(result.cases, docs_dir, root, exclude)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    _print_problems(problems)
    if any(p.is_error for p in problems):
        sys.exit(1)
    click.echo(f"{len(result.cases)} case(s) OK")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of the case format (for editor completion)."""
    from .schema import case_schema

    text = json.dumps(case_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("slug")
@click.option("--locale", default="en", show_default=True, help="Locale of the case: en, ru, fil, en-PH ...")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("cases"),
              show_default=True, help="Folder to write the case file into.")
@click.option("--report", is_flag=True, help="Start a private monthly client report instead of a case.")
def new(slug: str, locale: str, directory: Path, report: bool) -> None:
    """Write a commented case file SLUG.yaml to start from."""
    from .scaffold import write_new_case

    try:
        path = write_new_case(slug, locale, directory, report=report)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {path}; fill it in, then run: casebook check {path}")


@main.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
              show_default=True, help="The MkDocs configuration of the portfolio.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also render the PDFs.")
@click.option("--private", is_flag=True, help="Also render private cases and client reports into --private-dir.")
@click.option("--private-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where private output goes (default: private/ beside mkdocs.yml, never under site/).")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the public site goes (default: site_dir of mkdocs.yml).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--force", is_flag=True, help="Build even when nothing has changed since the last build.")
def build(config_file: Path, pdf: bool, private: bool, private_dir: Path | None, site_dir: Path | None,
          quiet: bool, force: bool) -> None:
    """Build the site, charts and PDFs; publish only if all of it succeeds."""
    from .build import build as run_build

    result = run_build(config_file, pdf=pdf, private=private, private_dir=private_dir,
                       site_dir=site_dir, quiet=quiet, force=force)
    if result.up_to_date:
        click.echo(f"nothing changed since the last build: {result.pages} page(s) and {result.pdfs} PDF(s) "
                   f"in {result.site_dir} are current (--force builds anyway)")
    else:
        click.echo(f"built {result.pages} page(s) and {result.pdfs} PDF(s) into {result.site_dir}")
    if result.private_dir:
        click.echo(f"private output in {result.private_dir}")


@main.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
              show_default=True)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site and rebuild when a case, a media file or a template changes."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True, watch_theme=True)
    except MkDocsException as exc:
        raise CasebookError(str(exc)) from None


@main.command()
@click.option("--tag", "tags", multiple=True, help="Only cases with this tag (repeatable).")
@click.option("--case", "slugs", multiple=True, help="Only these cases, by slug (repeatable).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("portfolio.pdf"),
              show_default=True, help="Where to write the PDF.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
def pdf(tags: tuple[str, ...], slugs: tuple[str, ...], output: Path, root: Path) -> None:
    """Build a portfolio PDF of chosen public cases, e.g. for one vacancy."""
    from .pdf import build_portfolio_pdf
    from .project import open_project

    project = open_project(root)
    from .outputs import check_output_file, pdf_command_inputs

    check_output_file(output, pdf_command_inputs(project))  # never over a case, a page, the profile ...
    known = {c.case.slug for c in project.public_cases}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise click.UsageError(f"no public case with slug {', '.join(map(repr, unknown))}")
    chosen = [c for c in project.public_cases
              if (not slugs or c.case.slug in slugs) and (not tags or set(tags) & set(c.case.tags))]
    if not chosen:
        raise CasebookError("no public case matches the selection")
    _audited_pdf(project, output, lambda path: build_portfolio_pdf(
        project, path, slugs=[c.case.slug for c in chosen], cache_dir=project.root / ".casebook-cache"))
    click.echo(f"wrote {output} with {len(chosen)} case(s)")


def _audited_pdf(project, output: Path, make) -> None:
    """Make a PDF in a temporary folder beside output, run the leak audit on it, and only then move it there.

    A finding (a hidden client name, a private case, a machine path) refuses
    the PDF: nothing is written to output and the command exits 1.
    """
    import os
    import shutil
    import tempfile

    from .audit import audit

    output = Path(output)
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".casebook-pdf-", dir=parent))
    try:
        made = tmp / (output.name or "portfolio.pdf")
        make(made)
        findings = audit(tmp, project, extra_paths=(str(tmp),),
                         cache_dir=project.root / ".casebook-cache" / "audit")
        if findings:
            raise CasebookError(
                f"leak check failed with {len(findings)} finding(s); {output} was not written:\n"
                + "\n".join(f.format() for f in findings[:20]))
        os.replace(made, output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@main.command("audit")
@click.argument("site_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("site"))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
def audit_command(site_dir: Path, root: Path) -> None:
    """Scan built output for private cases, hidden client names, paths and outside hosts."""
    from .audit import audit
    from .project import open_project

    findings = audit(site_dir, open_project(root))
    for f in findings:
        click.echo(f.format(), err=True)
    if findings:
        click.echo(f"{len(findings)} finding(s)", err=True)
        sys.exit(1)
    click.echo(f"{site_dir}: nothing private found")


from .importers.command import import_command  # noqa: E402  (casebook import: statistics exports into a case)

main.add_command(import_command)


if __name__ == "__main__":  # pragma: no cover
    main()
