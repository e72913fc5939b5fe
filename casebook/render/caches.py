"""The render layer's disk caches, set for one cache folder in one call (the build's plugin, the standby)."""

from __future__ import annotations

from pathlib import Path

from casebook.render import covers, media, templates


def use(cache_dir: Path) -> None:
    """Re-encoded media, generated covers and compiled templates kept in the cache folder ``cache_dir``."""
    media.use_cache(cache_dir / "media")
    covers.use_cache(cache_dir / "covers")
    templates.keep_compiled(cache_dir)
