"""Problems found in user input, each located in a file, line and column.

Everything a user wrote that is wrong ends as a :class:`Problem`; the CLI
prints them and exits 1.  Nothing here raises for bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

INTERRUPTED = "interrupted; the previous output is left as it was"  # what a command says on Ctrl-C, at any moment

@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the whole file is concerned
    column: int  # 1-based; 0 when unknown
    path: str  # dotted field path, "" for the document
    message: str
    severity: str = field(default="error", compare=False)

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        kind = "" if self.severity == "error" else f"{self.severity}: "
        field_part = f"{self.path}: " if self.path else ""
        return f"{where}: {kind}{field_part}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class CasebookError(Exception):
    """A user-facing failure: the CLI prints it without a traceback."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user would type it: relative to root (or cwd) when inside."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(Path(base).resolve()))
        except ValueError:
            continue
    return str(path)


def not_a_file(path: Path) -> str:
    """Why a path named like an input is none: nothing there, a link to nothing, a folder, or a pipe,
    socket or device."""
    if not os.path.lexists(path):
        return "no such file or folder"
    if os.path.islink(path) and not os.path.exists(path):
        return "a link to a file that does not exist; point it at a file or remove it"
    if os.path.isdir(path):
        return "a folder, not a file; rename it or move what it holds"
    return "not a regular file (a pipe, socket or device); casebook reads only files"
