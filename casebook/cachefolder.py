"""A cache folder that cannot be used costs time, never the build.

When the configured cache folder cannot be written (a read-only disk, a
file where the folder should be, no permission), the build goes on with a
throwaway folder of its own, says so once, and removes it at exit.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path

from .errors import display_path

log = logging.getLogger("mkdocs.plugins.casebook")
_chosen: dict[str, Path] = {}  # configured folder -> the throwaway folder used instead


def usable(folder: Path) -> Path:
    """``folder`` when a file can be made in it, else a temporary folder (one warning)."""
    folder = Path(folder).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe-")
        os.close(fd)
        os.unlink(probe)
        return folder
    except OSError as exc:
        cause = "a file of that name is in the way" if folder.exists() and not folder.is_dir() \
            else (exc.strerror or str(exc))
    chosen = _chosen.get(str(folder))
    if chosen is None or not chosen.is_dir():  # one throwaway folder a process, for all its builds
        chosen = _chosen[str(folder)] = Path(tempfile.mkdtemp(prefix="casebook-cache-"))
        atexit.register(shutil.rmtree, chosen, True)
    log.warning("casebook: the cache folder %s cannot be used (%s); building without it this time",
                display_path(folder), cause)
    return chosen
