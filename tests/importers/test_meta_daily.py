"""casebook.importers.meta_daily: Meta Business Suite's page-level daily series (UTF-16, "sep=," first)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casebook.importers import detect, meta_daily
from casebook.importers.base import Options
from casebook.importers.errors import ImportProblem
from casebook.importers.table import collect

VIEWS = Path(__file__).resolve().parents[1] / "corpus" / "exports" / "halohalo" / "facebook" / "Views.csv"


def test_one_row_a_day_of_the_named_metric():
    table = detect.table_of(collect([VIEWS])[0])
    assert meta_daily.matches(table)
    export = meta_daily.read(table, Options(platform="facebook"))
    # "2025-09-01T00:00:00","15496" and the next day 11330; September 1 to November 30 is 91 days
    assert [(r.start, r.values) for r in export.rows[:2]] == [
        (dt.date(2025, 9, 1), {"views": 15496}), (dt.date(2025, 9, 2), {"views": 11330})]
    assert len(export.rows) == 91 and export.span == (dt.date(2025, 9, 1), dt.date(2025, 11, 30))
    assert export.platform == "facebook" and all(r.kind == "day" for r in export.rows)


def test_a_series_that_could_be_facebook_or_instagram_asks_which():
    table = detect.table_of(collect([VIEWS])[0])
    with pytest.raises(ImportProblem, match="--platform facebook or --platform instagram"):
        meta_daily.read(table, Options())
