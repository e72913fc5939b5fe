"""Which export is this?  Decided by the content (encoding, preamble, header), never by the file's name."""

from __future__ import annotations

from . import mapping as mapping_format
from . import meta_ads, meta_daily, meta_posts, tiktok
from .base import Export, Options
from .errors import ImportProblem
from .table import RawFile, Table, read_text_table, read_xlsx

# What each format needs, for the message about a file none of them reads.
TRIED = [
    (meta_posts.FACEBOOK["label"], meta_posts.FACEBOOK["needs"]),
    (meta_posts.INSTAGRAM["label"], meta_posts.INSTAGRAM["needs"]),
    (meta_daily.LABEL, ["sep=, line", "the metric's name", "Date", "Primary"]),
    (meta_ads.LABEL, meta_ads.NEEDS),
    *[(label, needs) for label, needs in tiktok.KINDS.values()],
]


def _known_header(row: list[str]) -> bool:
    return bool(meta_posts.matches(row) or meta_ads.matches(row) or tiktok.matches(row)
                or [c.strip().casefold() for c in row[:2]] == ["date", "primary"])


def _header_at(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:12]):
        if _known_header(row):
            return i
    return None


def table_of(file: RawFile) -> Table:
    if file.data[:4] == b"PK\x03\x04":  # a workbook is a zip; its name does not decide
        return read_xlsx(file)
    return read_text_table(file, _header_at)


def read_export(file: RawFile, options: Options, mapping: dict | None = None) -> Export:
    """The rows of one export file; ImportProblem when it is none of the known formats."""
    if mapping is not None:
        return mapping_format.read(file, mapping, options)
    table = table_of(file)
    if not table.header and not table.rows:
        raise ImportProblem(f"{file.name}: the file is empty")
    kind = meta_posts.matches(table.header)
    if kind:
        _platform_fits(table, kind["platform"], options)
        return meta_posts.read(table, kind, options)
    if meta_daily.matches(table):
        return meta_daily.read(table, options)
    if meta_ads.matches(table.header):
        return meta_ads.read(table, options)
    kind = tiktok.matches(table.header)
    if kind:
        _platform_fits(table, "tiktok", options)
        return tiktok.read(table, kind, options)
    raise unrecognised(table)


def _platform_fits(table: Table, platform: str, options: Options) -> None:
    if options.platform and options.platform != platform:
        raise ImportProblem(f"{table.name}: this export is for {platform}; --platform {options.platform} does not fit it")


def unrecognised(table: Table) -> ImportProblem:
    shown = ", ".join(repr(h) for h in table.header[:8]) + (" ..." if len(table.header) > 8 else "")
    tried = "; ".join(f"{label} ({', '.join(needs)})" for label, needs in TRIED)
    return ImportProblem(f"{table.name}: not an export casebook knows (its header: {shown or 'none'}); "
                         f"tried: {tried}; for another platform's export write a mapping file (--map)")
