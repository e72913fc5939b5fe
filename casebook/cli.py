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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casebook")
def main() -> None:
    """Turn SMM case files (YAML) into a portfolio site and PDFs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Project folder; media must lie inside it.")
def check(paths: tuple[Path, ...], root: Path) -> None:
    """Validate case files (default: cases/) and report every problem."""
    from .load import load_cases

    result = load_cases(list(paths) or [root / "cases"], root)
    _print_problems(result.problems)
    if not result.ok:
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


if __name__ == "__main__":  # pragma: no cover
    main()
