"""casebook's own settings, read in one place: where its files are, the cache
folder's name, the size limit of an input file, the build's date and fonts.

The bottom layer with :mod:`casebook.errors`: it imports nothing of casebook.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
LOCALES_DIR = PACKAGE_DIR / "locales"
SCAFFOLD_DIR = DATA_DIR / "scaffold"  # the YAML templates `casebook new` writes from

# A project's cache folder (under its root, unless mkdocs.yml's `cache_dir` says otherwise).
CACHE_DIR_NAME = ".casebook-cache"

# The largest case file or profile casebook reads: a case is text, and a
# megabyte is far beyond any real one.  A larger file is not even read; it is
# reported as "file is larger than 1000 KB" at line 1, column 1.
MAX_FILE_BYTES = 1_000_000

# The build's date (reproducible builds): every output date comes from here, never from the clock.
EPOCH_VAR = "SOURCE_DATE_EPOCH"
# Set beside it when `casebook build` chose the epoch itself from the public
# cases' dates: a private PDF is then dated by its own period (pdf.compose.fixed_date).
EPOCH_DEFAULTED = "CASEBOOK_EPOCH_FROM_PUBLIC_CASES"


def epoch_text() -> str:
    """SOURCE_DATE_EPOCH as set ('' when not): what cache keys hold."""
    return os.environ.get(EPOCH_VAR, "")


_WHOLE_NUMBER = re.compile(r"[0-9]+")


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in seconds, None when unset or not a whole number (see epoch_problem)."""
    text = epoch_text().strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def epoch_problem() -> str | None:
    """What is wrong with SOURCE_DATE_EPOCH as set, in a sentence (None: unset, or a whole number).

    The build dates everything by it, and MkDocs reads it too: set empty (``export SOURCE_DATE_EPOCH=``)
    or to anything but seconds, MkDocs stopped with a traceback.  The commands that build say this
    instead, before they write anything.
    """
    text = os.environ.get(EPOCH_VAR)
    if text is None or _WHOLE_NUMBER.fullmatch(text.strip()):
        return None
    return (f"{EPOCH_VAR} is {text[:40]!r}, not a whole number of seconds since 1970-01-01 "
            f"(e.g. 1735689600 for 2025-01-01); set it so, or unset it")


def epoch_from_public_cases() -> bool:
    """True when the build set SOURCE_DATE_EPOCH itself (from the public cases)."""
    return os.environ.get(EPOCH_DEFAULTED) == "1"


def theme_dir() -> Path:
    """The theme folder: the checkout's top-level ``theme/``."""
    candidate = PACKAGE_DIR.parent / "theme"
    if candidate.is_dir():
        return candidate
    bundled = PACKAGE_DIR / "theme"  # pragma: no cover - non-editable installs
    return bundled


def fonts_dir() -> Path:
    """The bundled fonts every PDF and static chart is set in (``theme/fonts``)."""
    return theme_dir() / "fonts"


def package_yaml(path: Path):
    """One of casebook's own data files (data/, locales/) as Python data.

    Read with libyaml where PyYAML has it: 5-8 times quicker than PyYAML's Python parser,
    some 25 ms at every start for the metrics, platforms and locales; a test reads each file
    both ways.  A user's file goes through casebook.load.yamlsrc instead.
    """
    import yaml  # deferred: settings is imported by everything, yaml only by what reads these

    return yaml.load(path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe
