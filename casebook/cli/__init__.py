"""The ``casebook`` command: a click group and one module per command.

Exit codes: 0 all well, 1 a problem in the user's input or the build,
2 misuse of the command.  Problems in user input are printed as
``file:line:column: field: message``, never as a traceback
(:mod:`casebook.cli.errors`).
"""

from __future__ import annotations

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


if __name__ == "__main__":  # pragma: no cover
    main()
