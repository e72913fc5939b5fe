"""casebook.importers.base: reading one cell as a number or a date, with the file, line and column when it fails."""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.importers.base import caption_title, http_url, number, parse_date, require
from casebook.importers.errors import ImportProblem
from casebook.importers.table import RawFile, Table


def _table(header, row) -> Table:
    return Table(file=RawFile("export.csv", b"", 0.0), encoding="utf-8", preamble=[], header=header, rows=[row],
                 lines=[7])


def test_numbers_as_exports_write_them_and_a_located_message_otherwise():
    t = _table(["Date", "Spend"], ["", ""])
    assert number(t, ["", "1,234.50"], 1, 7, money=True) == 1234.5
    assert number(t, ["", "1 234,5"], 1, 7, money=True) == 1234.5  # a Russian Excel's spaces and decimal comma
    assert number(t, ["", "1 234"], 1, 7) == 1234
    with pytest.raises(ImportProblem, match="'2.5' is not a whole number"):
        number(t, ["", "2.5"], 1, 7)  # a count
    with pytest.raises(ImportProblem, match="is negative"):
        number(t, ["", "-3"], 1, 7)
    assert number(t, ["", ""], 1, 7) == 0  # an empty cell: nothing happened that day
    with pytest.raises(ImportProblem, match=r"^export.csv:7:2: Spend: '12%' is not a number$"):
        number(t, ["", "12%"], 1, 7)


def test_dates_in_the_export_s_order_and_a_swapped_one_explained():
    t = _table(["Date"], [""])
    assert parse_date(t, ["2025-11-03"], 0, 7) == dt.date(2025, 11, 3)
    with pytest.raises(ImportProblem, match="reads as day/month/year; this export writes month/day/year"):
        parse_date(t, ["31/12/2025"], 0, 7, ("%m/%d/%Y",))


def test_required_columns_titles_and_links():
    t = _table(["Date", "Views"], ["", ""])
    assert require(t, ["Date", "Views"], "a test export") == {"Date": 0, "Views": 1}
    with pytest.raises(ImportProblem, match="Reach"):
        require(t, ["Date", "Reach"], "a test export")
    assert caption_title("Weekend hours 🌙\n#halohalo #cebu", "Post 3") == "Weekend hours"
    assert http_url("javascript:alert(1)") is None and http_url("https://x.com/a") == "https://x.com/a"
