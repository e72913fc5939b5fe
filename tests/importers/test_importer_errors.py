"""casebook.importers.errors: an import problem is a casebook error (one line, exit 1), the year one among them."""

from __future__ import annotations

from click.testing import CliRunner

from casebook.errors import CasebookError
from casebook.importers.errors import ImportProblem, YearUnknown


def test_import_problems_are_casebook_errors_shown_as_one_line(tmp_path):
    from casebook.cli import main

    assert issubclass(ImportProblem, CasebookError) and issubclass(YearUnknown, ImportProblem)
    (tmp_path / "sales.csv").write_text("Day,Sales\n2025-01-01,5\n", "utf-8")
    (tmp_path / "case.yaml").write_text("slug: x\n", "utf-8")
    result = CliRunner().invoke(main, ["import", str(tmp_path / "sales.csv"), "--into", str(tmp_path / "case.yaml"),
                                       "--root", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (tmp_path / "case.yaml").read_text("utf-8") == "slug: x\n"  # nothing written
