"""casebook build: the site, charts and PDFs, published only when all succeed."""

from __future__ import annotations

from pathlib import Path

import click



@click.command()
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
    from casebook.build import build as run_build  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick
    result = run_build(config_file, pdf=pdf, private=private, private_dir=private_dir,
                       site_dir=site_dir, quiet=quiet, force=force)
    if result.up_to_date:
        click.echo(f"nothing changed since the last build: {result.pages} page(s) and {result.pdfs} PDF(s) "
                   f"in {result.site_dir} are current (--force builds anyway)")
    else:
        click.echo(f"built {result.pages} page(s) and {result.pdfs} PDF(s) into {result.site_dir}")
    if result.private_dir:
        click.echo(f"private output in {result.private_dir}")
