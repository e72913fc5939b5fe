"""casebook.pdf.tables: the KPI table of a case PDF agrees with the case's numbers."""

from __future__ import annotations

from casebook.load.project import open_project
from casebook.pdf.tables import kpi_table, period_label
from casebook.render.views import case_view

from sitebuild import copy_demo


def test_kpi_table_has_a_row_per_kpi_and_the_period(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    view = case_view(project.public_cases[0])
    table = kpi_table(view)
    assert table and all(isinstance(v, (list, dict, str, type(None), bool, int)) for v in table.values())
    assert period_label(view.t, view.case)
