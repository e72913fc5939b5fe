"""The names and slugs in a long page, piece by piece: a piece searched before is not searched again.

The index at 1,000 cases is a 2 MB page of cards, and an edit changes one
card: searched whole for names, it took 0.34 s of every edit's audit.  A
page longer than ``FROM`` characters (256 K, the length from which the
whole search, too, went piece by piece with this overlap: a match spread
over more than ``overlap`` characters, a name's words far apart, is found
in neither) is cut where its own text says: at
line ends chosen by the 32 characters before them (about one in sixteen,
the first at least ``CUT_MIN`` characters after the cut before; without a
line end for ``CUT_MAX`` characters, at white space there), so an edit moves
only the cuts near it.  Each piece runs from its cut past the next one by
``overlap`` characters, to white space, as casebook.build.audit._pieces
does: a match of any name or slug is whole in one piece, and a piece's
edges are word boundaries as in the whole text.  So the pieces find what
the whole page does.

Each form of the page (as stored, and as a reader sees it) is cut so, and
each piece's names (and, as stored, slugs) are kept under the hash of its
text in one signed record (casebook.store) per rule set: an edited or
unsigned record reads as empty and every piece is searched again.  The rest
of a page (outside hosts, scripts, CSS, machine paths) is searched whole, as
before.  Only the process that owns the record (the audit, or the audit
begun early) keeps what it finds; a pool worker forked from it reads the
record it inherited and hands what it finds new back with its answer
(:func:`keep`).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path
from typing import Callable

from casebook import store

FROM = 1 << 18  # characters: a longer page is searched piece by piece (where casebook.build.audit._pieces
# already cut a text into overlapping pieces: the same overlap, so no match a whole search finds is lost)
CUT_MIN = 1 << 15  # characters from one cut to the next, at least
CUT_MAX = 1 << 17  # ... and at most, where no line end was chosen before
KEEP_MAX = 20_000  # pieces the record holds (the most recently used)
RECORD_GLOB = "page-pieces-*.json"
_LINE_END = re.compile(r"\n")
_SPACE_RE = re.compile(r"\s")

current: "Pieces | None" = None  # the record of the process scanning now (None: pages are searched whole)


def cuts(text: str) -> list[int]:
    """Where the pieces of a long text begin: 0, then line ends chosen by the text before them."""
    out = [0]
    n = len(text)
    while out[-1] + CUT_MIN < n:
        last = out[-1]
        limit = min(last + CUT_MAX, n)
        cut = None
        for m in _LINE_END.finditer(text, last + CUT_MIN, limit):
            at = m.start()
            if zlib.crc32(text[at - 32:at].encode("utf-8", "surrogatepass")) & 15 == 0:
                cut = at
                break
        if cut is None:
            space = _SPACE_RE.search(text, limit) if limit < n else None
            if space is None:
                break
            cut = space.start()
        out.append(cut)
    return out


def pieces(text: str, overlap: int) -> list[tuple[str, tuple[bool, bool]]]:
    """The text from each cut to white space at least ``overlap`` characters past the next cut, with which
    of its edges are cuts (casebook.load.masking)."""
    starts = cuts(text)
    out = []
    for i, start in enumerate(starts):
        end = len(text)
        if i + 1 < len(starts):
            stop = _SPACE_RE.search(text, starts[i + 1] + overlap)
            end = stop.start() if stop else len(text)
        out.append((text[start:end], (start > 0, end < len(text))))
    return out


class Pieces:
    """The names and slugs found in each piece searched, by the piece's key, for one rule set."""

    def __init__(self, cache_dir: Path | None, fingerprint: str):
        self.path = Path(cache_dir) / RECORD_GLOB.replace("*", fingerprint) if cache_dir is not None else None
        self.fingerprint = fingerprint
        self.found = _load(self.path, fingerprint) if self.path is not None else {}
        self._loaded = dict(self.found)
        self.used: dict[str, list] = {}
        self.new: dict[str, list] = {}  # searched since this was last emptied (a worker hands them back)

    def get(self, key: str) -> list | None:
        verdict = self.found.get(key)
        if verdict is not None:
            self.used[key] = verdict
        return verdict

    def put(self, key: str, verdict: list) -> None:
        self.found[key] = self.used[key] = self.new[key] = verdict

    def save(self) -> None:
        """Keep what was found, the pieces used now last; at most KEEP_MAX of them."""
        if self.path is None:
            return
        if self.found == self._loaded:
            store.touch(self.path)  # in use: pruning keeps it
            return
        items = [(k, v) for k, v in self.found.items() if k not in self.used] + list(self.used.items())
        doc = {"rules": self.fingerprint, "pieces": dict(items[-KEEP_MAX:])}
        store.write_quietly(self.path, json.dumps(doc, separators=(",", ":")).encode())


def _load(path: Path, fingerprint: str) -> dict[str, list]:
    try:
        raw = store.read(path)  # None: missing, edited, unsigned
        if raw is None:
            return {}
        doc = json.loads(raw)
        if doc.get("rules") != fingerprint:
            return {}
        return {str(k): [[str(n) for n in names], [str(s) for s in slugs]]
                for k, (names, slugs) in doc["pieces"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def named(texts: list[str], named_in: Callable[[str, bool, tuple[bool, bool]], tuple[set[str], set[str]]],
          overlap: int) -> tuple[set[str], set[str]]:
    """The names in every form of a long page and the slugs in the first (as stored), piece by piece.

    ``named_in(piece, as_stored, cut)`` searches one piece: its names, and
    its slugs when ``as_stored``; ``cut`` says which of its edges are cuts.
    Each piece's answer is kept in ``current``.
    """
    record = current
    names: set[str] = set()
    slugs: set[str] = set()
    for i, text in enumerate(texts):
        kind = b"stored\0" if i == 0 else b"shown\0"
        for piece, cut in pieces(text, overlap):
            edges = b"%d%d\0" % cut  # the same words at another place are searched otherwise
            key = hashlib.sha256(kind + edges + piece.encode("utf-8", "surrogatepass")).hexdigest()[:40]
            verdict = record.get(key) if record is not None else None
            if verdict is None:
                found_names, found_slugs = named_in(piece, i == 0, cut)
                verdict = [sorted(found_names), sorted(found_slugs)]
                if record is not None:
                    record.put(key, verdict)
            names.update(verdict[0])
            slugs.update(verdict[1])
    return names, slugs


def begin(cache_dir: Path | None, fingerprint: str) -> None:
    """From now on this process keeps the pieces it searches (the audit, or the audit begun early)."""
    global current
    current = Pieces(cache_dir, fingerprint)


def keep(found: dict) -> None:
    """What a worker searched (its record's ``new``), kept in this process's record: the cold build's
    audit searches the index in its workers, and the first edit after it searched every piece again."""
    if current is None or not isinstance(found, dict):
        return
    for key, verdict in found.items():
        if isinstance(key, str) and isinstance(verdict, list) and len(verdict) == 2:
            current.put(key, [[str(n) for n in verdict[0]], [str(s) for s in verdict[1]]])


def finish() -> None:
    """Save what was kept, and keep nothing more."""
    global current
    record, current = current, None
    if record is not None:
        record.save()
