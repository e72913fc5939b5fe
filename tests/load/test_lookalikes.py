"""The confusables table the fold uses (casebook.load.lookalikes): bounded, well-formed, and what it was made from."""

from __future__ import annotations

import os
import unicodedata

import pytest

from casebook.load.lookalikes import CONFUSABLES, table, table_from

MAX_ENTRIES = 400


def test_the_table_is_small_and_well_formed():
    entries = CONFUSABLES.split()
    assert all(len(e) == 2 for e in entries)
    t = table()
    assert len(t) == len(entries) <= MAX_ENTRIES
    for key, letter in t.items():
        assert "a" <= letter <= "z"
        assert not key.isascii() and unicodedata.category(key).startswith("L"), ascii(key)
        # keyed as the fold meets it: NFKD and case folding leave it alone
        assert unicodedata.normalize("NFKD", key).casefold() == key, ascii(key)
        assert key not in "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
        assert not 0x0590 <= ord(key) < 0x0900


def test_the_look_alikes_a_review_reproduced_are_in_it():
    t = table()
    for key, letter in [("ζ", "z"), ("Ꮓ", "z"), ("Ꮐ", "g"), ("ꓖ", "g"), ("ᴏ", "o"), ("օ", "o"), ("ո", "n")]:
        assert t.get(key.casefold()) == letter, key


@pytest.mark.skipif(not os.environ.get("CASEBOOK_CONFUSABLES"),
                    reason="set CASEBOOK_CONFUSABLES to Unicode 14.0.0's confusables.txt to recompute the table")
def test_the_table_is_what_confusables_txt_gives():
    assert table_from(os.environ["CASEBOOK_CONFUSABLES"]) == table()
