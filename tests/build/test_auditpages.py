"""The leak audit reads a long page piece by piece and finds what a whole read finds; an edit re-reads a few pieces."""

from __future__ import annotations

import random

import pytest

from casebook.build import audit as audit_mod
from casebook.build import auditpages
from casebook.build.audit import PIECE_OVERLAP, audit, forbidden_names
from casebook.load.project import open_project
from sitebuild import copy_demo


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(copy_demo(tmp_path_factory.mktemp("auditpages") / "p"))


WORDS = ["reach", "leads", "budget", "growth", "Москва", "kampanya", "ER", "3.4%", "₱12,000"]


def _card(rng: random.Random, i: int) -> str:
    """One card of an index, as Material and casebook's theme write it: a few short lines."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
    return (f'<article class="cb-card" data-tags="t{i % 7}">\n  <a href="cases/c-{i}/">\n'
            f'    <h3>Case {i}</h3>\n    <p>{text}</p>\n  </a>\n</article>\n')


def _page(rng: random.Random, cards: int) -> list[str]:
    return [_card(rng, i) for i in range(cards)]


def _leaking_index(tmp_path, name: str, *, seed: int, cards: int, at: int):
    """A site folder whose index.html is a long page of cards, one of them naming ``name``; and its cards."""
    site = tmp_path / "site"
    site.mkdir()
    page = _page(random.Random(seed), cards)
    page[at] = page[at].replace("<p>", f"<p>{name} ", 1)
    (site / "index.html").write_text("".join(page), "utf-8")
    return site, page


def _whole(project, text: str) -> set:
    previous, auditpages.current = auditpages.current, None
    try:
        return {(f.what, f.detail) for f in audit_mod._scan_text("index.html", ".html", text, audit_mod._rules(project))}
    finally:
        auditpages.current = previous


def _piecewise(project, text: str, record: auditpages.Pieces) -> set:
    previous, auditpages.current = auditpages.current, record
    try:
        return {(f.what, f.detail) for f in audit_mod._scan_text("index.html", ".html", text, audit_mod._rules(project))}
    finally:
        auditpages.current = previous


def test_pieces_begin_and_end_at_white_space_and_hold_every_short_stretch_whole():
    rng = random.Random(3)
    text = "".join(_page(rng, 3000))
    assert len(text) > 4 * auditpages.CUT_MAX
    pieces = [piece for piece, _cut in auditpages.pieces(text, PIECE_OVERLAP)]
    starts = auditpages.cuts(text)
    assert len(pieces) == len(starts) > 5
    edges = [cut for _piece, cut in auditpages.pieces(text, PIECE_OVERLAP)]  # its edges but the text's own are cuts
    assert edges == [(False, True)] + [(True, True)] * (len(pieces) - 2) + [(True, False)]
    for start, piece in zip(starts, pieces):
        assert text.startswith(piece, start)
        assert start == 0 or text[start].isspace()
        end = start + len(piece)
        assert end == len(text) or text[end].isspace()
    near_cuts = [c + d for c in starts[1:] for d in (-PIECE_OVERLAP, -PIECE_OVERLAP // 2, -1, 0, 1)]
    for at in rng.sample(range(len(text) - PIECE_OVERLAP), 2000) + near_cuts:  # any stretch of that many characters
        stretch = text[at:at + PIECE_OVERLAP]
        assert any(start <= at and at + PIECE_OVERLAP <= start + len(p) for start, p in zip(starts, pieces)), stretch[:40]
    assert all(auditpages.CUT_MIN <= b - a <= auditpages.CUT_MAX + 200 for a, b in zip(starts, starts[1:]))


def test_an_edit_moves_only_the_cuts_near_it():
    rng = random.Random(5)
    cards = _page(rng, 3000)
    before = auditpages.pieces("".join(cards), PIECE_OVERLAP)
    cards[1500] = _card(random.Random(99), 1500).replace("<p>", "<p>a much longer headline than before, " * 3)
    after = auditpages.pieces("".join(cards), PIECE_OVERLAP)
    assert len({p for p, _ in after} - {p for p, _ in before}) <= 3  # the piece with the card, and the cuts around it


def test_names_and_slugs_are_found_piece_by_piece_as_a_whole_read_finds_them(project, tmp_path):
    names = sorted(forbidden_names(project))
    slugs = sorted(c.case.slug for c in project.private_cases)
    assert names and slugs
    rng = random.Random(11)
    for trial in range(6):
        cards = _page(rng, 1500)
        planted = []
        for _ in range(4):  # anywhere, near a cut too (a card boundary), as text, in markup, across a line
            leak = rng.choice(names + slugs)
            how = rng.choice(["{}", "<b>{}</b>", "{}\n", "Client:\n{}"])
            at = rng.randrange(len(cards))
            cards[at] = cards[at].replace("<p>", "<p>" + how.format(leak) + " ", 1)
            planted.append(leak)
        text = "".join(cards)
        whole = _whole(project, text)
        assert {d for _, d in whole} >= set(planted)
        record = auditpages.Pieces(None, "rules")
        assert _piecewise(project, text, record) == whole, trial
        assert _piecewise(project, text, record) == whole  # every piece's answer from the record now


def test_an_edited_page_searches_only_its_new_pieces(project, tmp_path):
    names = sorted(forbidden_names(project))
    cards = _page(random.Random(13), 3000)
    record = auditpages.Pieces(None, "rules")
    _piecewise(project, "".join(cards), record)
    searched = len(record.found)
    cards[2000] = cards[2000].replace("<p>", f"<p>{names[0]} ", 1)  # the edit leaks a name
    found = _piecewise(project, "".join(cards), record)
    assert ("undisclosed or private client name", names[0]) in found
    assert 0 < len(record.found) - searched <= 3 * 3  # a few pieces of each form


def test_an_edited_record_of_pieces_does_not_hide_a_leak(project, tmp_path, monkeypatch):
    """The record is signed: a verdict edited to say "nothing here" reads as no record at all."""
    import json

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    names = sorted(forbidden_names(project))
    site, _cards = _leaking_index(tmp_path, names[0], seed=17, cards=1500, at=700)
    cache = tmp_path / "audit"
    first = audit(site, project, cache_dir=cache)
    assert any(f.detail == names[0] for f in first)
    [record] = cache.glob(auditpages.RECORD_GLOB)
    doc = json.loads(record.read_text("utf-8"))
    assert any(names[0] in v[0] for v in doc["pieces"].values())
    doc["pieces"] = {k: [[], []] for k in doc["pieces"]}
    record.write_text(json.dumps(doc), "utf-8")
    for verdicts in cache.glob("verdicts-*.json"):
        verdicts.unlink()  # the page's own verdict gone: it is searched again, piece by piece
    again = audit(site, project, cache_dir=cache)
    assert any(f.detail == names[0] for f in again)


def test_a_page_shorter_than_the_whole_search_s_pieces_is_searched_whole(project):
    """A name's words may stand any distance apart (folding makes any run of punctuation one space):
    a page the whole search read in one piece (up to 256 K characters) is still read in one piece,
    so a name spread over 3,000 characters across where a cut would fall is found."""
    name = sorted(forbidden_names(project))[0]
    words = name.split()
    assert len(words) > 1
    rng = random.Random(1)
    lines = "".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + "\n" for _ in range(2500))
    gap = "".join(rng.choice(" .,;-\n") for _ in range(3000))
    at = lines.index("\n", len(lines) // 2)
    text = lines[:at] + " " + words[0] + gap + " ".join(words[1:]) + " " + lines[at:]
    assert auditpages.CUT_MIN < len(text) <= auditpages.FROM
    found = _piecewise(project, text, auditpages.Pieces(None, "rules"))
    assert ("undisclosed or private client name", name) in found


_WORKERS = """
import json, sys
from pathlib import Path
from casebook.build import audit as audit_mod
from casebook.load.project import open_project
project, site, cache = open_project(Path(sys.argv[1])), Path(sys.argv[2]), Path(sys.argv[3])
searched = []
real = audit_mod._named
def named(texts, rules, *args, **kwargs):
    searched.append(sum(len(x) for x in texts))
    return real(texts, rules, *args, **kwargs)
