"""casebook.build.casework: a case page made in a worker is the page the site makes in-process."""

from __future__ import annotations

from casebook.build.casework import CaseWork
from casebook.load.project import open_project
from casebook.site.plan import Site, page_base

from sitebuild import copy_demo


def test_worker_page_equals_in_process_page(tmp_path):
    root = copy_demo(tmp_path / "p")
    project = open_project(root)
    loaded = project.public_cases[0]
    base = page_base(f"cases/{loaded.case.slug}/")
    alone = Site(project).render_case(loaded, base)
    site = Site(project)
    work = CaseWork(project, tmp_path / "cache", site=site)
    site.work = work
    try:
        work.start(pages=[(loaded, base)], pdfs=[])
        made = site.render_case(loaded, base)
        work.wait()
    finally:
        work.close()
    assert made == alone
