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


def _site_fixtures():
    """tests/site/conftest.py as a module: its shared Chromium fixture serves the CLI's browser tests too."""
    import importlib.util  # only to load the other folder's conftest under a name of its own
    from pathlib import Path  # as above

    path = Path(__file__).resolve().parents[1] / "site" / "conftest.py"
    spec = importlib.util.spec_from_file_location("casebook_tests_site_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser = _site_fixtures().browser
