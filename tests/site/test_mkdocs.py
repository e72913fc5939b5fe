"""casebook.site.mkdocs: the adapter alone builds the pages; the build's plugin only adds to it."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest

from casebook.build.plugin import CasebookPlugin
from casebook.site.mkdocs import SiteAdapter


def test_the_entry_point_is_the_adapter_plus_the_build():
    found = {e.name: e for e in entry_points(group="mkdocs.plugins")}
    assert found["casebook"].load() is CasebookPlugin
    assert issubclass(CasebookPlugin, SiteAdapter)
    plain = SiteAdapter()
    plain.load_config({})
    assert plain.config.portfolio_max == 30  # the site's links say what the PDFs hold, so it is the site's
    built = CasebookPlugin()
    built.load_config({"portfolio_max": 5})
    assert built.config.portfolio_max == 5 and built.config.cache_dir == ".casebook-cache"


@pytest.mark.parametrize("link", ["leak.txt", "sub/out"])
def test_a_page_file_linked_from_outside_the_project_is_refused(tmp_path, link):
    """MkDocs follows links in pages/: a file or folder linked from outside would be published as it is."""
    from click.testing import CliRunner

    from casebook.cli import main
    from sitebuild import copy_demo

    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "notes.txt").write_text("SECRETMARK api key", "utf-8")
    root = copy_demo(tmp_path / "p")
    (root / "pages" / "sub").mkdir()
    (root / "pages" / link).symlink_to(secret / "notes.txt" if link == "leak.txt" else secret)
    shown = "pages/leak.txt" if link == "leak.txt" else "pages/sub/out/notes.txt"
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build", "--no-pdf", "-q"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{shown}: this file is a link to a file outside the project" in result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [
        f"casebook: {shown}: this file is a link to a file outside the project; copy the file into the project instead"]
    assert not (root / "site").exists()


def test_plain_mkdocs_build_refuses_a_page_file_linked_from_outside(tmp_path):
    import subprocess
    import sys

    from sitebuild import copy_demo

    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "notes.txt").write_text("SECRETMARK api key", "utf-8")
    root = copy_demo(tmp_path / "p")
    (root / "pages" / "leak.txt").symlink_to(tmp_path / "secret" / "notes.txt")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "pages/leak.txt: this file is a link to a file outside the project" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(b"SECRETMARK" in p.read_bytes() for p in (root / "site").rglob("*") if p.is_file())
