"""casebook import: statistics exports into a case file (the command lives in casebook.importers)."""

from __future__ import annotations

from casebook.importers.command import import_command as command

__all__ = ["command"]
