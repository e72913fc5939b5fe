"""A private monthly client report's own fields: branding and the report block."""

from __future__ import annotations

from pydantic import Field

from .parts import ContentItem, Snapshot
from .types import HexColor, Markdown, MediaPath, Strict, Text


class Branding(Strict):
    name: Text | None = Field(None, description="Agency or client name on the report")
    logo: MediaPath | None = None
    color: HexColor | None = None


class Report(Strict):
    """What only a client report has."""

    previous: Snapshot = Field(description="The previous period's numbers")
    why: Markdown | None = Field(None, description="Why it happened: outliers, experiments")
    plan: Markdown | None = Field(None, description="Plan for the next period")
    asks: Markdown | None = Field(None, description="What is needed from the client")
    top_content: list[ContentItem] = Field(default_factory=list)
    branding: Branding | None = None
