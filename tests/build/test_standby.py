"""casebook.build.standby: the PDF worker forked right after loading, for an edit's one PDF.

Each scenario runs in a process of its own: a test runner's worker has
threads, and a process with threads never forks (the standby is then not
started at all).  Every PDF is compared with the one the build makes in its
own process (``CASEBOOK_PDF_WORKERS=0``), byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sitebuild import copy_demo

pytestmark = pytest.mark.xdist_group("standby")

_SCENARIO = """
import hashlib, json, sys
from pathlib import Path
from casebook import store
from casebook.build import casework, standby
from casebook.load.project import open_project
from casebook.pdf.compose import Context
from casebook.render.charts.static import ChartRenderer

root, cache, scenario = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
project = open_project(root)
cases = project.public_cases[:3] if scenario == "many" else project.public_cases[:1]
work = casework.CaseWork(project, cache, pdf_ctx=Context(project, charts=ChartRenderer(cache / "charts")))
standby.start(project, casework.standby_task)
spare = standby._current
if spare is not None and scenario == "mismatch":  # as if the standby had read other inputs than the build
    real = spare.submit
    spare.submit = lambda task, cache_dir, charts, key: real(task, cache_dir, charts, "0" * 64)
if spare is not None and scenario == "dies":  # gone while it makes the PDF (the out-of-memory killer)
    real = spare.submit
    def submit_then_die(*args):
        real(*args)
        spare.process.kill()
        return spare
    spare.submit = submit_then_die
if spare is not None and scenario == "killed":  # gone before it was asked
    spare.process.kill()
    spare.process.join()
work.ensure(pdfs=[(c, "case") for c in cases])
standby.stop()
print(json.dumps({
    "started": spare is not None,
    "answer": spare._result if spare is not None else None,
    "exitcode": spare.process.exitcode if spare is not None else None,
    "pdfs": {c.case.slug: hashlib.sha256(store.read(work.pdf_path(c, "case")) or b"").hexdigest() for c in cases},
}))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return copy_demo(tmp_path_factory.mktemp("standby") / "p")


def run(demo, tmp_path, scenario: str, **env) -> dict:
    proc = subprocess.run([sys.executable, "-c", _SCENARIO, str(demo), str(tmp_path / scenario), scenario],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def reference(demo, tmp_path_factory):
    """Every demo PDF the scenarios make, made in the build's own process."""
    got = run(demo, tmp_path_factory.mktemp("ref"), "many", CASEBOOK_PDF_WORKERS="0")
    assert not got["started"]  # no workers: no standby either
    return got["pdfs"]


def test_an_edit_s_one_pdf_is_made_by_the_standby_as_the_build_would_make_it(demo, tmp_path, reference):
    got = run(demo, tmp_path, "one", CASEBOOK_PDF_WORKERS="2")
    assert got["started"]
    assert got["exitcode"] == 0  # it answered and ended (one stopped unused is killed)
    assert got["answer"] and not got["answer"].get("error") and not got["answer"].get("mismatch")
    [(slug, digest)] = got["pdfs"].items()
    assert digest == reference[slug]


def test_a_standby_that_read_other_inputs_makes_nothing_and_the_build_makes_the_pdf(demo, tmp_path, reference):
    got = run(demo, tmp_path, "mismatch", CASEBOOK_PDF_WORKERS="2")
    assert got["answer"] == {"slug": next(iter(got["pdfs"])), "mismatch": True}
    assert got["pdfs"].items() <= reference.items()


def test_a_standby_gone_before_its_task_costs_time_only(demo, tmp_path, reference):
    got = run(demo, tmp_path, "killed", CASEBOOK_PDF_WORKERS="2")
    assert got["started"] and got["answer"] is None
    assert got["pdfs"].items() <= reference.items()


def test_a_build_with_many_pdfs_stops_the_standby_unused(demo, tmp_path, reference):
    got = run(demo, tmp_path, "many", CASEBOOK_PDF_WORKERS="2")
    assert got["started"] and got["answer"] is None
    assert got["exitcode"] not in (None, 0)  # killed before it was given anything
    assert got["pdfs"] == reference


def test_a_standby_killed_at_work_leaves_the_pdf_to_the_build(demo, tmp_path, reference):
    got = run(demo, tmp_path, "dies", CASEBOOK_PDF_WORKERS="2")
    assert got["started"] and got["answer"] is None and got["exitcode"] == -9
    assert got["pdfs"].items() <= reference.items()


_IDLE = """
import sys
from pathlib import Path
from casebook.build import casework, standby
from casebook.load.project import open_project
from casebook.pdf.compose import Context
from casebook.render.charts.static import ChartRenderer

root, cache = Path(sys.argv[1]), Path(sys.argv[2])
project = open_project(root)
work = casework.CaseWork(project, cache, pdf_ctx=Context(project, charts=ChartRenderer(cache / "charts")))
one = project.public_cases[0]
work.ensure(pdfs=[(one, "case")])  # made by a pool: there was no standby yet
standby.start(project, casework.standby_task)
spare = standby._current
work.ensure(pdfs=[(one, "case")])  # all cached: nothing to make, so nothing for the standby
print(spare is not None, standby._current is None, spare.process.exitcode)
"""


def test_a_build_with_nothing_to_make_ends_the_standby_at_once(demo, tmp_path):
    """It does not idle beside the rest of the build (the covers' and the audit's workers)."""
    proc = subprocess.run([sys.executable, "-c", _IDLE, str(demo), str(tmp_path / "cache")], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "CASEBOOK_PDF_WORKERS": "2"})
    assert proc.returncode == 0, proc.stderr
    started, gone, exitcode = proc.stdout.split()[-3:]
    assert started == "True" and gone == "True"
    assert exitcode not in ("None", "0")  # killed unused, before the build went on


