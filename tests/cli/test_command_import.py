"""casebook import: registered from casebook.importers; a missing case file is one line naming it."""

from __future__ import annotations


def test_import_into_a_missing_case_is_one_line(casebook, tmp_path):
    result = casebook("import", tmp_path / "nothing.csv", "--into", tmp_path / "case.yaml", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "case.yaml: no such case file" in result.stderr
