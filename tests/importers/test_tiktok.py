"""casebook.importers.tiktok: TikTok Studio's exports, whose dates have no year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casebook.importers import detect, tiktok
from casebook.importers.base import Options
from casebook.importers.errors import YearUnknown
from casebook.importers.table import collect

EXPORTS = Path(__file__).resolve().parents[1] / "corpus" / "exports"


def _member(zip_path: Path, name: str):
    return next(f for f in collect([zip_path]) if f.name.endswith(":" + name))


def test_overview_days_take_their_year_from_the_zip_and_sum_engagements():
    table = detect.table_of(_member(EXPORTS / "halohalo" / "tiktok" / "TikTok-Studio-analytics.zip", "Overview.csv"))
    kind = tiktok.matches(table.header)
    assert kind == "tiktok-overview"
    export = tiktok.read(table, kind, Options())
    # "September 1","38508","344","1639","43","229"; the zip was made on 2025-12-02
    first = export.rows[0]
    assert first.start == dt.date(2025, 9, 1)
    assert first.values == {"views": 38508, "visits": 344, "likes": 1639, "comments": 43, "shares": 229,
                            "engagements": 1639 + 43 + 229}
    assert export.span == (dt.date(2025, 9, 1), dt.date(2025, 11, 30))


def test_year_less_dates_with_nothing_to_date_them_ask_for_the_year():
    member = _member(EXPORTS / "tiktok-ru" / "tiktok-studio-undated.zip", "Overview.csv")
    table = detect.table_of(member)
    with pytest.raises(YearUnknown, match="pass --year"):
        tiktok.read(table, tiktok.matches(table.header), Options())
    # --year 2025 is the year of the latest row (January 31): "15 ноября" is then November 15, 2024
    export = tiktok.read(table, tiktok.matches(table.header), Options(year=2025))
    assert export.span == (dt.date(2024, 11, 15), dt.date(2025, 1, 31))
    assert export.rows[0].values["views"] == 22427
