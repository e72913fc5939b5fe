"""casebook new: start a case file from a commented template."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.load.scaffold import write_new_case


@click.command()
@click.argument("slug")
@click.option("--locale", default="en", show_default=True, help="Locale of the case: en, ru, fil, en-PH ...")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("cases"),
              show_default=True, help="Folder to write the case file into.")
@click.option("--report", is_flag=True, help="Start a private monthly client report instead of a case.")
def new(slug: str, locale: str, directory: Path, report: bool) -> None:
    """Write a commented case file SLUG.yaml to start from."""
    try:
        path = write_new_case(slug, locale, directory, report=report)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {path}; fill it in, then run: casebook check {path}")
