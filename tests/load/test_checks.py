"""casebook.load.checks: rules across fields, each pointing at one field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from casebook.load.cases import load_case_file
from casebook.load.checks import check_case, month_start, visible

REPO = Path(__file__).resolve().parents[2]


def test_demo_cases_pass_every_rule():
    for path in sorted((REPO / "cases").glob("*.yaml")):
        loaded, problems, _ = load_case_file(path, REPO)
        assert loaded is not None, problems
        assert [issue for issue in check_case(loaded.case) if issue[1] == "error"] == []


def test_month_start_and_visible_text():
    assert month_start("2025-02") == dt.date(2025, 2, 1)
    assert visible("Zer\u00adno") == "Zerno"
