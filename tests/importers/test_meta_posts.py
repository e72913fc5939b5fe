"""casebook.importers.meta_posts: Meta Business Suite's post exports, one row a post, lifetime numbers on its date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from casebook.importers import detect, meta_posts
from casebook.importers.base import Options
from casebook.importers.errors import ImportProblem
from casebook.importers.table import RawFile

POSTS = Path(__file__).resolve().parents[1] / "corpus" / "exports" / "halohalo" / "facebook" / "Facebook-posts-2025-11.csv"


def _first_posts(n: int, *, repeat_first: bool = False) -> RawFile:
    """The export's header and first n posts, as Meta writes it (UTF-8 with a BOM)."""
    records = list(csv.reader(io.StringIO(POSTS.read_text("utf-8-sig"))))
    body = records[1:n + 1] + (records[1:2] if repeat_first else [])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([records[0], *body])
    return RawFile("posts.csv", ("\ufeff" + out.getvalue()).encode("utf-8"), 0.0)


def test_a_post_row_becomes_its_lifetime_numbers_on_its_publish_day():
    table = detect.table_of(_first_posts(2))
    kind = meta_posts.matches(table.header)
    assert kind and kind["platform"] == "facebook"
    export = meta_posts.read(table, kind, Options())
    assert export.format == "meta-facebook-posts" and len(export.rows) == 2
    row = export.rows[0]
    # the file's first post: published 11/01/2025 09:36 (month/day/year), Views 8483, Reach 3863,
    # "Reactions, Comments and Shares" 343 = 261 + 63 + 19, Total clicks 278
    assert (row.kind, row.start, row.end) == ("post", dt.date(2025, 11, 1), dt.date(2025, 11, 1))
    assert row.values == {"views": 8483, "reach": 3863, "engagements": 343, "likes": 261, "comments": 63,
                          "shares": 19, "clicks": 278, "posts": 1}
    assert row.url == "https://www.facebook.com/105500000000001/posts/122700000072"
    assert row.title == "PSA: Weekend hours extended until 10 PM"  # the caption's first line, hashtags gone
    assert any("not unique people" in note for note in export.notes)


def test_the_same_post_twice_in_one_file_is_refused():
    table = detect.table_of(_first_posts(2, repeat_first=True))
    with pytest.raises(ImportProblem, match="122700000072"):
        meta_posts.read(table, meta_posts.matches(table.header), Options())
