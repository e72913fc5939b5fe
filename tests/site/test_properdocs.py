"""The plugin under ProperDocs, the maintained fork of MkDocs 1.6: the demo builds there too.

ProperDocs reads the same mkdocs.yml and loads plugins from MkDocs' entry
point group, so ``plugins: [casebook]`` must work unchanged: every public
case gets its page, no private case or hidden client name is published, and
the leak audit runs at the end as it does under a plain ``mkdocs build``.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import copy_demo

pytestmark = pytest.mark.slow


def _properdocs() -> list[str]:
    script = Path(sys.executable).with_name("properdocs")
    if script.exists():
        return [str(script)]
    if shutil.which("properdocs"):
        return [shutil.which("properdocs")]
    pytest.skip("ProperDocs is not installed (pip install -e '.[test]' installs it)")


def test_demo_builds_with_properdocs(tmp_path):
    from casebook.load.project import open_project

    root = copy_demo(tmp_path / "project")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    result = subprocess.run([*_properdocs(), "build", "--quiet"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    site = root / "site"
    project = open_project(root)
    assert project.public_cases and project.private_cases
    for loaded in project.public_cases:
        page = site / "cases" / loaded.case.slug / "index.html"
        assert page.is_file(), f"no page for {loaded.case.slug}"
        text = page.read_text("utf-8")
        assert 'class="cb-case"' in text and html.escape(loaded.case.title, quote=False) in text
    for loaded in project.private_cases:
        assert not (site / "cases" / loaded.case.slug).exists()
    published = "\n".join(p.read_text("utf-8", errors="replace") for p in site.rglob("*.html"))
    from casebook.build.audit import forbidden_names

    assert not [name for name in forbidden_names(project) if name in published]
    assert (site / "assets" / "casebook" / "casebook.css").is_file()
