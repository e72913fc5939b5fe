"""casebook audit: a hidden client name in built output is a finding and exit 1."""

from __future__ import annotations

from casebook.load.project import open_project

from sitebuild import copy_demo


def test_audit_finds_a_hidden_name(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>fine</p>", "utf-8")
    assert casebook("audit", "site", cwd=root).returncode == 0
    hidden = next(c.case.client.name for c in open_project(root).cases if not c.case.client.disclose_name)
    (site / "about.html").write_text(f"<p>{hidden}</p>", "utf-8")
    result = casebook("audit", "site", cwd=root)
    assert result.returncode == 1 and "about.html" in result.stderr
