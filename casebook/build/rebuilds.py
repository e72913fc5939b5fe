"""`casebook serve`'s rebuilds, each linking from the one before what did not change.

MkDocs' server builds into one temporary folder and empties it before every
rebuild, so each rebuild wrote every chart image and every kept page again
(at 300 cases about 0.6 s of one edit's 3.5 s).  Here, before a rebuild,
the folder the last one wrote is moved aside and an empty one made in its
place; the rebuild places its files through a :mod:`casebook.reuse`
session whose previous output is the folder moved aside, as recorded in
this process's memory, and links what is unchanged.  The folder moved aside
is removed once the rebuild ends, good or failed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from casebook import reuse


class Rebuilds:
    """What the last good rebuild placed into the served folder, for the next one to link."""

    def __init__(self) -> None:
        self.files: dict[str, list] = {}
        self._failed = False

    def forget(self) -> None:
        """The rebuild failed (the folder now shows its error): the next one links nothing."""
        self._failed = True

    @contextmanager
    def around(self, site: Path) -> Iterator[None]:
        """One rebuild into ``site``."""
        site = Path(os.path.abspath(site))
        aside = None
        if self.files and site.is_dir():
            try:
                aside = Path(tempfile.mkdtemp(prefix=f"{site.name}-previous-", dir=site.parent))
                os.rename(site, aside / "site")
                os.mkdir(site, 0o700)
            except OSError:  # a folder that cannot be moved (a mount point, say): written whole, as before
                if aside is not None:
                    if not site.exists() and (aside / "site").is_dir():
                        os.rename(aside / "site", site)
                    shutil.rmtree(aside, ignore_errors=True)
                aside = None
        previous = aside / "site" if aside is not None else site
        session = reuse.begin_from(site, previous, self.files if aside is not None else {})
        self.files, self._failed = {}, False  # until this rebuild ends well
        try:
            yield
        finally:
            reuse.end(session)
            if aside is not None:
                shutil.rmtree(aside, ignore_errors=True)
        if not self._failed:
            self.files = session.placed_in(site)  # asked after the folder aside is gone: its change times
