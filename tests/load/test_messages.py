"""Messages a user sees for input that cannot be kept in tests/corpus/bad/ as one file.

A named pipe, a link leaving the project, a profile.yaml, a build date past
what a file format holds: each is made here in a temporary project and run
through the real loader or the real command in its own process, so a hang
(opening a pipe waits for a writer forever) fails the test instead of the suite.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from casebook.load.cases import load_cases, load_profile

REPO = Path(__file__).resolve().parents[2]
BAD = REPO / "tests" / "corpus" / "bad"
CASEBOOK = str(Path(sys.executable).parent / "casebook")
MKDOCS = str(Path(sys.executable).parent / "mkdocs")

from test_cases import GOOD as CASE  # one small valid case for the loader tests


def _run(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "cases").mkdir(parents=True)
    return root


# -- profile.yaml ---------------------------------------------------------------


@pytest.mark.parametrize("text, what", [("", "empty"), ("# only a comment\n", "empty"),
                                        ("- name: Anna\n- role: SMM\n", "a list")])
def test_profile_that_is_not_a_mapping_is_named_as_the_profile(tmp_path, text, what):
    path = tmp_path / "profile.yaml"
    path.write_text(text, "utf-8")
    profile, problems = load_profile(path, tmp_path)
    assert profile is None
    assert [p.format() for p in problems] == [
        f"profile.yaml:1:1: profile.yaml must be a mapping of fields such as name, role, bio and contacts, "
        f"this one is {what}"
    ]


def test_check_reports_an_empty_profile_by_its_name(tmp_path):
    root = _project(tmp_path)
    (root / "cases" / "a.yaml").write_text(CASE.format(slug="a-case"), "utf-8")
    (root / "profile.yaml").write_text("", "utf-8")
    (root / "pages").mkdir()
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    result = _run([CASEBOOK, "build", "--no-pdf"], root)
    assert result.returncode == 1
    assert "profile.yaml:1:1: profile.yaml must be a mapping of fields" in result.stderr
    assert "a case file" not in result.stderr and "Traceback" not in result.stderr
    assert not (root / "site").exists()


# -- media that is not a regular file -------------------------------------------


def test_named_pipe_as_cover_is_not_a_regular_file_and_nothing_hangs(tmp_path):
    root = _project(tmp_path)
    case = root / "cases" / "piped.yaml"
    case.write_text(CASE.format(slug="piped") + "cover: media/cover.png\n", "utf-8")
    (root / "cases" / "media").mkdir()
    os.mkfifo(root / "cases" / "media" / "cover.png")
    result = _run([CASEBOOK, "check"], root, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "cases/piped.yaml:11:8: cover: media file 'media/cover.png' is not a regular file "
        "(a folder, pipe or device); use an image file"
    )
    assert "Traceback" not in result.stderr


def test_media_turned_into_a_pipe_after_loading_is_refused_not_waited_for(tmp_path):
    """The build re-encodes media after loading: a pipe swapped in meanwhile must not block it."""
    os.mkfifo(tmp_path / "cover.png")
    code = ("import sys; from pathlib import Path; from casebook.render import media; from casebook.errors import CasebookError\n"
            "try:\n    media.prepare(Path('cover.png').resolve())\n"
            "except CasebookError as exc:\n    print(exc)\n    sys.exit(3)\n")
    result = _run([sys.executable, "-c", code], tmp_path, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == "cover.png: media file is not a regular file (a folder, pipe or device)"


# -- case files linked from elsewhere -------------------------------------------


def test_case_file_linked_from_outside_the_project_is_refused(tmp_path):
    root = _project(tmp_path)
    outside = tmp_path / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text(CASE.format(slug="from-outside"), "utf-8")
    (root / "cases" / "linked.yaml").symlink_to(outside)
    (root / "cases" / "own.yaml").write_text(CASE.format(slug="own"), "utf-8")
    result = load_cases([root / "cases"], root)
    assert [p.format() for p in result.problems] == [
        "cases/linked.yaml:1:1: this case file is a link to a file outside the project; "
        "copy the file into the project instead"
    ]
    assert result.cases == []
    cli = _run([CASEBOOK, "check"], root)
    assert cli.returncode == 1 and "cases/linked.yaml:1:1: this case file is a link" in cli.stderr


def test_case_file_linked_within_the_project_still_loads(tmp_path):
    root = _project(tmp_path)
    (root / "drafts").mkdir()
    (root / "drafts" / "real.yaml").write_text(CASE.format(slug="linked-inside"), "utf-8")
    (root / "cases" / "linked.yaml").symlink_to(Path("..") / "drafts" / "real.yaml")
    result = load_cases([root / "cases"], root)
    assert result.problems == []
    assert [c.case.slug for c in result.cases] == ["linked-inside"]


# -- dates and generated names --------------------------------------------------


@pytest.mark.parametrize("name", ["year_too_late.yaml", "slug_reserved.yaml", "as_of_with_time.yaml",
                                  "key_too_long.yaml", "number_exponent.yaml", "slug_too_long.yaml"])
def test_check_refuses_with_the_collection_message(monkeypatch, name):
    monkeypatch.chdir(BAD)
    result = _run([CASEBOOK, "check", name], BAD)
    assert result.returncode == 1
    first = next(line for line in (BAD / name).read_text("utf-8").splitlines() if line.startswith("# expect: "))
    assert result.stderr.startswith(f"{name}:{first[len('# expect: '):]}\n")
    assert "Traceback" not in result.stderr and "datetime.datetime" not in result.stderr


@pytest.mark.parametrize("slug", ["portfolio", "profile", "index", "tags", "assets", "search", "404"])
def test_every_generated_name_is_refused_as_a_slug(tmp_path, slug):
    root = _project(tmp_path)
    (root / "cases" / "c.yaml").write_text(CASE.format(slug=f'"{slug}"'), "utf-8")  # "404" is text
    result = load_cases([root / "cases"], root)
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.file, problem.line, problem.column, problem.path) == ("cases/c.yaml", 1, 7, "slug")
    assert problem.message.startswith(f"{slug!r} is a name the site uses for its own files")


def test_build_date_past_2106_does_not_crash_the_sitemap(tmp_path):
    """A build date later than a gzip header holds (here via SOURCE_DATE_EPOCH): the site is still built."""
    root = _project(tmp_path)
    (root / "cases" / "a.yaml").write_text(CASE.format(slug="a-case"), "utf-8")
    (root / "pages").mkdir()
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Dates
        site_url: https://example.com/
        docs_dir: pages
        theme: {name: material}
        plugins:
          - casebook: {charts: false, cache_dir: .cache}
        """), "utf-8")
    year_2107 = 4_323_283_200  # 2107-01-01, past the 32-bit seconds of a gzip header
    result = _run([MKDOCS, "build", "-q"], root, env={"SOURCE_DATE_EPOCH": str(year_2107)}, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    sitemap = gzip.decompress((root / "site" / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    assert "cases/a-case/" in sitemap


def test_new_refuses_a_generated_name_and_writes_nothing(tmp_path):
    result = _run([CASEBOOK, "new", "portfolio"], tmp_path)
    assert result.returncode == 2
    assert "'portfolio' is a name the site uses for its own files" in result.stderr
    assert not (tmp_path / "cases" / "portfolio.yaml").exists()


def test_missing_media_names_the_file_as_the_project_does(tmp_path):
    root = _project(tmp_path)
    (root / "cases" / "2025").mkdir()
    (root / "cases" / "2025" / "gone.yaml").write_text(CASE.format(slug="gone") + "cover: ../media/cover.png\n", "utf-8")
    result = load_cases([root / "cases"], root)
    assert [p.format() for p in result.problems] == [
        "cases/2025/gone.yaml:11:8: cover: media file '../media/cover.png' (cases/media/cover.png in the project) "
        "does not exist"
    ]
