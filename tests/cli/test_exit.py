"""How the casebook process ends: it skips the interpreter's teardown (0.4 s after an edit at 300
cases), but what a user sees and what is cleaned up at exit stay as they were."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_output_through_a_pipe_arrives_whole(casebook):
    """Buffered output is flushed before the process ends: all of a long schema, not its first blocks."""
    result = casebook("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert len(result.stdout) > 20_000 and "properties" in schema


def test_exit_codes_stay(casebook, tmp_path):
    assert casebook("--version").returncode == 0
    assert casebook("build", "--no-such-option").returncode == 2  # misuse
    result = casebook("build", cwd=tmp_path)  # no mkdocs.yml
    assert result.returncode == 1 and "no MkDocs configuration" in result.stderr


def test_a_throwaway_cache_folder_is_removed_when_the_build_ends(tmp_path):
    """With its cache folder unusable a build works in a temporary one, removed at exit."""
    project, temp = tmp_path / "project", tmp_path / "tmp"
    temp.mkdir()
    run = [sys.executable, "-m", "casebook.cli"]
    subprocess.run([*run, "init", str(project)], check=True, capture_output=True)
    (project / ".casebook-cache").write_text("a file where the cache folder goes\n")
    result = subprocess.run([*run, "build", "--no-pdf"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "TMPDIR": str(temp)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "cannot be used" in result.stderr and "built 5 page(s)" in result.stdout
    assert list(temp.iterdir()) == []


def _console_script() -> tuple[str, str]:
    """The `casebook` command's module and function, as pyproject.toml declares them for the installer."""
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8"))
    module, _, function = pyproject["project"]["scripts"]["casebook"].partition(":")
    return module, function


def test_ctrl_c_while_the_command_is_still_loading_ends_in_one_line(tmp_path):
    """Ctrl-C in the first fifth of a second, while click and the commands' modules load, printed
    Python's traceback; it ends as a Ctrl-C later does: one line, status 130, nothing written."""
    module, function = _console_script()
    code = (
        "import builtins, os, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)  # as a shell gives it\n"
        "real = builtins.__import__\n"
        "def importing(name, *args, **kwargs):\n"
        "    if name == 'click':  # the user presses Ctrl-C while the command loads\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = importing\n"
        "sys.argv = ['casebook', 'init', 'new']\n"
        f"from {module} import {function} as command\n"
        "command()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 130
    assert result.stderr.strip() == "casebook: interrupted; the previous output is left as it was"
    assert list(tmp_path.iterdir()) == []


def test_python_dash_m_casebook_is_the_command(casebook, tmp_path):
    result = subprocess.run([sys.executable, "-m", "casebook", "--version"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(", ")[1:] == casebook("--version").stdout.split(", ")[1:]  # "version 0.1.0"
