"""casebook.pdf.compose: a case's print document comes from the same view as its page."""

from __future__ import annotations

import html

from casebook.load.project import open_project
from casebook.pdf.compose import Context, case_doc

from sitebuild import copy_demo


def test_case_document_holds_the_case_and_no_outside_reference(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    loaded = project.public_cases[0]
    doc = case_doc(Context(project), loaded)
    assert html.escape(loaded.case.title, quote=False) in doc.html
    assert "http://" not in doc.html.replace("http://www.w3.org", "")
    assert loaded.case.slug in doc.slugs
