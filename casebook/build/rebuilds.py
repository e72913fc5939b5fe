"""`casebook serve`'s rebuilds, each into the folder the one before wrote, keeping what did not change.

MkDocs' server builds into one temporary folder and empties it before every
rebuild, so each rebuild wrote every chart image and every kept page again
(at 300 cases about 0.6 s of one edit's 3.5 s).  Then each rebuild moved
the last one's folder aside and linked its unchanged files into an empty
one (at 1,000 cases some 6,300 links and 1,000 folders made, then as many
names removed: about 0.4 s of a save's 3.4 s).  Now a rebuild keeps them
where they are (:func:`casebook.reuse.begin_in_place`): the folder's files
are hidden from MkDocs' emptying, put back before anything is placed, a
file this process placed last time and that still holds what it placed is
left as it is, and what the rebuild neither places nor writes is removed
before the leak audit reads the folder.  After a failed rebuild (the
folder shows its error) the next one writes everything.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from casebook import reuse


class Rebuilds:
    """What the last good rebuild placed into the served folder, for the next one to keep."""

    def __init__(self) -> None:
        self.files: dict[str, list] = {}
        self._failed = False

    def forget(self) -> None:
        """The rebuild failed (the folder now shows its error): the next one keeps nothing."""
        self._failed = True

    @contextmanager
    def around(self, site: Path) -> Iterator[None]:
        """One rebuild into ``site``."""
        site = Path(os.path.abspath(site))
        session = reuse.begin_in_place(site, self.files if site.is_dir() else {})
        self.files, self._failed = {}, False  # until this rebuild ends well
        try:
            yield
        finally:
            reuse.end(session)
        if not self._failed:
            self.files = session.placed_in(site)
