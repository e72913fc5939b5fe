"""Where casebook finds its own files (theme, data, locales)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
LOCALES_DIR = PACKAGE_DIR / "locales"
SCAFFOLD_DIR = PACKAGE_DIR / "scaffold"


def theme_dir() -> Path:
    """The theme folder: the checkout's top-level ``theme/``."""
    candidate = PACKAGE_DIR.parent / "theme"
    if candidate.is_dir():
        return candidate
    bundled = PACKAGE_DIR / "theme"  # pragma: no cover - non-editable installs
    return bundled
