"""The ``casebook`` command's error handling.

Exit codes: 0 all well, 1 a problem in the user's input or the build,
2 misuse of the command.  Problems in user input are printed as
``file:line:column: field: message``, never as a traceback.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import click

from casebook.errors import INTERRUPTED, CasebookError, Problem, display_path


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        click.echo(p.format(), err=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


class Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CasebookError as exc:
            print_problems(exc.problems)
            click.echo(f"casebook: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo(f"casebook: {INTERRUPTED}", err=True)
            ctx.exit(130)
        except OSError as exc:  # the machine's fault (read-only, full disk, a file gone): no traceback
            click.echo(f"casebook: {os_problem(exc)}", err=True)
            ctx.exit(1)


def os_problem(exc: OSError) -> str:
    """``path: cause`` of an operating-system error, the path as the user would type it."""
    cause = exc.strerror or str(exc)
    files = [f for f in (exc.filename, exc.filename2) if f is not None]
    if len(files) == 2 and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
        files = files[1:]  # a copy that could not be written: the copy's path is the one that matters
    names = [display_path(Path(os.fsdecode(f))) for f in files]
    return f"{' -> '.join(names)}: {cause}" if names else cause
