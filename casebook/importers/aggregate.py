"""Rows to a case's numbers: flows summed over a period, stocks read at a date, unique counts said to be sums.

Rules, each a promise the tests check:

- One row per thing: the same post (ad and period, day of a series) in two
  exports counts once, from the newer export (the one whose rows reach a
  later day; then the file's time; then the later on the command line),
  and the import says so.
- One source per metric: when several exports give the same platform's
  metric, the most direct wins: an ad report (spend, impressions, clicks,
  results) over page-level daily totals over sums of per-post numbers.
- A period counts only when the exports cover every day of it: a month
  covered in part is *partial*: left out of ``series`` and of any snapshot
  it would make, and named in the output and the provenance.  A value the
  export marks as unknown (``undefined``) makes its month partial too.
- A stock (followers) is read on the snapshot's date, or on the month's
  last day for a series; never interpolated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from casebook import registry

from .base import Export, Row
from .errors import ImportProblem

# Metrics written as monthly series (the ones with a KPI card: the numbers a
# client reads every month); the rest go into the snapshots only.
SERIES = ("followers", "reach", "views", "impressions", "engagements", "posts", "clicks", "leads", "orders",
          "revenue", "spend")


@dataclass
class Span:
    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return f"{self.start} to {self.end}"


@dataclass
class Snapshot:
    name: str  # before | after | report.previous
    as_of: dt.date
    period: Span
    values: dict[str, float] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # metric -> why it is not filled


@dataclass
class PlatformResult:
    platform: str
    exports: list[Export]
    snapshots: list[Snapshot]
    series: dict[str, dict[str, float]]
    partial: dict[str, list[str]]  # metric -> months covered in part
    top: list[Row]
    sources: dict[str, list[Export]]  # metric -> the exports it came from
    rows_used: dict[int, int]  # id(export) -> rows that count
    kept: dict[int, list[Row]] = field(default_factory=dict)  # id(export) -> its rows that count

    def contributes(self, export: Export, metric: str, start: dt.date, end: dt.date) -> bool:
        """Did export give metric a value for a day between start and end (a stock: on end)?"""
        if export not in self.sources.get(metric, []):
            return False
        stock = registry.metrics()[metric].measure == "stock"
        return any(metric in r.values and (r.start == end if stock else start <= r.start and r.end <= end)
                   for r in self.kept.get(id(export), []))


@dataclass
class Result:
    platforms: dict[str, PlatformResult]
    duplicates: list[str]


def month_span(month: str) -> Span:
    y, m = map(int, month.split("-"))
    start = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return Span(start, nxt - dt.timedelta(days=1))


def months_between(a: dt.date, b: dt.date) -> list[str]:
    out, (y, m) = [], (a.year, a.month)
    while (y, m) <= (b.year, b.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _newer(a: Export, b: Export) -> bool:
    """Is a the newer export?  The one whose rows reach a later day (it was made later), then the file's time,
    then the later on the command line."""
    def rank(e: Export):
        span = e.span
        return (span[1] if span else dt.date.min, e.file.mtime, e.file.order, e.file.name)

    return rank(a) > rank(b)


def dedupe(exports: list[Export]) -> tuple[dict[int, list[Row]], list[str]]:
    """Each export's rows that count, and a line for each pair of exports that shared rows."""
    owner: dict[tuple, tuple[Export, Row]] = {}
    for export in exports:
        for row in export.rows:
            key = (export.format if row.kind == "day" else "") , row.key
            held = owner.get(key)
            if held is None or _newer(export, held[0]):
                owner[key] = (export, row)
    kept: dict[int, list[Row]] = {id(e): [] for e in exports}
    shared: dict[tuple[str, str], tuple[int, str]] = {}
    for export in exports:
        for row in export.rows:
            key = (export.format if row.kind == "day" else ""), row.key
            winner, _ = owner[key]
            if winner is export:
                kept[id(export)].append(row)
            else:
                pair = (export.file.name, winner.file.name)
                n, what = shared.get(pair, (0, row.kind))
                shared[pair] = (n + 1, row.kind)
    words = {"post": "post(s)", "day": "day(s)", "span": "ad row(s)"}
    lines = [f"{n} {words.get(kind, 'row(s)')} of {_short(older)} are also in {_short(newer)}: counted once, "
             f"from {_short(newer)} (the newer export)" for (older, newer), (n, kind) in shared.items()]
    _ad_overlaps(exports, kept)
    return kept, lines


def _ad_overlaps(exports: list[Export], kept: dict[int, list[Row]]) -> None:
    """An ad's rows of two time breakdowns (a month and its days) would count its spend twice."""
    spans: dict[tuple, list[tuple[Row, Export]]] = {}
    for export in exports:
        for row in kept[id(export)]:
            if row.kind == "span":
                spans.setdefault(row.key[:3], []).append((row, export))
    for key, items in spans.items():
        items.sort(key=lambda it: (it[0].start, it[0].end))
        for (a, ea), (b, eb) in zip(items, items[1:]):
            if b.start <= a.end:
                raise ImportProblem(
                    f"{eb.file.name}:{b.line}: ad {key[2]} covers {b.start} to {b.end}, overlapping its row "
                    f"{a.start} to {a.end} in {ea.file.name}:{a.line}; its spend would count twice: "
                    "export every report with the same time breakdown")


