"""Every kind of wrong input ends as a located, plain-words problem.

Each file in tests/corpus/bad/ starts with its expectations, one comment line per
problem: ``# expect: LINE:COLUMN: field: message`` (the file name is
prepended here).  A sub-folder is loaded as one project, so problems that
span files (the same slug twice) can be tested.  A file without
``# expect:`` lines must load cleanly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from casebook.cli import main
from casebook.load.cases import load_case_file, load_cases
from casebook.settings import MAX_FILE_BYTES as MAX_BYTES

BAD = Path(__file__).resolve().parents[1] / "corpus" / "bad"
REPO = BAD.parents[2]
EXPECT = re.compile(rb"^# expect: (.*)$")


def _units() -> list[Path]:
    files = sorted(p for p in BAD.glob("*.yaml"))
    folders = sorted(p for p in BAD.iterdir() if p.is_dir() and p.name != "media")
    return files + folders


def _expected(unit: Path) -> list[str]:
    out = []
    for f in sorted(unit.rglob("*.yaml")) if unit.is_dir() else [unit]:
        shown = f.relative_to(BAD).as_posix()
        for raw in f.read_bytes().splitlines():
            if not raw.startswith(b"#"):
                break
            m = EXPECT.match(raw)
            if m:
                out.append(f"{shown}:{m.group(1).decode('utf-8')}")
    return out


def test_collection_is_large_enough():
    assert len(_units()) >= 35
    assert all(_expected(u) for u in _units()), "every unit expects at least one problem"


@pytest.mark.parametrize("unit", _units(), ids=lambda p: p.name)
def test_bad_input(unit: Path):
    expected = _expected(unit)
    result = load_cases([unit], BAD)
    got = [p.format() for p in result.problems]
    assert got == expected
    for p in result.problems:
        assert p.line >= 1 and p.column >= 1
    if all(": warning: " in line for line in expected):
        # a warning never stops a case from loading
        assert result.ok and len(result.cases) == len(list(unit.rglob("*.yaml")) if unit.is_dir() else [unit])
    else:
        assert not result.ok and result.cases == []


def test_file_too_large(tmp_path):
    path = tmp_path / "huge.yaml"
    filler = "# " + "x" * 78 + "\n"
    path.write_text("slug: huge\n" + filler * (MAX_BYTES // len(filler) + 10), encoding="utf-8")
    loaded, problems, _ = load_case_file(path, tmp_path)
    assert loaded is None
    assert [p.format() for p in problems] == [
        f"huge.yaml:1:1: file is larger than {MAX_BYTES // 1000} KB; a case file is text"
    ]


def test_file_far_too_large_is_not_read_whole(tmp_path):
    path = tmp_path / "enormous.yaml"
    with path.open("wb") as fh:
        fh.truncate(6_000_000)  # sparse: the loader must refuse by size
    loaded, problems, _ = load_case_file(path, tmp_path)
    assert loaded is None and len(problems) == 1
    assert "larger than" in problems[0].message


def test_missing_path_is_a_problem_as_typed(tmp_path):
    missing = tmp_path / "missing.yaml"
    result = load_cases([missing], tmp_path)
    assert [p.format() for p in result.problems] == [f"{missing}:0:0: no such file or folder"]


def test_folder_named_like_a_case_file_is_skipped(tmp_path):
    (tmp_path / "cases" / "odd.yaml").mkdir(parents=True)
    result = load_cases([tmp_path / "cases"], tmp_path)
    assert result.problems == [] and result.cases == []


def test_bom_is_accepted(tmp_path):
    source = (BAD / "engagements_above_reach.yaml").read_bytes()
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + source)
    loaded, problems, _ = load_case_file(path, tmp_path)
    assert loaded is not None
    assert [p.severity for p in problems] == ["warning"]


# --------------------------------------------------------------------------
# the command line


def _cli(args: list[str]):
    return CliRunner().invoke(main, args)


def test_cli_check_bad_file_exits_1_with_located_line(monkeypatch):
    monkeypatch.chdir(BAD)
    result = _cli(["check", "unknown_key.yaml"])
    assert result.exit_code == 1
    assert "unknown_key.yaml:15:5: actions[0].txt: unknown field 'txt'; did you mean 'text'?" in result.stderr
    assert "1 error(s), 0 warning(s)" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("name", ["not_utf8.yaml", "billion_laughs.yaml", "python_tag.yaml", "yaml_tab_indent.yaml", "top_level_list.yaml"])
def test_cli_never_prints_a_traceback(monkeypatch, name):
    monkeypatch.chdir(BAD)
    result = _cli(["check", name])
    assert result.exit_code == 1
    assert result.stderr.startswith(name + ":")
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_check_whole_bad_folder_lists_every_problem(monkeypatch):
    monkeypatch.chdir(BAD)
    result = _cli(["check", "."])
    assert result.exit_code == 1
    for unit in _units():
        for line in _expected(unit):
            assert line in result.stderr


def test_cli_check_warning_only_exits_0(monkeypatch):
    monkeypatch.chdir(BAD)
    result = _cli(["check", "engagements_above_reach.yaml"])
    assert result.exit_code == 0
    assert ": warning: " in result.stderr
    assert "0 error(s), 1 warning(s)" in result.stderr


def test_cli_check_demo_exits_0(monkeypatch):
    monkeypatch.chdir(REPO)
    result = _cli(["check"])
    assert result.exit_code == 0, result.stderr
    assert "case(s) OK" in result.stdout
    assert result.stderr == ""  # no warnings either


def test_cli_check_nonexistent_exits_1(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = _cli(["check", "nonexistent"])
    assert result.exit_code == 1
    assert "nonexistent:0:0: no such file or folder" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_cli_bogus_option_exits_2():
    result = _cli(["--bogus"])
    assert result.exit_code == 2
    assert "No such option" in result.output + result.stderr
