"""Meta Ads Manager reports exported as CSV (one row an ad and reporting period).

Layout.  Ads Manager > Reports > Export table data (CSV) writes UTF-8 with a
byte-order mark, one row per ad and reporting period, with the columns of
the chosen view, e.g. ``Campaign name, Ad set name, Ad name, Reporting
starts, Reporting ends, Amount spent (PHP), Result type, Results, Cost per
result, Reach, Impressions, Frequency, Post engagements, Link clicks``; the
spend column's header carries the ad account's currency.  Sources: the
layout quoted in casebook's issue 12 (taken from real exports); Meta's own
column names as listed there.

Names repeat (two ads called "Carousel 1" in different ad sets), so rows
are told apart by ``Ad ID`` (add the ID columns to the view before
exporting: Customise columns > Ad ID); an export without ``Ad ID`` is
refused.  With a time breakdown (days, weeks, months) each row's
``Reporting starts``/``Reporting ends`` is its period: a row counts in a
period or a month only when its days lie inside it, so export monthly or
daily rows for monthly reports.

What it feeds: ``spend`` (Amount spent), ``impressions``, ``clicks`` (Link
clicks) and ``Results`` by ``Result type``: leads (any type naming leads),
orders (purchases), messages (messaging conversations started).  Reach and
frequency are per ad and do not add up to people; post engagements overlap
the organic page numbers: neither is imported.  Assumed: dates are in the
ad account's time zone, which Ads Manager reports in.
"""

from __future__ import annotations

import re

from .base import TIER_ADS, Export, Options, Row, duplicate_keys, number, parse_date, require
from .errors import ImportProblem
from .table import Table

LABEL = "Meta Ads Manager report"
NEEDS = ["Ad ID", "Reporting starts", "Reporting ends", "Amount spent (CUR)"]
TIMEZONE = "the ad account's time zone (Ads Manager reports in it; the dates carry no offset)"
RESULT_TYPES = (
    (re.compile(r"lead", re.I), "leads"),
    (re.compile(r"purchase", re.I), "orders"),
    (re.compile(r"messaging conversation", re.I), "messages"),
)
_SPEND = re.compile(r"^amount spent \(([A-Za-z]{3})\)$", re.I)


def matches(header: list[str]) -> bool:
    names = {h.strip().casefold() for h in header}
    return "reporting starts" in names and "reporting ends" in names and any(_SPEND.match(h.strip()) for h in header)


def read(table: Table, options: Options) -> Export:
    spend_cols = [(i, _SPEND.match(h.strip()).group(1).upper()) for i, h in enumerate(table.header)
                  if _SPEND.match(h.strip())]
    currencies = sorted({c for _, c in spend_cols})
    if len(currencies) > 1:
        raise ImportProblem(f"{table.name}:{table.header_line}: the export mixes currencies "
                            f"({', '.join(currencies)}); export each ad account on its own")
    if not spend_cols:
        raise ImportProblem(f"{table.name}:{table.header_line}: a {LABEL} needs a column 'Amount spent (CUR)' "
                            "naming the currency, e.g. 'Amount spent (PHP)'")
    spend_col, currency = spend_cols[0]
    if options.currency and currency != options.currency:
        raise ImportProblem(f"{table.name}:{table.header_line}:{spend_col + 1}: {table.header[spend_col]}: the spend "
                            f"is in {currency} but the case's currency is {options.currency}; export the report in "
                            f"{options.currency} or import it into a {currency} case")
    if table.column("Ad ID") is None:
        raise ImportProblem(f"{table.name}:{table.header_line}: a {LABEL} needs the column 'Ad ID' (ad names "
                            "repeat, so rows are told apart by their id); add it in Ads Manager: "
                            "Columns > Customise columns > Ad ID, and export again")
    cols = require(table, ["Ad ID", "Reporting starts", "Reporting ends"], LABEL)
    platform = _platform(table, options)
    result_type, results = table.column("Result type"), table.column("Results")
    optional = {"impressions": table.column("Impressions"), "clicks": table.column("Link clicks")}
    rows = []
    for values, line in zip(table.rows, table.lines):
        ad = values[cols["Ad ID"]].strip() if cols["Ad ID"] < len(values) else ""
        if not ad:
            if all(not v.strip() for i, v in enumerate(values) if i != spend_col):
                continue  # the summary row Ads Manager may add at the end
            raise ImportProblem(f"{table.name}:{line}:{cols['Ad ID'] + 1}: Ad ID: the cell is empty")
        start = parse_date(table, values, cols["Reporting starts"], line)
        end = parse_date(table, values, cols["Reporting ends"], line)
        if end < start:
            raise ImportProblem(f"{table.name}:{line}:{cols['Reporting ends'] + 1}: Reporting ends: {end} is before "
                                f"Reporting starts ({start})")
        numbers: dict[str, float | None] = {"spend": number(table, values, spend_col, line, money=True)}
        for metric, col in optional.items():
            if col is not None:
                numbers[metric] = number(table, values, col, line)
        if results is not None:
            kind = values[result_type].strip() if result_type is not None and result_type < len(values) else ""
            count = number(table, values, results, line)
            for pattern, metric in RESULT_TYPES:
                if pattern.search(kind):
                    numbers[metric] = numbers.get(metric, 0) + (count or 0) if count is not None else None
        rows.append(Row("span", ("ad", platform, ad, start, end), start, end, numbers, line))
    duplicate_keys(table, rows, "the ad and period")
    for row in rows:  # every row carries every result metric the file has, so months sum alike
        for _, metric in RESULT_TYPES:
            if any(metric in r.values for r in rows):
                row.values.setdefault(metric, 0)
    notes = [f"spend in {currency}", "rows told apart by Ad ID and reporting period",
             "reach and post engagements of ads are not imported (they do not add up across ads)"]
    return Export(table.file, "meta-ads", LABEL, platform, TIER_ADS, rows, TIMEZONE, notes, currency=currency)


def _platform(table: Table, options: Options) -> str:
    if options.platform:
        return options.platform
    meta = [p for p in ("facebook", "instagram") if p in options.platforms]
    if meta:
        return meta[0]
    raise ImportProblem(f"{table.name}: Meta ads run on Facebook or Instagram, and the case lists neither; "
                        "add the platform to the case or pass --platform")
