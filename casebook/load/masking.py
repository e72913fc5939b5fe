"""Disclosed names masked out of a folded text before a hidden name that is part of one is looked for.

A hidden name that is a part of a name a public case discloses («Лунмирзор»
of «Кофейня «Лунмирзор»») is looked for everywhere but inside that name: the
disclosed name is replaced by MASK first (casebook.load.names.Rule).

The audit searches long texts in overlapping pieces (a search index, a long
page, a PDF page by page), and a piece cut out of a longer text can begin
inside a disclosed name: «Лунмирзор»: Кейс 168...» with «Кофейня» left in
the piece before.  Whole, that is the disclosed name; cut, it read as the
hidden one, and a public case that names its disclosed client failed the
build.  So at an edge where a text was cut (``cut``: its start, its end),
the end of a disclosed name (at the start) or its beginning (at the end) is
masked too.  That hides nothing: the pieces overlap by more than any name,
so the same words are searched, with what stands before and after them, in
a piece where they are not at an edge.  An edge that is not a cut (the start
of a file, of a search entry) is never masked so.
"""

from __future__ import annotations

INSIDE = "*"  # a form that starts with it is matched inside longer words too (#GoldenSpoonWeek)
MASK = "\ue002"  # where a disclosed name stood (a private-use character: no folded text holds one)
NOT_CUT = (False, False)


def masked(padded_text: str, allowed: tuple[str, ...], cut: tuple[bool, bool] = NOT_CUT) -> str:
    """The text with each disclosed name in ``allowed`` replaced by MASK (as a whole word run, and a
    joined one as it stands inside a word), longest first; and at a cut edge, what of one stands there."""
    for form in allowed:
        if " " in form or not form.startswith(INSIDE):
            whole = f" {form.lstrip(INSIDE)} "
            while whole in padded_text:  # twice in a row: the space between them serves both
                padded_text = padded_text.replace(whole, f" {MASK} ")
        else:
            padded_text = padded_text.replace(form[len(INSIDE):], MASK)
    if cut[0] or cut[1]:
        for form in allowed:
            words = form.lstrip(INSIDE).split()
            for k in range(1, len(words)):  # longest part first
                if cut[0] and padded_text.startswith(end := f" {' '.join(words[k:])} "):
                    padded_text = f" {MASK} {padded_text[len(end):]}"
                if cut[1] and padded_text.endswith(start := f" {' '.join(words[:-k])} "):
                    padded_text = f"{padded_text[:-len(start)]} {MASK} "
    return padded_text
