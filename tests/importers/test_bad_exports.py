"""The bad-import collection: each bad export gets its exact one-line message, exit 1, and nothing is written.

tests/corpus/bad_exports/NAME is imported (as exports/NAME, with the
arguments of NAME.args) into a monthly report; the last line on stderr must
be ``casebook: `` followed by NAME.expect, without a traceback, and the
report must stay byte for byte as it was, with no file left beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BAD = Path(__file__).resolve().parents[1] / "corpus" / "bad_exports"
CASES = sorted(p.name for p in BAD.iterdir() if not p.name.endswith((".expect", ".args", ".py")))
REPORT = """slug: halo-report-2025-11
kind: report
title: "November 2025"
client: {name: "Halo-Halo Haus", disclose_name: true, industry: food-and-beverage}
role: "Social media manager"
period: {start: 2025-11-01, end: 2025-11-30}
platforms: [facebook, instagram, tiktok]
currency: PHP
after: {}
report:
  previous: {}
"""


def test_the_collection_is_large_enough():
    assert len(CASES) >= 20
    for name in CASES:
        assert (BAD / f"{name}.expect").is_file(), f"{name} has no .expect file"


@pytest.mark.parametrize("name", CASES)
def test_bad_export(tmp_path, name):
    source = BAD / name
    (tmp_path / "exports").mkdir()
    (tmp_path / "cases").mkdir()
    if source.is_dir():
        shutil.copytree(source, tmp_path / "exports" / name)
    else:
        shutil.copy2(source, tmp_path / "exports" / name)
    target = tmp_path / "cases" / "halo-report-2025-11.yaml"
    target.write_text(REPORT, "utf-8")
    args_file = BAD / f"{name}.args"
    docs = str(Path(__file__).resolve().parents[2] / "docs" / "import")
    extra = args_file.read_text("utf-8").replace("{docs}", docs).split() if args_file.is_file() else []
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "import", f"exports/{name}", *extra,
                           "--into", "cases/halo-report-2025-11.yaml"],
                          capture_output=True, text=True, cwd=tmp_path, encoding="utf-8")
    expected = (BAD / f"{name}.expect").read_text("utf-8").rstrip("\n")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.rstrip("\n").splitlines()[-1] == f"casebook: {expected}"
    assert target.read_text("utf-8") == REPORT
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