def _days(span: Span):
    day = span.start
    while day <= span.end:
        yield day
        day += dt.timedelta(days=1)


class MetricData:
    """One platform's metric: its rows (from the chosen exports) and the days those exports cover."""

    def __init__(self, metric: str, exports: list[Export], kept: dict[int, list[Row]]):
        self.metric = metric
        self.measure = registry.metrics()[metric].measure
        self.money = registry.metrics()[metric].unit == "money"
        self.exports = exports
        self.rows = [r for e in exports for r in kept[id(e)] if metric in r.values]
        self.covered: set[dt.date] = set()
        for e in exports:
            span = e.span
            if span:
                self.covered.update(_days(Span(*span)))
        self.by_day = {r.start: r for r in self.rows if r.kind == "day"}

    def range(self) -> Span | None:
        if not self.covered:
            return None
        return Span(min(self.covered), max(self.covered))

    def stock_at(self, day: dt.date) -> tuple[float | None, str]:
        row = self.by_day.get(day)
        if row is None:
            shown = self.range()
            return None, f"no {self.metric} on {day} in the exports (they cover {shown})"
        value = row.values[self.metric]
        if value is None:
            return None, f"the export does not know {self.metric} on {day}"
        return value, ""

    def total(self, span: Span) -> tuple[float | None, str]:
        if self.measure == "stock":
            return self.stock_at(span.end)
        missing = [d for d in _days(span) if d not in self.covered]
        if missing:
            shown = self.range()
            return None, f"the exports cover {shown}, not all of {span}"
        total = 0.0
        for row in self.rows:
            if row.end < span.start or row.start > span.end:
                continue
            if row.start < span.start or row.end > span.end:
                return None, (f"a row covers {row.start} to {row.end}, across the edge of {span}: "
                              "export with a daily or monthly breakdown")
            value = row.values[self.metric]
            if value is None:
                return None, f"the export does not know {self.metric} on {row.start} ('undefined')"
            total += value
        return (round(total, 2) if self.money else int(round(total))), ""


def aggregate(exports: list[Export], snapshots: list[Snapshot], report: bool) -> Result:
    kept, duplicates = dedupe(exports)
    platforms: dict[str, PlatformResult] = {}
    for platform in dict.fromkeys(e.platform for e in exports):
        mine = [e for e in exports if e.platform == platform]
        metrics: dict[str, MetricData] = {}
        sources: dict[str, list[Export]] = {}
        for metric in dict.fromkeys(m for e in mine for m in e.metrics):
            providers = [e for e in mine if metric in e.metrics]
            best = max(e.tier for e in providers)
            chosen = [e for e in providers if e.tier == best]
            metrics[metric] = MetricData(metric, chosen, kept)
            sources[metric] = chosen
        snaps = []
        for template in snapshots:
            snap = Snapshot(template.name, template.as_of, template.period)
            for metric, data in metrics.items():
                if data.measure == "stock":
                    value, why = data.stock_at(snap.as_of)
                else:
                    value, why = data.total(snap.period)
                if value is None:
                    snap.missing[metric] = why
                else:
                    snap.values[metric] = value
            snaps.append(snap)
        series: dict[str, dict[str, float]] = {}
        partial: dict[str, list[str]] = {}
        for metric, data in metrics.items():
            span = data.range()
            if span is None:
                continue
            values, gaps = {}, []
            for month in months_between(span.start, span.end):
                value, _why = data.total(month_span(month))
                if value is None:
                    gaps.append(month)
                else:
                    values[month] = value
            if gaps:
                partial[metric] = gaps
            if metric in SERIES and values:
                series[metric] = values
        top = _top(mine, kept, snapshots[0].period if report else None)
        used = {id(e): len(kept[id(e)]) for e in mine}
        platforms[platform] = PlatformResult(platform, mine, snaps, series, partial, top, sources, used,
                                             {id(e): kept[id(e)] for e in mine})
    return Result(platforms, duplicates)


def _top(exports: list[Export], kept: dict[int, list[Row]], period: Span | None, n: int = 3,
         limit: int = 3) -> list[Row]:
    """The best posts of the period: the best by reach (or views) and by engagements in turn, at most ``limit``."""
    if period is None:
        return []
    posts = [r for e in exports for r in kept[id(e)]
             if r.kind == "post" and period.start <= r.start <= period.end]
    if not posts:
        return []

    def by(metric):
        return sorted((p for p in posts if p.values.get(metric) is not None),
                      key=lambda p: (-p.values[metric], p.start, p.key))

    reach_like = "reach" if any(p.values.get("reach") is not None for p in posts) else "views"
    chosen: dict[tuple, Row] = {}
    for first, second in zip(by(reach_like)[:n] + [None] * n, by("engagements")[:n] + [None] * n):
        for p in (first, second):
            if p is not None and len(chosen) < limit:
                chosen.setdefault(p.key, p)
    return sorted(chosen.values(), key=lambda p: (-(p.values.get(reach_like) or 0), p.start, p.key))


def shown_name(export: Export) -> str:
    """An export's file name without the folders of the machine it was read on."""
    return _short(export.file.name)


def _short(name: str) -> str:
    if ":" in name and not name.startswith(("http:", "https:")):
        outer, inner = name.rsplit(":", 1)
        return f"{Path(outer).name}:{inner}"
    return Path(name).name
