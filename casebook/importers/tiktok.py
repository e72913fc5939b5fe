"""TikTok Studio analytics exports: a zip of CSV (or XLSX) files.

Layout.  TikTok Studio > Analytics > Download data gives a zip whose files
are UTF-8 with a byte-order mark, every field quoted:

- ``Overview``: ``Date, Video Views, Profile Views, Likes, Comments, Shares``
  (one row a day);
- ``Content``: ``Time, Video title, Video link, Post time, Total likes,
  Total comments, Total shares, Total views`` (one row a video, lifetime);
- ``FollowerHistory``: ``Date, Followers, Difference in followers from
  previous day`` (one row a day).

Dates have no year and follow the interface language ("January 18",
"18 января"); a value can be the string ``undefined``.  Sources: the layout
quoted in casebook's issue 12 and /work/shared/domain.md ("TikTok Studio: a
ZIP of CSVs, UTF-8 with BOM, every field quoted ... Dates have no year;
headers follow the UI language"); the same daily columns (``date, Video
Views, Profile Views, Likes, Comments, Shares``) appear in public analysis
code that reads these exports.  Analytics keeps about 60 days, so a report
needs an export made soon after the month ends.

The year: ``--year`` (the year of the export's latest date), else the date
the zip's entries were written (the export's day: no row is later), else,
for the videos, the last day of the zip's daily files, else the one year
that puts every row inside the case's period or the period before it; when
none of these settles it, the import refuses.

Assumed, as no public document says: column headers in English (other
interface languages translate them: use a mapping file); month names in
English or Russian; rows in date order (either direction); dates in UTC,
which TikTok's analytics uses.  ``undefined`` is unknown, never 0: a month
with an unknown day is left out of that metric's numbers.  Engagements are
likes + comments + shares; profile views feed ``visits``; the followers'
day-to-day difference is not imported (followers themselves are).
"""

from __future__ import annotations

import datetime as dt
import re

from .base import TIER_DAILY, TIER_POSTS, Export, Options, Row, caption_title, duplicate_keys, http_url, number, require
from .errors import ImportProblem, YearUnknown
from .table import Table

TIMEZONE = "UTC (TikTok Studio's analytics; the dates carry no offset)"
KINDS = {
    "tiktok-overview": ("TikTok Studio: Overview", ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]),
    "tiktok-content": ("TikTok Studio: Content", ["Video title", "Video link", "Post time", "Total likes",
                                                   "Total comments", "Total shares", "Total views"]),
    "tiktok-followers": ("TikTok Studio: FollowerHistory", ["Date", "Followers",
                                                            "Difference in followers from previous day"]),
}
MONTHS = {
    **{name: i for i, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"], start=1)},
    **{name: i for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)},
    "sept": 9,
    **{name: i for i, name in enumerate(
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
         "ноября", "декабря"], start=1)},
    **{name: i for i, name in enumerate(
        ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
         "ноябрь", "декабрь"], start=1)},
}


def matches(header: list[str]) -> str | None:
    names = {h.strip().casefold() for h in header}
    for kind, (_label, needs) in KINDS.items():
        if all(n.casefold() in names for n in needs[:3]):
            return kind
    return None


