"""casebook.importers.table: export files as tables, whatever the encoding, delimiter or container."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from casebook.importers.table import RawFile, collect, decode, read_text_table, sniff_delimiter

EXPORTS = Path(__file__).resolve().parents[1] / "corpus" / "exports"


def test_a_zip_is_its_members_dated_by_the_zip_and_a_folder_its_files_in_order(tmp_path):
    members = collect([EXPORTS / "halohalo" / "tiktok" / "TikTok-Studio-analytics.zip"])
    names = [f.name.rsplit(":", 1)[1] for f in members]
    with zipfile.ZipFile(EXPORTS / "halohalo" / "tiktok" / "TikTok-Studio-analytics.zip") as z:
        assert names == [i.filename for i in z.infolist()]
    assert {f.container_date for f in members} == {dt.date(2025, 12, 2)}
    (tmp_path / "b.csv").write_text("x\n")
    (tmp_path / "a.csv").write_text("y\n")
    assert [Path(f.name).name for f in collect([tmp_path])] == ["a.csv", "b.csv"]


def test_encodings_and_delimiters_are_recognised():
    views = collect([EXPORTS / "halohalo" / "facebook" / "Views.csv"])[0]
    text, encoding = decode(views)
    assert encoding == "utf-16" and text.splitlines()[0].startswith("sep=,")
    vk = collect([EXPORTS / "vk" / "vk-community-stats.csv"])[0]
    text, encoding = decode(vk)
    assert encoding == "cp1251" and text.startswith("Дата;")
    assert sniff_delimiter(text.splitlines()[:3]) == ";"
    assert sniff_delimiter(['"a;b",c', "1,2"]) == ","  # a ; inside quotes is not a delimiter


def test_a_text_table_keeps_each_row_s_line_number():
    file = RawFile("t.csv", b"Date,Views\n\n2025-01-01,5\n2025-01-02,7\n", 0.0)
    table = read_text_table(file, lambda rows: 0)
    assert table.header == ["Date", "Views"]
    assert table.rows == [["2025-01-01", "5"], ["2025-01-02", "7"]] and table.lines == [3, 4]
    assert table.column(" views ") == 1
