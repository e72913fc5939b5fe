"""casebook.build.casework: a case page made in a worker is the page the site makes in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def _run(tmp_path: Path, script: str) -> dict:
    """A script run on a copy of the demo in a process of its own (see _ROTATION); its last line, read as JSON."""
    root = copy_demo(tmp_path / "p")
    run = subprocess.run([sys.executable, "-c", script, str(root), str(tmp_path / "cache")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


# Run in a process of its own: a test runner's worker has threads of its own, and a process with
# threads never forks a pool (the cases are then made in-process, one after another).
_ROTATION = """
import json, sys
from pathlib import Path
from casebook.build import casework
from casebook.load.project import open_project
from casebook.site.plan import Site, page_base

root, cache = Path(sys.argv[1]), Path(sys.argv[2])
project = open_project(root)
cases = [(c, page_base(f"cases/{c.case.slug}/")) for c in project.public_cases]
alone = {c.case.slug: Site(project).render_case(c, base) for c, base in cases}
pools = []
real_pool = casework.worker_pool
casework.worker_pool = lambda *a, **k: pools.append(a[0]) or real_pool(*a, **k)
casework.ROTATE = 2
site = Site(project)
work = casework.CaseWork(project, cache, site=site)
site.work = work
try:
    work.start(pages=cases, pdfs=[])
    last, base = cases[-1]  # asked first: its pool starts before those queued ahead of it
    made = {last.case.slug: site.render_case(last, base)}
    work.wait()
    made |= {c.case.slug: site.render_case(c, b) for c, b in cases[:-1]}
finally:
    work.close()
print(json.dumps({"cases": len(cases), "pools": pools, "same": made == alone, "made": work.stats.made}))
"""


def test_pools_forked_afresh_make_every_page_as_one_pool_does(tmp_path):
    """A large batch is made by pools forked one after another (a worker's memory grows with what
    it makes): every page is still the page made in-process, and each case is made once, whether
    MkDocs asks for a case of a later pool first or waits for everything."""
    got = _run(tmp_path, _ROTATION)
    assert got["cases"] >= 5
    assert got["same"]
    assert len(got["pools"]) == -(-got["cases"] // 2)  # two cases a pool
    assert got["made"] == got["cases"]


_COVERS = """
import json, sys
from pathlib import Path
from casebook.build import casework
from casebook.load.project import open_project
from casebook.render import covers
from casebook.site.plan import Site, page_base

root, cache = Path(sys.argv[1]), Path(sys.argv[2])
covers.use_cache(cache / "covers")
project = open_project(root)
cases = [(c, page_base(f"cases/{c.case.slug}/")) for c in project.public_cases]
made_here = []
render_png = covers._png
covers._png = lambda svg: made_here.append(svg) or render_png(svg)  # a forked worker counts in its own copy
site = Site(project)
work = casework.CaseWork(project, cache, site=site)
site.work = work
try:
    work.start(pages=cases, pdfs=[])
    work.wait()
finally:
    work.close()
for c, _base in cases:
    site.view(c)  # as the site's pages do: each case without a cover of its own is given one
pngs = {a.dest: (a.data, site._media[(a.dest.split("/")[1], "\\0cover")].svg)
        for a in site.media_assets() if "/cover-" in a.dest}
dest, (data, svg) = sorted(pngs.items())[0]
print(json.dumps({"covers": len(pngs), "made_here": len(made_here), "same": data == render_png(svg)}))
"""


def test_generated_covers_are_made_by_the_case_workers_not_after_them(tmp_path):
    """A case without a cover gets a PNG made from its numbers (55 ms each): the worker that makes
    the case's page makes it too, beside the other cases, and the build's own process, which writes
    the site after every page is made, reads it from the cache folder: the same bytes."""
    got = _run(tmp_path, _COVERS)
    assert got["covers"] >= 1
    assert got["made_here"] == 0
    assert got["same"]


_ORDER = """
import json, sys
from pathlib import Path
from casebook.build import casework
from casebook.load.project import open_project
from casebook.pdf.compose import Context
from casebook.site.plan import Site, page_base

root, cache = Path(sys.argv[1]), Path(sys.argv[2])
project = open_project(root)
submitted = []
real_pool = casework.worker_pool

class Recording:  # the pool as forked, its tasks noted in the order they are handed to it
    def __init__(self, pool):
        self.pool = pool
    def submit(self, fn, task):
        submitted.append([task.slug, task.page_base is not None, task.pdf_kind])
        return self.pool.submit(fn, task)
    def shutdown(self, *args, **kwargs):
        return self.pool.shutdown(*args, **kwargs)

casework.worker_pool = lambda *a, **k: Recording(real_pool(*a, **k))
site = Site(project)
work = casework.CaseWork(project, cache, site=site, pdf_ctx=Context(project, charts=None))
site.work = work
asked = [(c, page_base(f"cases/{c.case.slug}/")) for c in reversed(project.public_cases)]
try:
    work.start(pages=asked, pdfs=casework.private_pdfs(project))
    work.wait()
finally:
    work.close()
sizes = {c.case.slug: c.source.stat().st_size for c in project.cases}
print(json.dumps({"submitted": submitted, "asked": [c.case.slug for c, _ in asked], "sizes": sizes}))
"""


def test_pages_are_made_in_the_order_they_are_asked_for_after_the_pdfs_no_page_waits_for(tmp_path):
    """MkDocs takes the case pages one by one in its own order: the workers make them in that
    order, so each is finished as it comes rather than hundreds after the workers are done. What no
    page waits for (a private case's or a report's PDF) goes first, the largest first, so that a
    long report does not leave one core working alone at the end."""
    got = _run(tmp_path, _ORDER)
    alone = [slug for slug, page, kind in got["submitted"] if not page]
    pages = [slug for slug, page, kind in got["submitted"] if page]
    assert len(alone) >= 2 and pages == got["asked"]
    assert [slug for slug, page, kind in got["submitted"]] == alone + pages
    assert alone == sorted(alone, key=lambda slug: -got["sizes"][slug])
    assert all(kind in ("report", "private") for slug, page, kind in got["submitted"] if not page)
