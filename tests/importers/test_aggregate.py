"""casebook.importers.aggregate: rows into monthly series and snapshots, each row counted once."""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.importers.aggregate import Snapshot, Span, aggregate, dedupe, month_span, months_between
from casebook.importers.base import Export, Row
from casebook.importers.errors import ImportProblem
from casebook.importers.table import RawFile

D = dt.date


def _export(name: str, mtime: float, rows: list[Row], fmt: str = "meta-daily", tier: int = 2) -> Export:
    return Export(RawFile(name, b"", mtime), fmt, "an export", "facebook", tier, rows, "UTC")


def _views(days: list[dt.date], value) -> list[Row]:
    return [Row("day", ("day", "facebook", "views", d), d, d, {"views": value(d)}, i + 2) for i, d in enumerate(days)]


def test_daily_rows_sum_to_months_and_the_period_s_snapshot():
    days = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(59)]  # January 1 to February 28
    export = _export("views.csv", 1.0, _views(days, lambda d: 10.0 if d.month == 1 else 20.0))
    after = Snapshot("after", D(2025, 2, 28), Span(D(2025, 2, 1), D(2025, 2, 28)))
    result = aggregate([export], [after], report=False).platforms["facebook"]
    # 31 days of 10 views, 28 days of 20
    assert result.series == {"views": {"2025-01": 310, "2025-02": 560}}
    assert result.snapshots[0].values == {"views": 560}


def test_a_period_the_exports_do_not_cover_whole_gets_no_made_up_total():
    export = _export("views.csv", 1.0, _views([D(2025, 2, 1), D(2025, 2, 2)], lambda d: 5.0))
    after = Snapshot("after", D(2025, 2, 28), Span(D(2025, 2, 1), D(2025, 2, 28)))
    snap = aggregate([export], [after], report=False).platforms["facebook"].snapshots[0]
    assert "views" not in snap.values and "not all of 2025-02-01 to 2025-02-28" in snap.missing["views"]


def test_rows_in_two_exports_count_once_from_the_newer():
    days = [D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 3)]
    old = _export("old.csv", 1.0, _views(days, lambda d: 1.0))
    new = _export("new.csv", 2.0, _views(days, lambda d: 99.0))
    kept, lines = dedupe([old, new])
    assert kept[id(old)] == [] and [r.values["views"] for r in kept[id(new)]] == [99.0, 99.0, 99.0]
    assert lines == ["3 day(s) of old.csv are also in new.csv: counted once, from new.csv (the newer export)"]


def test_an_ad_in_two_overlapping_periods_would_count_its_spend_twice():
    def ad(start, end, line):
        return Row("span", ("ad", "facebook", "42", start, end), start, end, {"spend": 100.0}, line)
    month = _export("month.csv", 1.0, [ad(D(2025, 1, 1), D(2025, 1, 31), 2)], fmt="meta-ads", tier=3)
    days = _export("days.csv", 2.0, [ad(D(2025, 1, 5), D(2025, 1, 5), 7)], fmt="meta-ads", tier=3)
    with pytest.raises(ImportProblem, match="ad 42 covers 2025-01-05 to 2025-01-05, overlapping"):
        dedupe([month, days])


def test_month_helpers():
    assert (month_span("2024-02").start, month_span("2024-02").end) == (D(2024, 2, 1), D(2024, 2, 29))
    assert months_between(D(2025, 1, 31), D(2025, 3, 1)) == ["2025-01", "2025-02", "2025-03"]
