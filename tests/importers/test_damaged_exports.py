"""Damaged exports (cut short, bytes changed, bits inserted) end in a one-line message or an import, never a crash.

Each fixture export is damaged in a few hundred seeded ways; the import
either succeeds (a damage that leaves valid data) or raises CasebookError,
which the command prints as one line and exit 1.  Any other exception would
be a traceback in the user's terminal.  A failed import leaves the report as
it was.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from casebook.errors import CasebookError
from casebook.importers.command import run_import

EXPORTS = Path(__file__).resolve().parents[1] / "corpus" / "exports"
FILES = sorted(p for p in EXPORTS.rglob("*") if p.suffix in (".csv", ".zip"))
REPORT = """slug: r
kind: report
title: T
client: {name: "Acme Dessert", disclose_name: true, industry: food-and-beverage}
role: SMM
period: {start: 2025-11-01, end: 2025-11-30}
platforms: [facebook, instagram, tiktok]
currency: PHP
after: {}
report:
  previous: {}
"""
INSERTS = [b'"', b",", b"\n", b"undefined", b"-1", b"\x00", "я".encode(), b"\xff\xfe", b"PK\x03\x04"]


def _damage(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    op = rng.randrange(4)
    if op == 0:
        return bytes(data[: rng.randrange(len(data))])
    if op == 1:
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif op == 2:
        at = rng.randrange(len(data))
        data[at:at] = rng.choice(INSERTS)
    else:
        at = rng.randrange(len(data))
        del data[at: at + rng.randrange(1, 200)]
    return bytes(data)


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_damaged_export_never_crashes(tmp_path, source):
    (tmp_path / "cases").mkdir()
    target = tmp_path / "cases" / "r.yaml"
    rng = random.Random(source.name)
    for _ in range(25):
        target.write_text(REPORT, "utf-8")
        damaged = tmp_path / f"export{source.suffix}"
        damaged.write_bytes(_damage(source.read_bytes(), rng))
        platform = rng.choice([None, "facebook", "instagram"])
        try:
            run_import([damaged], target, platform=platform, root=tmp_path, echo=lambda *a, **k: None)
        except CasebookError as exc:
            assert "\n" not in str(exc).strip(), str(exc)
            assert target.read_text("utf-8") == REPORT
