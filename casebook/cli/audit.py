"""casebook audit: scan built output for anything private."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from casebook.load.project import open_project


@click.command("audit")
@click.argument("site_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("site"))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
def audit_command(site_dir: Path, root: Path) -> None:
    """Scan built output for private cases, hidden client names, paths and outside hosts."""
    from casebook.build.audit import audit  # deferred: the build loads MkDocs and WeasyPrint (a second); --help and check stay quick

    findings = audit(site_dir, open_project(root))
    for f in findings:
        click.echo(f.format(), err=True)
    if findings:
        click.echo(f"{len(findings)} finding(s)", err=True)
        sys.exit(1)
    click.echo(f"{site_dir}: nothing private found")