def read(table: Table, kind: str, options: Options) -> Export:
    label, needs = KINDS[kind]
    cols = require(table, needs, label)
    date_col = cols["Post time"] if kind == "tiktok-content" else cols["Date"]
    dates = _dates(table, date_col, options, ordered=kind != "tiktok-content")
    rows: list[Row] = []
    for values, line, day in zip(table.rows, table.lines, dates):
        if kind == "tiktok-overview":
            v = {m: number(table, values, cols[c], line, blank=None) for c, m in
                 (("Video Views", "views"), ("Profile Views", "visits"), ("Likes", "likes"),
                  ("Comments", "comments"), ("Shares", "shares"))}
            v["engagements"] = _total(v["likes"], v["comments"], v["shares"])
            rows.append(Row("day", ("day", "tiktok", "overview", day), day, day, v, line))
        elif kind == "tiktok-followers":
            v = {"followers": number(table, values, cols["Followers"], line, blank=None)}
            rows.append(Row("day", ("day", "tiktok", "followers", day), day, day, v, line))
        else:
            link = values[cols["Video link"]].strip() if cols["Video link"] < len(values) else ""
            title = values[cols["Video title"]] if cols["Video title"] < len(values) else ""
            if not link and not title.strip():
                raise ImportProblem(f"{table.name}:{line}:{cols['Video link'] + 1}: Video link: the cell is empty "
                                    "and the video has no title; the row cannot be told apart from others")
            v = {m: number(table, values, cols[c], line, blank=None) for c, m in
                 (("Total views", "views"), ("Total likes", "likes"), ("Total comments", "comments"),
                  ("Total shares", "shares"))}
            v["engagements"] = _total(v["likes"], v["comments"], v["shares"])
            v["posts"] = 1
            rows.append(Row("post", ("post", "tiktok", link or title.strip()), day, day, v, line,
                            title=caption_title(title, f"Video of {day.isoformat()}"), url=http_url(link)))
    if kind == "tiktok-content":
        duplicate_keys(table, rows, "Video link")
    else:
        seen: dict = {}
        for row in rows:
            if row.start in seen:
                raise ImportProblem(f"{table.name}:{row.line}: the day {row.start:%d %B} appears twice "
                                    f"(also on line {seen[row.start]}); export it again")
            seen[row.start] = row.line
    notes = []
    if table.extra.get("year_from"):
        notes.append(f"dates have no year: {table.extra['year_from']}")
    if kind == "tiktok-content":
        notes.append("each video's lifetime totals count on its post date")
    tier = TIER_POSTS if kind == "tiktok-content" else TIER_DAILY
    return Export(table.file, kind, label, "tiktok", tier, rows, TIMEZONE, notes)


def _total(*parts: float | None) -> float | None:
    return None if any(p is None for p in parts) else sum(parts)


def _month_day(table: Table, text: str, line: int, col: int) -> tuple[int, int, int | None]:
    """(month, day, year or None) of a localised date such as 'January 18', '18 января' or '2025-01-18'."""
    value = re.sub(r"\s+", " ", text.strip().strip(".").casefold())
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", value)
    if m:
        return int(m.group(2)), int(m.group(3)), int(m.group(1))
    m = re.fullmatch(r"([^\W\d_]+)\.? (\d{1,2})(?:,? (\d{4}))?", value) or None
    if m and m.group(1) in MONTHS:
        return MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)) if m.group(3) else None
    m = re.fullmatch(r"(\d{1,2}) ([^\W\d_]+)\.?(?:,? (\d{4})(?: г\.?)?)?", value)
    if m and m.group(2) in MONTHS:
        return MONTHS[m.group(2)], int(m.group(1)), int(m.group(3)) if m.group(3) else None
    name = table.header[col]
    if not value:
        raise ImportProblem(f"{table.name}:{line}:{col + 1}: {name}: the date is empty")
    raise ImportProblem(f"{table.name}:{line}:{col + 1}: {name}: {text!r} is not a date "
                        "(expected e.g. 'January 18' or '18 января')")


def _dates(table: Table, col: int, options: Options, ordered: bool) -> list[dt.date]:
    parts = [_month_day(table, r[col] if col < len(r) else "", line, col) for r, line in zip(table.rows, table.lines)]
    if not parts:
        return []
    if all(p[2] is not None for p in parts):
        return [_make(table, y, m, d, line, col) for (m, d, y), line in zip(parts, table.lines)]
    if ordered:
        offsets = _year_offsets([(m, d) for m, d, _ in parts])
        latest = max(range(len(parts)), key=lambda i: (offsets[i], parts[i][0], parts[i][1]))
        last_year = _latest_year(table, parts, offsets, latest, options)
        top = offsets[latest]
        return [_make(table, y if y is not None else last_year - (top - off), m, d, line, col)
                for (m, d, y), off, line in zip(parts, offsets, table.lines)]
    # videos: each date is the latest such day on or before the export's day
    ref = _reference(table, options)
    if ref is not None:
        out = []
        for (m, d, y), line in zip(parts, table.lines):
            year = y if y is not None else (ref.year if (m, d) <= (ref.month, ref.day) else ref.year - 1)
            out.append(_make(table, year, m, d, line, col))
        return out
    out = []
    for (m, d, y), line in zip(parts, table.lines):
        if y is not None:
            out.append(_make(table, y, m, d, line, col))
            continue
        years = _fitting_years(options, [(m, d)])
        if len(years) != 1:
            raise _ambiguous(table, f"{_shown(m, d)} on line {line}", options)
        out.append(_make(table, years[0], m, d, line, col))
    table.extra["year_from"] = "the one year that puts each video inside the case's periods"
    return out


