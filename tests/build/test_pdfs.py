"""casebook.build.pdfs: which cases a portfolio holds, and that private ones never do; the portfolio and tag
PDFs joined by two workers are those joined one by one."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest

from casebook.build.pdfs import select_cases
from casebook.errors import CasebookError
from casebook.load.project import open_project

from sitebuild import copy_demo


def test_portfolio_selection_by_slug_keeps_order_and_refuses_private(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    public = [c.case.slug for c in project.public_cases]
    assert [c.case.slug for c in select_cases(project, public[::-1][:2])] == public[::-1][:2]
    with pytest.raises(CasebookError, match="public cases only"):
        select_cases(project, [project.private_cases[0].case.slug])


# The build, with casebook.build.pdfs._join noting which process joined each PDF (the portfolio, a tag's).
NOTING = """
import os
import casebook.build.pdfs as pdfs
_join = pdfs._join
def noting(*args, **kwargs):
    with open(NOTE, "a") as f:
        f.write(f"{os.getpid()} {'parent' if os.getpid() == PARENT else 'worker'}\\n")
    return _join(*args, **kwargs)
PARENT = os.getpid()
pdfs._join = noting
from casebook.cli import main
main(prog_name="casebook")
"""


def _build(root, note, *args, **env):
    code = f"NOTE = {str(note)!r}\n" + NOTING
    out = subprocess.run([sys.executable, "-c", code, "build", "-q", *args], cwd=root, capture_output=True, text=True,
                         timeout=600, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **env})
    assert out.returncode == 0, out.stderr
    return {p.relative_to(root / "site").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "site" / "pdf").rglob("*.pdf"))}


@pytest.mark.slow
def test_the_portfolio_and_tag_pdfs_joined_two_at_a_time_are_those_joined_one_by_one(tmp_path):
    root = copy_demo(tmp_path / "p")
    config = (root / "mkdocs.yml").read_text("utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"cache_dir: .*", "cache_dir: .cache", config), "utf-8")  # its own
    two = _build(root, tmp_path / "two.txt")
    one = _build(root, tmp_path / "one.txt", "--force", CASEBOOK_PDF_WORKERS="0")
    joined = [name for name in two if name == "pdf/portfolio.pdf" or name.startswith("pdf/tags/")]
    assert len(joined) > 10
    assert two == one
    assert {line.split()[1] for line in (tmp_path / "two.txt").read_text().splitlines()} == {"worker"}
    assert {line.split()[1] for line in (tmp_path / "one.txt").read_text().splitlines()} == {"parent"}
