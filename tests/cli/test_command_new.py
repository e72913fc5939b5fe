"""casebook new: a commented case file that checks as it stands, never over an existing one."""

from __future__ import annotations


def test_new_case_checks_and_is_not_overwritten(casebook, tmp_path):
    assert casebook("new", "fresh-case", cwd=tmp_path).returncode == 0
    written = (tmp_path / "cases" / "fresh-case.yaml").read_text("utf-8")
    assert casebook("check", "cases/fresh-case.yaml", cwd=tmp_path).returncode == 0
    again = casebook("new", "fresh-case", cwd=tmp_path)
    assert again.returncode != 0
    assert (tmp_path / "cases" / "fresh-case.yaml").read_text("utf-8") == written
