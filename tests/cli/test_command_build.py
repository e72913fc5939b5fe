"""casebook build: without a configuration, one plain sentence and exit 1."""

from __future__ import annotations


def test_build_without_mkdocs_yml_says_so(casebook, tmp_path):
    result = casebook("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "no MkDocs configuration" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
