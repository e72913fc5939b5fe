"""The case PDF tells the same story as the page: title, the results that matter, the story, goals, KPIs."""

from __future__ import annotations

import re

from casebook.load.project import open_project
from casebook.pdf.compose import Context, case_doc

from sitebuild import copy_demo

ORDER = ["before", "actions", "after", "goals", "results", "charts", "media", "testimonial", "lessons"]


def test_each_case_pdf_opens_with_its_highlights_and_keeps_the_page_order(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    ctx = Context(project)
    for loaded in project.public_cases:
        slug = loaded.case.slug
        html = case_doc(ctx, loaded).html
        view = ctx.view(loaded)
        assert view.highlights, slug
        title = html.index('class="cb-pcase__title"')
        assert title < html.index('class="cb-highlights"') < html.index("<h2"), slug
        for h in view.highlights:
            assert f'data-metric="{h.metric}"' in html
        ids = [i for i in re.findall(rf'<h2 id="{re.escape(slug)}-([a-z]+)"', html) if i in ORDER]
        assert ids == sorted(ids, key=ORDER.index), (slug, ids)
