"""casebook check: every problem of a project, located, and exit 1 on an error."""

from __future__ import annotations

from sitebuild import copy_demo


def test_check_reports_a_located_error(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    assert casebook("check", cwd=root).returncode == 0
    (root / "cases" / "broken.yaml").write_text("slug: Broken Slug\n", "utf-8")
    result = casebook("check", cwd=root)
    assert result.returncode == 1
    assert "cases/broken.yaml:1:7: slug:" in result.stderr
