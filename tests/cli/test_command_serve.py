"""casebook serve: a missing configuration is a message, not a traceback."""

from __future__ import annotations


def test_serve_without_mkdocs_yml_says_so(casebook, tmp_path):
    result = casebook("serve", "-f", tmp_path / "missing.yml", cwd=tmp_path, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "missing.yml" in result.stderr
