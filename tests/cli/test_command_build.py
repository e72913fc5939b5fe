"""casebook build: a configuration or an environment it cannot use is one plain sentence and exit 1."""

from __future__ import annotations

from casebook.load.project import open_project

from sitebuild import copy_demo


def test_build_without_mkdocs_yml_says_so(casebook, tmp_path):
    result = casebook("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "no MkDocs configuration" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_source_date_epoch_that_is_not_seconds_is_one_line_before_anything_is_written(casebook, tmp_path,
                                                                                        monkeypatch):
    """`export SOURCE_DATE_EPOCH=` (or a date written as text) made MkDocs stop with a traceback half way:
    build, serve and pdf now say what is wrong, exit 1, and write nothing."""
    root = copy_demo(tmp_path / "p")
    public = open_project(root).public_cases[0].case.slug
    for value in ("", "2025-01-01", "1.7e9"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        for args in (["build", "--private"], ["serve", "-a", "127.0.0.1:0"], ["pdf", "--case", public, "-o", "v.pdf"]):
            result = casebook(*args, cwd=root)
            assert result.returncode == 1, (args, result.stderr)
            assert result.stderr.strip() == (f"casebook: SOURCE_DATE_EPOCH is {value!r}, not a whole number of "
                                              f"seconds since 1970-01-01 (e.g. 1735689600 for 2025-01-01); "
                                              f"set it so, or unset it"), args
        assert not any((root / name).exists() for name in ("site", "private", "v.pdf"))
