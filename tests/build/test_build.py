"""`casebook build`: all or nothing, with the old site left alone on failure."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from casebook.cli import main
from sitebuild import copy_demo

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    root = copy_demo(tmp_path / "p")
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", "utf-8")
    (site / "sitemap.xml").write_text("<urlset/>", "utf-8")  # what a built site has beside its index
    return root


def run_build(root: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["build", "--no-pdf", "-q", *args])
    finally:
        os.chdir(cwd)


def test_bad_case_fails_with_a_located_message_and_keeps_the_old_site(project):
    before = snapshot(project / "site")
    case = next((project / "cases").glob("*.yaml"))
    text = case.read_text("utf-8")
    case.write_text(text.replace("platforms:", "platfroms:", 1), "utf-8")
    result = run_build(project)
    assert result.exit_code == 1
    assert f"cases/{case.name}:" in result.output and "platfroms" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project / "site") == before
    assert not list(project.glob(".site.*")), "no temporary folder is left behind"


def test_leak_fails_the_build_and_keeps_the_old_site(project):
    before = snapshot(project / "site")
    # a page the user wrote that names an undisclosed client
    from casebook.build.audit import forbidden_names
    from casebook.load.project import open_project

    name = sorted(forbidden_names(open_project(project)))[0]
    (project / "pages" / "oops.md").write_text(f"# Thanks\n\nThanks to {name}!\n", "utf-8")
    result = run_build(project)
    assert result.exit_code == 1
    assert "leak check failed" in result.output
    assert snapshot(project / "site") == before


def test_successful_build_replaces_the_site(project):
    result = run_build(project)
    assert result.exit_code == 0, result.output
    assert "the previous site" not in (project / "site" / "index.html").read_text("utf-8")
    assert not list(project.glob(".site.*"))


def test_interrupted_build_keeps_the_old_site(project):
    before = snapshot(project / "site")
    # Ctrl-C reaches a user's build with Python's own SIGINT handler; a test worker may hand its
    # children SIGINT ignored (inherited), so the child restores the handler a shell would give it.
    code = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import sys, time, mkdocs.commands.build as b\n"
        "orig = b.build\n"
        "def slow(*a, **k):\n"
        "    print('BUILDING', flush=True); time.sleep(60)\n"
        "b.build = slow\n"
        "from casebook.cli import main\n"
        "sys.exit(main(['build', '--no-pdf', '-q']))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "BUILDING"
    assert list(project.glob(".site.building-*")), "the build writes into a staging folder"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert "interrupted" in err
    assert snapshot(project / "site") == before
    assert not list(project.glob(".site.*"))



def test_a_second_build_of_the_same_site_meanwhile_stops_at_once_saying_so(project):
    """A review ran two builds of one project at once: one or both failed with misleading messages ("a
    chart image is missing from the cache ... build again with the cache folder writable"). The second
    now stops before touching anything; the first publishes; a build after it runs as usual."""
    # a cache of its own: a --force build sharing the suite's cache with another worker's build may find
    # an entry it made signed again by that build (see the note on issue 15)
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"cache_dir: .*", f"cache_dir: {project / 'cache'}", config.read_text("utf-8")), "utf-8")
    code = (
        "import sys, time, mkdocs.commands.build as b\n"
        "orig = b.build\n"
        "def slow(*a, **k):\n"
        "    print('BUILDING', flush=True); sys.stdin.readline(); return orig(*a, **k)\n"
        "b.build = slow\n"
        "from casebook.cli import main\n"
        "sys.exit(main(['build', '--no-pdf', '-q', '--force']))\n"
    )
    first = subprocess.Popen([sys.executable, "-c", code], cwd=project, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "BUILDING"
        second = subprocess.run([sys.executable, "-m", "casebook.cli", "build", "--no-pdf", "-q", "--force"],
                                cwd=project, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert second.stderr.strip().splitlines()[-1] == (
            f"casebook: {(project / 'site').resolve()}: another casebook build is writing it now; "
            "build again once it has finished")
    finally:
        first.stdin.write("go\n")
        first.stdin.close()
        first.wait(timeout=300)
    assert first.returncode == 0, first.stderr.read()
    assert "Anna Smirnova" in (project / "site" / "index.html").read_text("utf-8")
    assert run_build(project, "--force").exit_code == 0  # the lock went with the first build


# -- rebuilds: nothing changed, one case changed ------------------------------


def edit_title(case: Path) -> None:
    text = case.read_text("utf-8")
    edited = re.sub(r'^title: "', 'title: "Edited ', text, count=1, flags=re.MULTILINE)
    assert edited != text
    case.write_text(edited, "utf-8")


def test_unchanged_project_is_not_built_again_and_any_change_rebuilds(project):
    assert run_build(project).exit_code == 0
    built = snapshot(project / "site")
    again = run_build(project)
    assert again.exit_code == 0, again.output
    assert "nothing changed since the last build" in again.output
    assert snapshot(project / "site") == built

    # an edited case is an input: built again, and the page shows the edit
    case = next((project / "cases").glob("*.yaml"))
    edit_title(case)
    result = run_build(project)
    assert "built " in result.output and "nothing changed" not in result.output
    assert any("Edited " in p.read_text("utf-8") for p in (project / "site" / "cases").rglob("index.html"))

    # a damaged output is noticed: the next build repairs it
    (project / "site" / "index.html").write_text("tampered", "utf-8")
    result = run_build(project)
    assert "nothing changed" not in result.output
    assert "tampered" not in (project / "site" / "index.html").read_text("utf-8")

    # a changed option (here: --force) builds too
    assert "nothing changed" not in run_build(project, "--force").output


def test_a_rebuild_remakes_only_the_edited_case(project, monkeypatch):
    """The page cache: an unchanged case's page is read back, an edited one is made again."""
    from casebook.build import build
    from casebook.build.casework import CaseWork

    made: list[str] = []
    original = CaseWork.make

    def spy(self, task):
        made.append(task.slug)
        return original(self, task)

    monkeypatch.setattr(CaseWork, "make", spy)
    monkeypatch.setenv("CASEBOOK_PDF_WORKERS", "0")  # in this process, where the spy sees it
    config = project / "mkdocs.yml"  # a cache of its own: the shared one holds the pages already
    config.write_text(re.sub(r"cache_dir: .*", f"cache_dir: {project / 'cache'}", config.read_text("utf-8")), "utf-8")
    build(project / "mkdocs.yml", pdf=False, quiet=True)
    first = sorted(made)
    assert first, "a cold build makes every public case page"
    made.clear()
    (project / "pages" / "notes.md").write_text("# Notes\n", "utf-8")  # a rebuild that changes no case
    build(project / "mkdocs.yml", pdf=False, quiet=True)
    assert made == [], "no case changed: every case page comes from the cache"
    build(project / "mkdocs.yml", pdf=False, quiet=True, force=True)
    assert sorted(made) == first, "--force reads no cached page: every one is made again"
    made.clear()
    case = project / "cases" / f"{first[0]}.yaml"
    edit_title(case)
    build(project / "mkdocs.yml", pdf=False, quiet=True)
    assert made == [first[0]]
