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
