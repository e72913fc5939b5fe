"""casebook schema: the JSON Schema of the case format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from casebook.load.schema import case_schema


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of the case format (for editor completion)."""
    text = json.dumps(case_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output:
        from casebook import store  # deferred: only writing a file needs it

        store.write_file(output, text.encode("utf-8"))  # missing folders are made
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
