"""What a case worker is asked to make, and what the case work counts (casebook.build.casework)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Task:
    slug: str
    page_base: str | None = None  # make the page with this relative base
    pdf_kind: str | None = None  # make this PDF


@dataclass
class WorkStats:
    made: int = 0  # tasks run (pages and PDFs made)
    pages_cached: int = 0
    pdfs_cached: int = 0
    seconds: float = 0.0
    refused: list[str] = field(default_factory=list)
