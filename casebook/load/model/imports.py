"""What ``casebook import`` records in a case: which export filled which metrics."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .parts import DateSpan
from .types import Count, Markdown, PlatformId, Strict, Text


class ImportRecord(Strict):
    """Where imported numbers came from: written by ``casebook import``, one entry an export file."""

    file: Text = Field(description="The export's file name (a zip's member as zip:member)")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the export's bytes")]
    format: Text = Field(description="The export format it was read as")
    platform: PlatformId
    rows: Count = Field(description="Rows that counted (after duplicates across exports were dropped)")
    dates: DateSpan = Field(description="The first and last day of the export's rows")
    timezone: Text = Field(description="The time zone assumed for its dates")
    fills: list[Text] = Field(default_factory=list, description="The blocks of this file it filled")
    notes: list[Markdown] = Field(default_factory=list, description="What the numbers mean (e.g. reach is a sum), "
                                  "months covered only in part, duplicates dropped")
