"""The ``casebook`` command: a click group and one module per command.

Exit codes: 0 all well, 1 a problem in the user's input or the build,
2 misuse of the command.  Problems in user input are printed as
``file:line:column: field: message``, never as a traceback
(:mod:`casebook.cli.errors`).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

import click

from . import audit, build, check, import_, init, new, pdf, schema, serve
from .errors import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casebook")
def main() -> None:
    """Turn SMM case files (YAML) into a portfolio site and PDFs."""


# In the order `casebook --help` lists them.
for _command in (init.init, check.check, schema.schema, new.new, build.build, serve.serve, pdf.pdf, audit.audit_command,
                 import_.command):
    main.add_command(_command)


def run() -> None:
    """The console script (and ``python -m casebook.cli``): the command, then out of the process.

    Python's own shutdown takes every module apart and frees what they hold
    object by object: after an edit at 300 cases that was 0.4 s of the 7 s
    the user waited, for nothing.  Here the exit handlers run as they would
    (logging flushed, worker pools stopped, WeasyPrint's font folders and
    temporary folders removed), the standard streams are flushed, and the
    process ends.  With a thread of its own still running (none should be)
    the interpreter shuts down as usual, waiting for it.
    """
    try:
        main()  # standalone: always ends with SystemExit
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click's standalone mode does not return
        code = 0
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # as sys.exit prints a message
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # what the interpreter runs first when it shuts down
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python says it at exit
            status = status or 120
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
