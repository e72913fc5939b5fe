"""Each case's card HTML, kept between builds: the index and the tag pages are lists of cards, and an edit
changes one of them.

At 1,000 cases the index renders a thousand cards (0.24 s of every edit),
and each tag page the edited case is on renders its cards again.  A card's
HTML is made of its case and of the page's base (the relative path to the
site root), nothing else: the card key (``Site.keep_cards``; the build's is
casebook.build.casework.CaseWork.page_key(loaded, "card"): the case, its
files, the profile, the configuration, the site's locale, the code and the
theme) covers the first.  One signed entry (casebook.store) per base holds
the HTML of the cards of the cases there are now, by card key; a card that
is not there, or an entry that fails its check, is rendered from
``partials/card.html``, and the entry is written again at the end of the
build when it changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from casebook import store

VERSION = "1"  # bump when what an entry holds changes


class CardHtml:
    """The kept card HTML of one cache folder, by base and card key."""

    def __init__(self, folder: Path):
        self.cache = store.Cache(Path(folder).parent, Path(folder).name, VERSION)
        self._kept: dict[str, dict[str, str]] = {}  # base -> what its entry held when read
        self._now: dict[str, dict[str, str]] = {}  # base -> the cards used or made by this build

    def get(self, base: str, key: str) -> str | None:
        """The card's HTML at ``base`` as kept under its key (None: render it, then :meth:`put`)."""
        if base not in self._kept:
            self._kept[base] = self._read(base)
            self._now[base] = {}
        html = self._kept[base].get(key)
        if html is not None:
            self._now[base][key] = html
        return html

    @property
    def used(self) -> bool:
        """Whether this build asked for a card."""
        return bool(self._now)

    def put(self, base: str, key: str, html: str) -> None:
        self._now.setdefault(base, {})[key] = html

    def save(self, keys: set[str]) -> None:
        """Keep for the next build the cards of ``keys`` (the cases there are now): those used or made
        now, and those kept before that this build did not show at that base (a tag page kept whole)."""
        for base, now in self._now.items():
            kept = self._kept.get(base, {})
            cards = {k: html for k, html in kept.items() if k in keys}
            cards.update((k, html) for k, html in now.items() if k in keys)
            if cards != kept:  # a cache that cannot be written costs the next build time, never this one
                self.cache.write_quietly(_entry(base), json.dumps({"cards": cards}, sort_keys=True).encode("utf-8"))
        self._kept, self._now = {}, {}

    def _read(self, base: str) -> dict[str, str]:
        data = self.cache.read(_entry(base))  # None: missing, edited, unsigned, of another version
        if data is None:
            return {}
        try:
            cards = json.loads(data).get("cards")
        except (ValueError, AttributeError):
            return {}
        if not isinstance(cards, dict) or not all(isinstance(v, str) for v in cards.values()):
            return {}
        return cards


def _entry(base: str) -> str:
    return "base-" + hashlib.sha256(base.encode("utf-8", "surrogateescape")).hexdigest()[:40]
