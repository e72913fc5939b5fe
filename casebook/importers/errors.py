"""The one exception the importers raise for bad input: a one-line message, exit 1, nothing written."""

from __future__ import annotations

from casebook.errors import CasebookError


class ImportProblem(CasebookError):
    """An export, a mapping or the target case cannot be imported as it is; the message says where and why."""


class YearUnknown(ImportProblem):
    """Year-less dates that nothing settles yet; the other files of the same zip may."""