def _make(table: Table, year: int, month: int, day: int, line: int, col: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImportProblem(f"{table.name}:{line}:{col + 1}: {table.header[col]}: {_shown(month, day)} does not exist "
                            f"in {year}; check --year") from None


def _shown(month: int, day: int) -> str:
    return f"{dt.date(2000, month, 1):%B} {day}"


def _year_offsets(md: list[tuple[int, int]]) -> list[int]:
    """How many New Years lie between the first row and each row, rows being in date order either way."""
    ups = sum(b > a for a, b in zip(md, md[1:]))
    downs = sum(b < a for a, b in zip(md, md[1:]))
    ascending = ups >= downs
    offsets, current = [0], 0
    for a, b in zip(md, md[1:]):
        if ascending and b < a:
            current += 1
        elif not ascending and b > a:
            current -= 1
        offsets.append(current)
    low = min(offsets)
    return [o - low for o in offsets]


def _reference(table: Table, options: Options) -> dt.date | None:
    if options.year:
        table.extra["year_from"] = f"--year {options.year}"
        return dt.date(options.year, 12, 31)
    if table.file.container_date:
        table.extra["year_from"] = f"taken from the export's date in the zip ({table.file.container_date})"
        return table.file.container_date
    if table.file.sibling_end:
        table.extra["year_from"] = f"no video is later than the other files of its zip ({table.file.sibling_end})"
        return table.file.sibling_end
    return None


def _latest_year(table: Table, parts, offsets, latest: int, options: Options) -> int:
    m, d, _ = parts[latest]
    if options.year:
        table.extra["year_from"] = f"--year {options.year} (the year of the latest row)"
        return options.year
    made = table.file.container_date
    if made is not None:
        table.extra["year_from"] = f"taken from the export's date in the zip ({made})"
        return made.year if (m, d) <= (made.month, made.day) else made.year - 1
    first = min(range(len(parts)), key=lambda i: (offsets[i], parts[i][0], parts[i][1]))
    span = offsets[latest] - offsets[first]
    fm, fd, _ = parts[first]
    years = []
    if options.window:
        lo, hi = options.window
        for y in range(lo.year - 1, hi.year + 2):
            try:
                start, end = dt.date(y - span, fm, fd), dt.date(y, m, d)
            except ValueError:
                continue
            if start <= hi and end >= lo:
                years.append(y)
    if len(years) != 1:
        raise _ambiguous(table, f"{_shown(fm, fd)} to {_shown(m, d)}", options, years)
    table.extra["year_from"] = "the one year that puts the rows inside the case's periods"
    return years[0]


def _fitting_years(options: Options, md: list[tuple[int, int]]) -> list[int]:
    if not options.window:
        return []
    lo, hi = options.window
    out = []
    for y in range(lo.year - 1, hi.year + 2):
        try:
            if all(lo <= dt.date(y, m, d) <= hi for m, d in md):
                out.append(y)
        except ValueError:
            continue
    return out


def _ambiguous(table: Table, what: str, options: Options, years: list[int] | None = None) -> YearUnknown:
    why = (f"both {' and '.join(map(str, years))} fit the case's periods" if years and len(years) > 1
           else "no year puts them inside the case's periods" if options.window
           else "nothing in the export says the year")
    return YearUnknown(f"{table.name}: the dates have no year ({what}) and {why}; "
                         "pass --year with the year of the export's latest date")
