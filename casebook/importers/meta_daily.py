"""Meta Business Suite page-level daily series (one metric a file).

Layout.  Insights > Overview > Export writes one file per metric: UTF-16 LE
text whose first line is ``sep=,`` (the hint spreadsheet programs read for
the delimiter), the second the metric's name (``Facebook follows``,
``Content interactions``, ``Facebook visits``, ``Views``, ``Viewers``,
``Facebook link clicks``), then the header ``"Date","Primary"`` and one row
a day such as ``"2025-08-01T00:00:00","20"``.  Sources: the layout quoted in
casebook's issue 12 (taken from real exports) and /work/shared/domain.md
("Page-level daily files are UTF-16 with a sep=, line before the header").

Which casebook metric each name feeds:

=====================  ============  =========================================
file                   metric        note
=====================  ============  =========================================
Facebook follows       follows       new follows a day (gross, not net)
Content interactions   engagements   reactions, comments, shares ... a day
Facebook visits        visits        Page visits a day
Views                  views         views a day, repeats counted
Viewers                reach         people a day; the sum over days counts a
                                     person once per day (said in provenance)
Facebook link clicks   clicks        link clicks a day
=====================  ============  =========================================

``Views``, ``Viewers`` and ``Content interactions`` exist for Facebook and
Instagram alike and the file does not say which: ``--platform`` decides, or
the case when it lists only one of the two.  ``Primary`` is the value;
other columns (a comparison period) are ignored.  Assumed: the dates are in
the Page's time zone (no offset is written).
"""

from __future__ import annotations

from .base import TIER_DAILY, Export, Options, Row, number, parse_date, require
from .errors import ImportProblem
from .table import Table

LABEL = "Meta Business Suite: page-level daily series"
NAMES = {
    "facebook follows": ("follows", "facebook"),
    "content interactions": ("engagements", None),
    "facebook visits": ("visits", "facebook"),
    "views": ("views", None),
    "viewers": ("reach", None),
    "facebook link clicks": ("clicks", "facebook"),
}
TIMEZONE = "the Page's time zone as set in Meta Business Suite (the dates carry no offset)"


def matches(table: Table) -> bool:
    header = [h.strip().casefold() for h in table.header]
    return header[:2] == ["date", "primary"]


def read(table: Table, options: Options) -> Export:
    cols = require(table, ["Date", "Primary"], LABEL)
    names = [p.strip().strip('"').strip(",").strip() for p in table.preamble if not p.lower().startswith("sep=")]
    name = next((n for n in names if n), "")
    if not name:
        raise ImportProblem(f"{table.name}:{table.header_line}: the line before the header should name the metric "
                            f"(one of {', '.join(repr(k.capitalize()) for k in NAMES)}); it is missing")
    if name.casefold() not in NAMES:
        raise ImportProblem(f"{table.name}:{table.header_line - 1}: the metric {name!r} is not one casebook knows in "
                            f"a daily Meta file; known: {', '.join(repr(k.capitalize()) for k in NAMES)}; "
                            "use a mapping file (--map) for others")
    metric, platform = NAMES[name.casefold()]
    if platform is None:
        platform = _platform(table, name, options)
    elif options.platform and options.platform != platform:
        raise ImportProblem(f"{table.name}: {name!r} is a {platform} series; --platform {options.platform} does not fit")
    rows = []
    seen: dict = {}
    for values, line in zip(table.rows, table.lines):
        day = parse_date(table, values, cols["Date"], line)
        if day in seen:
            raise ImportProblem(f"{table.name}:{line}: the day {day} appears twice (also on line {seen[day]}); "
                                "export it again")
        seen[day] = line
        value = number(table, values, cols["Primary"], line, blank=None)
        rows.append(Row("day", ("day", platform, metric, day), day, day, {metric: value}, line))
    notes = []
    if metric == "reach":
        notes.append("reach is the sum of daily viewers, not unique people over the period")
    return Export(table.file, "meta-daily", f"{LABEL} ({name})", platform, TIER_DAILY, rows, TIMEZONE, notes)


def _platform(table: Table, name: str, options: Options) -> str:
    if options.platform:
        if options.platform not in ("facebook", "instagram"):
            raise ImportProblem(f"{table.name}: a Meta {name!r} series is Facebook or Instagram, "
                                f"not {options.platform}")
        return options.platform
    meta = [p for p in options.platforms if p in ("facebook", "instagram")]
    if len(meta) == 1:
        return meta[0]
    raise ImportProblem(f"{table.name}: a Meta {name!r} series can be Facebook or Instagram and the file does not "
                        "say which; add --platform facebook or --platform instagram")
