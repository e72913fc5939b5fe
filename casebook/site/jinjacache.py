"""MkDocs' theme templates compiled once, kept between builds as signed cache entries.

MkDocs makes a new Jinja environment every build, so every build compiled
Material's templates again (about 0.4 s of an edit at 1,000 cases).  They
are kept as casebook's own templates are (:mod:`casebook.render.compiled`):
signed entries, a planted or edited one a miss, never code that runs; the
cache's version also holds MkDocs' and Material's versions.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from casebook.render import compiled

LIBRARIES = ("jinja2", "mkdocs", "mkdocs-material")


def _fingerprint(env: jinja2.Environment) -> str | None:
    """What compiling depends on besides a template's source; None when that cannot be said."""
    return compiled.fingerprint(env, LIBRARIES)


def use(env: jinja2.Environment, root: Path) -> None:
    """Keep the environment's compiled templates in the cache folder ``root`` (its ``jinja``)."""
    compiled.keep(env, root, "jinja", LIBRARIES)
