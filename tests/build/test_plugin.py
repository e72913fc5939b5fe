"""casebook.build.plugin: a plain `mkdocs build` still audits what it wrote, and empties a leaking site."""

from __future__ import annotations

import subprocess
import sys

import pytest

from casebook.load.project import open_project

from sitebuild import copy_demo


@pytest.mark.slow
def test_plain_mkdocs_build_empties_a_leaking_site(tmp_path):
    root = copy_demo(tmp_path / "p")
    hidden = next(c.case.client.name for c in open_project(root).cases if not c.case.client.disclose_name)
    (root / "pages" / "leak.md").write_text(f"# Leak\n\n{hidden}\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode != 0
    assert "leak check failed" in result.stderr and "leak/index.html" in result.stderr
    assert not any((root / "site").rglob("*.html"))
