"""casebook serve: serve the site and rebuild on change."""

from __future__ import annotations

from pathlib import Path

import click

from casebook.errors import CasebookError


@click.command()
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"),
              show_default=True)
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Serve the site and rebuild when a case, a media file or a template changes."""
    from mkdocs.commands.serve import serve as mkdocs_serve  # deferred: mkdocs is heavy and loaded only when this runs
    from mkdocs.exceptions import MkDocsException  # deferred: mkdocs is heavy and loaded only when this runs

    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True, watch_theme=True)
    except MkDocsException as exc:
        raise CasebookError(str(exc)) from None