# -- the edited case's page charts drawn ahead (standby.draw_ahead) -------------------------------------------------
def _edit(root, slug: str) -> None:
    path = next((root / "cases").glob(f"{slug}.yaml"))
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")


def _page_charts_drawn(cases, charts) -> tuple[int, int]:
    """(conversions, cache hits) of a fresh renderer drawing these cases' page charts with the cache ``charts``."""
    from casebook.render.charts.static import ChartRenderer
    from casebook.render.views import case_view
    from casebook.site.plan import page_charts

    renderer = ChartRenderer(charts)
    for loaded in cases:
        page_charts(renderer, case_view(loaded))
    return renderer.conversions, renderer.hits


def test_an_edited_case_s_page_charts_are_drawn_ahead_and_found_by_its_page(tmp_path):
    from casebook.build.standby import draw_ahead
    from casebook.load.project import open_project

    root = copy_demo(tmp_path / "p")
    open_project(root, cache_dir=".load")  # the load cache a build leaves
    slug = "kazan-coffee-vk"
    _edit(root, slug)
    project = open_project(root, cache_dir=".load")
    assert [c.case.slug for c in project.cases if not c.from_cache] == [slug]
    draw_ahead(project, tmp_path / "charts")
    drawn = len(list((tmp_path / "charts").glob("*.svg")))
    edited = [c for c in project.public_cases if c.case.slug == slug]
    assert drawn > 0 and _page_charts_drawn(edited, tmp_path / "charts") == (0, drawn)  # its page draws nothing
    others = [c for c in project.public_cases if c.case.slug != slug]
    assert _page_charts_drawn(others[:1], tmp_path / "charts")[0] > 0  # the cases not edited were not drawn


def test_a_cold_build_draws_nothing_ahead(tmp_path):
    from casebook.build.standby import AHEAD_MAX, draw_ahead
    from casebook.load.project import open_project

    project = open_project(copy_demo(tmp_path / "p"), cache_dir=".load")
    assert len([c for c in project.public_cases if not c.from_cache]) > AHEAD_MAX
    draw_ahead(project, tmp_path / "charts")
    assert not list((tmp_path / "charts").glob("*.svg"))


# -- a page's worker waits for the charts the standby draws (standby.wait_for_charts) --------------------------------
_WAIT = """
import json, os, sys, time
from pathlib import Path
from casebook.build import casework, standby
from casebook.load.project import open_project

root, marker, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
standby.DRAWN_WAIT = 600  # a wait that did not end with the standby's drawing would outlast the test's timeout

def first():  # the standby's drawing: slow, then done (or the standby gone midway)
    time.sleep(1.5)
    if how == "dies":
        os._exit(1)
    marker.write_text("drawn")

project = open_project(root)
standby.start(project, casework.standby_task, first)
started = standby._current is not None
pid = os.fork()  # as the pool worker for the edited case's page is forked, after the standby
if pid == 0:
    standby.wait_for_charts()
    os._exit(0 if marker.exists() else 3)
_, status = os.waitpid(pid, 0)
standby.stop()
print(json.dumps({"started": started, "worker": os.waitstatus_to_exitcode(status)}))
"""


@pytest.mark.parametrize("how, worker", [("draws", 0), ("dies", 3)])
def test_a_page_s_worker_waits_for_the_standby_s_charts_or_its_end(demo, tmp_path, how, worker):
    """Waiting, it finds the images the standby drew instead of starting a chart engine of its own (0.6 s); a
    standby gone before it drew them ends the wait at once: the worker then draws them itself, as before."""
    proc = subprocess.run([sys.executable, "-c", _WAIT, str(demo), str(tmp_path / "drawn"), how],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CASEBOOK_PDF_WORKERS": "2"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == {"started": True, "worker": worker}


_ONE_ENGINE = """
import json, os, random, re, sys
from pathlib import Path
from casebook.build import build, standby
from casebook.render.charts.static import ChartRenderer

root, log = Path(sys.argv[1]), Path(sys.argv[2])
build(root / "mkdocs.yml", pdf=True, quiet=True)  # the site an edit starts from (charts from the shared cache)
case = root / "cases" / "kazan-coffee-vk.yaml"
reach = random.randrange(20000, 21000)  # a chart no earlier run put into the shared cache
case.write_text(re.sub(r"2025-03: 21400", f"2025-03: {reach}", case.read_text("utf-8")), "utf-8")

convert, ahead = ChartRenderer._convert, standby.draw_ahead
def counted(self, *args):
    with log.open("a") as f:
        f.write(f"convert {os.getpid()}\\n")
    return convert(self, *args)
def drawing(*args):
    with log.open("a") as f:
        f.write(f"ahead {os.getpid()}\\n")
    return ahead(*args)
ChartRenderer._convert, standby.draw_ahead = counted, drawing
build(root / "mkdocs.yml", pdf=True, quiet=True)
lines = [line.split() for line in log.read_text().splitlines()]
print(json.dumps({"ahead": sorted({p for what, p in lines if what == "ahead"}),
                  "convert": sorted({p for what, p in lines if what == "convert"})}))
"""


def test_an_edit_starts_one_chart_engine(tmp_path):
    """An edit's build draws the edited case's charts in the standby only: its page's worker waits for them."""
    root = copy_demo(tmp_path / "p")
    proc = subprocess.run([sys.executable, "-c", _ONE_ENGINE, str(root), str(tmp_path / "log")],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CASEBOOK_PDF_WORKERS": "2", "SOURCE_DATE_EPOCH": "1767225600"})
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.splitlines()[-1])
    assert len(got["ahead"]) == 1 and got["convert"] == got["ahead"]
