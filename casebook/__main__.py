"""The ``casebook`` console script and ``python -m casebook``: the command, loaded where Ctrl-C is caught.

Loading the command (click, and every command's module) takes a fifth of a
second before :mod:`casebook.cli` can catch anything; a Ctrl-C in it ended
with Python's traceback.  Here it ends as it does later: one line, exit
status 130, nothing written.
"""

from __future__ import annotations

import sys

from casebook.errors import INTERRUPTED


def run() -> None:
    try:
        from casebook.cli import run as command  # deferred: a Ctrl-C while it loads is caught here
    except KeyboardInterrupt:
        sys.stderr.write(f"casebook: {INTERRUPTED}\n")
        raise SystemExit(130) from None
    command()


if __name__ == "__main__":  # pragma: no cover - python -m casebook
    run()
