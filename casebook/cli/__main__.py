"""python -m casebook.cli: the casebook command."""

from casebook.cli import run

run()