audit_mod._named = named
found = audit_mod.audit(site, project, cache_dir=cache)
print(json.dumps([sorted(f.detail for f in found), sum(searched)]))
"""


def test_pieces_a_worker_searched_are_kept_for_the_next_audit(project, tmp_path):
    """A cold build's audit shares its files out among forked workers: the index's pieces one of them
    searched are kept with the audit's own, so the first edit after it searches only its new pieces
    (it searched the whole index again: 0.66 s at 1,000 cases)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    names = sorted(forbidden_names(project))
    site, cards = _leaking_index(tmp_path, names[0], seed=23, cards=2500, at=900)
    (site / "other.html").write_text("".join(_page(random.Random(29), 2500)), "utf-8")  # a second job
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "CASEBOOK_PDF_WORKERS": "2"}

    def audited() -> tuple[list, int]:
        args = [str(project.root), str(site), str(tmp_path / "audit")]
        out = subprocess.run([sys.executable, "-c", _WORKERS, *args], env=env, capture_output=True, text=True,
                             check=True).stdout
        return json.loads(out.splitlines()[-1])

    found, searched_here = audited()
    assert names[0] in found and searched_here == 0  # both pages searched in the workers
    cards[1800] = cards[1800].replace("<p>", "<p>edited ", 1)
    (site / "index.html").write_text("".join(cards), "utf-8")
    found, searched_here = audited()  # one page, little to search: here, piece by piece
    assert names[0] in found
    assert 0 < searched_here < len("".join(cards)) // 4  # the pieces near the edit, not the whole page
