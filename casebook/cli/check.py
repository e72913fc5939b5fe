"""casebook check: validate case files, the profile and the pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from casebook.load.cases import load_cases
from casebook.load.project_checks import pages_name_problems, profile_name_problems, project_layout

from .errors import print_problems


@click.command()
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

    cases_dir, profile_path, docs_dir, exclude = project_layout(root)
    result = load_cases(list(paths) or [cases_dir], root)
    problems = list(result.problems)
    if not paths:
        if profile_path.is_file():
            problems += profile_name_problems(result.cases, profile_path, root)
        problems += pages_name_problems(result.cases, docs_dir, root, exclude)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    print_problems(problems)
    if any(p.is_error for p in problems):
        sys.exit(1)
    click.echo(f"{len(result.cases)} case(s) OK")
