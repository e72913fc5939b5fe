"""A client report's plan and asks share a page with what comes before or after them: no page holds only them."""

from __future__ import annotations

import re

from pypdf import PdfReader

from casebook.build.pdfs import build_private_outputs
from casebook.load.project import open_project
from casebook.render.i18n import translator

from sitebuild import copy_demo


def test_plan_and_asks_never_stand_alone_on_a_page(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    written = build_private_outputs(project, tmp_path / "private")
    reports = {c.case.slug: c.case for c in project.private_cases if c.case.kind == "report" and c.case.report.plan}
    assert reports
    for slug, case in reports.items():
        pdf = next(p for p in written if p.name == f"{slug}.pdf")
        t = translator(case.locale)
        pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(str(pdf)).pages]
        plan = t.t("ui.plan")
        at = next(i for i, text in enumerate(pages) if plan in text)
        neighbours = (t.t("ui.appendix"), t.t("ui.what_was_done"), t.t("ui.charts"))
        assert any(word in pages[at] for word in neighbours), (slug, at + 1, pages[at][:300])
