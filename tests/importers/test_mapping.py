"""casebook.importers.mapping: any other export, described by a mapping file (--map)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casebook.importers import mapping
from casebook.importers.base import Options
from casebook.importers.errors import ImportProblem
from casebook.importers.table import collect

REPO = Path(__file__).resolve().parents[2]
VK = REPO / "tests" / "corpus" / "exports" / "vk" / "vk-community-stats.csv"


def test_the_vk_example_reads_a_cp1251_semicolon_file():
    rules = mapping.load_mapping(REPO / "docs" / "import" / "vk.map.yaml")
    export = mapping.read(collect([VK])[0], rules, Options())
    assert export.platform == "vk"
    first = export.rows[0]
    # 01.08.2025;663;1369;3151;5093;155;281;55;18;22;19 (total reach is the fifth column)
    assert first.start == dt.date(2025, 8, 1)
    assert first.values == {"reach": 5093, "visits": 155, "likes": 281, "comments": 55, "shares": 18,
                            "engagements": 281 + 55 + 18, "follows": 22, "unfollows": 19}


def test_a_misspelt_key_or_a_missing_column_is_refused(tmp_path):
    bad = tmp_path / "typo.map.yaml"
    bad.write_text("format: x\nplatform: vk\ndate: {column: Date}\nmetrcs: {reach: Reach}\n", "utf-8")
    with pytest.raises(ImportProblem, match="metrcs"):
        mapping.load_mapping(bad)
    wrong = tmp_path / "wrong.map.yaml"
    text = (REPO / "docs" / "import" / "vk.map.yaml").read_text("utf-8").replace('"Посетители"', '"Visitors"')
    wrong.write_text(text, "utf-8")
    with pytest.raises(ImportProblem, match="Visitors"):
        mapping.read(collect([VK])[0], mapping.load_mapping(wrong), Options())
