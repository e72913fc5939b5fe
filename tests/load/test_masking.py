"""A disclosed name is masked where it stands whole, and at a cut edge where part of it stands."""

from __future__ import annotations

from casebook.load.masking import MASK, masked
from casebook.load.hidden import allowed_in
from casebook.load.names import Rule, name_forms, padded

DISCLOSED = "Кофейня «Лунмирзор»"
HIDDEN = "Фитнес-клуб «Лунмирзор»"


def _rule() -> Rule:
    forms = name_forms(HIDDEN)
    return Rule(HIDDEN, forms, allowed_in(forms, list(name_forms(DISCLOSED))))


def test_the_end_of_a_disclosed_name_at_a_cut_start_is_masked_and_nowhere_else():
    rule = _rule()
    cut_inside = padded("«Лунмирзор»: кейс 168, охват ×3")  # «Кофейня» stood in the piece before
    assert rule.found_in(cut_inside)  # at the start of a file nothing stood before it: a leak
    assert not rule.found_in(cut_inside, cut=(True, False))
    assert rule.found_in(cut_inside, cut=(False, True))  # the cut is at the other edge
    # further in, or at a cut edge but not where the disclosed name ends, it is the hidden name
    assert rule.found_in(padded("кейс 168: фитнес-клуб «Лунмирзор» и «Лунмирзор»"), cut=(True, True))
    assert rule.found_in(padded("«Лунмирзор» и «Лунмирзор»"), cut=(True, True))


def test_the_start_of_a_disclosed_name_at_a_cut_end_is_masked():
    forms = name_forms("Зерно")
    rule = Rule("Зерно", forms, allowed_in(forms, list(name_forms("Зерно Маркет"))))
    text = padded("отзыв клиента: магазин Зерно")  # «Маркет» stands in the next piece
    assert rule.found_in(text) and rule.found_in(text, cut=(True, False))
    assert not rule.found_in(text, cut=(False, True))
    assert masked(text, rule.allowed, (False, True)).endswith(f" {MASK} ")
