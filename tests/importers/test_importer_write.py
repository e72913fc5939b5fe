"""casebook.importers.write: the case file changed in place, the user's comments and spacing kept."""

from __future__ import annotations

import datetime as dt
import stat

from casebook.importers.write import dump, keep_spacing, load, write_atomically

TEXT = """slug: acme   # the page's address
series:
  vk.reach:     {2025-01: 10, 2025-02: 20}
after: {}
"""


def test_a_changed_document_keeps_comments_and_the_user_s_alignment():
    doc = load(TEXT)
    doc["after"]["as_of"] = dt.date(2025, 2, 28)
    new = dump(doc)
    assert "# the page's address" in new
    kept = keep_spacing(TEXT, new)
    assert "  vk.reach:     {2025-01: 10, 2025-02: 20}\n" in kept  # aligned by hand, given back as written
    assert "as_of: 2025-02-28" in kept and load(kept) == load(new)


def test_the_case_file_is_replaced_whole_with_its_mode(tmp_path):
    target = tmp_path / "case.yaml"
    target.write_text(TEXT, "utf-8")
    target.chmod(0o600)
    write_atomically(target, "slug: acme\n")
    assert target.read_text("utf-8") == "slug: acme\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["case.yaml"]  # no temporary file left
