"""casebook.cli: one group, every command listed, errors as one line without a traceback."""

from __future__ import annotations


def test_help_lists_every_command(casebook):
    result = casebook("--help")
    assert result.returncode == 0
    for name in ("init", "check", "schema", "new", "build", "serve", "pdf", "audit", "import"):
        assert f"  {name} " in result.stdout


def test_a_machine_fault_is_one_line(casebook, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    result = casebook("new", "my-case", "--dir", blocked / "cases")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
