from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture
def casebook():
    """Run `casebook ARGS` as a user would: a real process, its exit code and both streams."""
    def run(*args, cwd=None, timeout=300):
        return subprocess.run([sys.executable, "-m", "casebook.cli", *map(str, args)], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout)
    return run
