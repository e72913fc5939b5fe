"""What every format reader produces: rows of numbers with their dates, and where they came from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .errors import ImportProblem
from .table import RawFile, Table

# How much a reader's numbers are trusted when two exports give the same
# metric for the same platform: an ad report's spend and clicks over page
# totals, page-level daily totals over sums of per-post lifetime numbers.
TIER_POSTS, TIER_DAILY, TIER_ADS = 1, 2, 3


@dataclass
class Row:
    kind: str  # post | day | span
    key: tuple  # what makes two rows the same thing (a post's id, a day of a metric, an ad in a period)
    start: dt.date
    end: dt.date
    values: dict[str, float | None]  # metric -> value; None: the export says it does not know
    line: int
    title: str | None = None
    url: str | None = None


@dataclass
class Export:
    file: RawFile
    format: str  # id, e.g. meta-facebook-posts
    label: str  # what the user knows it as
    platform: str
    tier: int
    rows: list[Row]
    timezone: str
    notes: list[str] = field(default_factory=list)
    currency: str | None = None
    covers: tuple[dt.date, dt.date] | None = None  # days the export covers, when it says so

    @property
    def metrics(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            for k in row.values:
                seen.setdefault(k, None)
        return list(seen)

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        if self.covers:
            return self.covers
        if not self.rows:
            return None
        return min(r.start for r in self.rows), max(r.end for r in self.rows)


@dataclass
class Options:
    """What the command line and the target case tell the readers."""

    platform: str | None = None
    year: int | None = None
    currency: str | None = None  # the case's
    platforms: tuple[str, ...] = ()  # the case's
    window: tuple[dt.date, dt.date] | None = None  # the days the case is about (baseline start to period end)


def where(table: Table, line: int, col: int, column_name: str) -> str:
    return f"{table.name}:{line}:{col + 1}: {column_name}"


def cell(table: Table, row: list[str], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return row[col]


_UNKNOWN = {"undefined", "n/a", "--", "-", "null", "none", "nan"}


def number(table: Table, row: list[str], col: int | None, line: int, *, blank=0, money=False) -> float | None:
    """A count (or money) in a cell: 1234, 1,234, 1 234, 12.5 for money; 'undefined' is unknown (None)."""
    text = cell(table, row, col)
    name = table.header[col] if col is not None and col < len(table.header) else "?"
    raw = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if raw == "":
        return blank
    if raw.casefold() in _UNKNOWN:
        return None
    cleaned = raw
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", cleaned):
        cleaned = cleaned.replace(" ", "").replace(",", ".")
    elif money and re.fullmatch(r"\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is not a number")
    if value < 0:
        raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is negative; a count cannot be")
    if not money and not value.is_integer():
        raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is not a whole number")
    if value > 10**15:
        raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is larger than any real count")
    return value


def parse_date(table: Table, row: list[str], col: int, line: int, formats: tuple[str, ...] = ()) -> dt.date:
    """A date or timestamp: ISO (2025-08-01, 2025-08-01T00:00:00), or month/day/year as Meta writes it."""
    text = cell(table, row, col)
    name = table.header[col] if col < len(table.header) else "?"
    value = text.strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?", value)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?", value, re.I)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month > 12:
            raise ImportProblem(f"{where(table, line, col, name)}: {text!r} reads as day/month/year; this export "
                                "writes month/day/year: check the file was not re-saved with another date format")
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    if not value:
        raise ImportProblem(f"{where(table, line, col, name)}: the date is empty")
    raise ImportProblem(f"{where(table, line, col, name)}: {text!r} is not a date")


def require(table: Table, columns: list[str], label: str) -> dict[str, int]:
    """Indexes of the columns a reader needs; a clear message naming the missing ones."""
    found, missing = {}, []
    for name in columns:
        i = table.column(name)
        if i is None:
            missing.append(name)
        else:
            found[name] = i
    if missing:
        raise ImportProblem(f"{table.name}:{table.header_line}: a {label} export needs the column(s) "
                            f"{', '.join(repr(m) for m in missing)}; the header has "
                            f"{', '.join(repr(h) for h in table.header[:12])}"
                            + (" ..." if len(table.header) > 12 else ""))
    return found


def duplicate_keys(table: Table, rows: list[Row], what: str) -> None:
    """The same post twice in one export is a damaged export, not a second post."""
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.key in seen:
            raise ImportProblem(f"{table.name}:{row.line}: {what} {row.key[-1]!r} appears twice in the file "
                                f"(also on line {seen[row.key]}); export it again")
        seen[row.key] = row.line


# Pictographs, their modifiers and joiners: a title is for finding the post in a table, and the PDF
# fonts have no emoji (they would print as empty boxes); the caption itself stays on the platform.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0E\uFE0F\u200D\U000E0020-\U000E007F]")


def caption_title(text: str, fallback: str) -> str:
    """A post's caption as a top-content title: its first line without emoji, at most 90 characters."""
    first = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    first = re.sub(r"\s+", " ", _EMOJI.sub("", first)).strip(" -—–·|")
    if not first:
        return fallback
    return first if len(first) <= 90 else first[:89].rstrip() + "…"


def http_url(text: str) -> str | None:
    text = (text or "").strip()
    return text if re.match(r"https?://[^\s]+$", text) else None
