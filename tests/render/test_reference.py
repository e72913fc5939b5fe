"""casebook.render.reference: docs/reference.md and the JSON Schema come from the model, never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_documented_command_checks_the_committed_files():
    result = subprocess.run([sys.executable, "-m", "casebook.render.reference", "--check"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
