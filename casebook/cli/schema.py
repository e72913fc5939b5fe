"""casebook schema: the JSON Schema of the case format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from casebook.errors import CasebookError
from casebook.load.schema import case_schema


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of standard output.")
def schema(output: Path | None) -> None:
    """Write the JSON Schema of the case format (for editor completion)."""
    doc = case_schema()
    text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output:
        from casebook import store  # deferred: only writing a file needs it

        _check_output(output, doc)
        store.write_file(output, text.encode("utf-8"))  # missing folders are made
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _check_output(output: Path, doc: dict) -> None:
    """Never over an input of the project in this folder (a case, profile.yaml, mkdocs.yml, a page),
    and over an existing file only when it holds casebook's schema (an earlier one)."""
    if Path("mkdocs.yml").is_file():
        from casebook.build.outputs import check_output_file, command_inputs  # deferred: only a file to write needs it

        check_output_file(output, command_inputs(Path.cwd()))
    if not os.path.lexists(output):
        return
    refused = f"refusing to replace {output}: it does not hold casebook's case schema; nothing was written; " \
              f"choose another file name"
    try:
        old = json.loads(Path(output).read_bytes())
    except IsADirectoryError:
        raise CasebookError(f"refusing to write {output}: it is a folder; nothing was written") from None
    except OSError as exc:
        raise CasebookError(f"{output}: {exc.strerror or exc}") from None
    except ValueError:
        raise CasebookError(refused) from None
    if not isinstance(old, dict) or any(old.get(key) != doc.get(key) for key in ("$schema", "title")):
        raise CasebookError(refused)
