"""casebook.build.publish: a staged site replaces the old one in one step, or not at all."""

from __future__ import annotations

import pytest

from casebook.build.publish import staged


def test_staged_output_replaces_the_old_only_on_success(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    with pytest.raises(RuntimeError):
        with staged(target) as tmp:
            (tmp / "index.html").write_text("half")
            raise RuntimeError("build failed")
    assert (target / "index.html").read_text() == "old"
    with staged(target) as tmp:
        (tmp / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
