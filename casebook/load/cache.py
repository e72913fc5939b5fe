"""A cache of loaded cases: a valid case file is parsed and checked once.

Parsing YAML with every value's position and validating it costs 15–30 ms
a case; an agency's 1,000 cases would spend half a minute on it in every
build.  A case that loaded without errors is kept here with its warnings,
under a hash of its bytes, its path and the code that loads it (LOAD_CODE); the entry also
notes the size and time of every file the case points to (its media are
checked for existence and format while loading), and is used only while
those are unchanged.  A case with errors is never cached: it is read again
and its errors shown again.

Entries are pickles, kept in a :class:`casebook.store.Cache` (``load``):
each is signed with a key only this user can read
(``$XDG_CACHE_HOME/casebook/cache-key``), so a file planted in a shared
project's cache folder is ignored, not loaded.  Without that key there is
no load cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from casebook import store
from casebook.errors import Problem
from casebook.settings import PACKAGE_DIR

ENTRY_VERSION = "3"  # bump when what an entry holds changes


# What a loaded case is made of besides its file: the load layer and what it may import (import-linter's
# layers contract: store, registry, errors, settings), the data the registry reads, the interface
# languages (a case's locale is checked against them), and the libraries loading calls. Not the rest
# of casebook: an upgrade that changes only pages, charts or PDFs keeps every loaded case.
# tests/load/test_cache.py checks that loading imports nothing of casebook's outside these.
LOAD_CODE = ("__init__.py", "errors.py", "settings.py", "registry.py", "store.py", "load", "data", "locales")
LOAD_LIBRARIES = ("pydantic", "pyyaml", "pillow", "babel", "markdown", "nh3", "pathspec", "markupsafe")


@lru_cache(maxsize=None)
def _code() -> str:
    code = store.tree_digest([PACKAGE_DIR / name for name in LOAD_CODE])
    return hashlib.sha256(f"{sys.version_info[:2]}\0{store.library_versions(LOAD_LIBRARIES)}\0{code}".encode()).hexdigest()


def _stamp(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns
    except OSError:
        return None


class LoadCache:
    def __init__(self, folder: Path):
        self.cache = store.Cache(folder, "load", ENTRY_VERSION)
        self.folder = self.cache.folder
        self.key = store.user_key()

    def _key(self, path: Path, root: Path, raw: bytes) -> str:
        return store.content_key(_code(), root, path, data=raw) + ".pickle"

    def get(self, path: Path, root: Path, raw: bytes) -> tuple[Any, list[Problem], tuple[int, int], list[Path],
                                                             list | None] | None:
        """(model, warnings, position of slug, the files it points to, its texts' folded forms)
        of an unchanged valid case, or None."""
        if self.key is None:
            return None
        key = self._key(path, root, raw)
        body = _seen.get((store._generation, key)) if _seen is not None else None  # under --force: this build's
        if body is None:
            body = self.cache.read(key)  # None: missing, changed, unsigned, old
            if body is None:
                return None
            _remember(key, body)
        try:
            model, problems, slug_at, deps, forms = pickle.loads(body)  # signed by this user: safe to unpickle
        except Exception:  # noqa: BLE001 - a broken entry is made again
            return None
        if any(_stamp(p) != tuple(s) if s else _stamp(p) is not None for p, s in deps):  # p: a str, no Path made
            return None
        return model, problems, slug_at, [Path(p) for p, _s in deps], forms

    def put(self, path: Path, root: Path, raw: bytes, model: Any, problems: list[Problem],
            slug_at: tuple[int, int], deps: list[Path], forms: list | None = None) -> None:
        if self.key is None:
            return
        body = pickle.dumps((model, problems, slug_at, [(str(p), _stamp(p)) for p in deps], forms),
                            protocol=pickle.HIGHEST_PROTOCOL)
        key = self._key(path, root, raw)
        self.cache.write_quietly(key, body)
        _remember(key, body)

    # -- the check across cases (casebook.load.checks.leaks_across) -----------------------------
    def _across_key(self, inputs: str) -> str:
        return store.content_key(_code(), "across", inputs) + ".json"

    def across(self, inputs: str) -> dict[str, Any] | None:
        """What the check across cases kept with these hidden-name ``inputs``: the hidden names
        (``hidden``) and each public case's findings by ``file\\0sha256`` (``found``); {} when
        nothing is kept, None without a key."""
        if self.key is None:
            return None
        body = self.cache.read(self._across_key(inputs))  # signed: a planted "nothing found" is a miss
        try:
            table = json.loads(body) if body is not None else {}
        except ValueError:
            return {}
        return table if isinstance(table, dict) else {}

    def keep_across(self, inputs: str, table: dict[str, Any]) -> None:
        if self.key is not None:
            self.cache.write_quietly(self._across_key(inputs), json.dumps(table, sort_keys=True).encode("utf-8"))


# `casebook serve` loads the project again at every save, and read each case's signed entry again (0.2 s at
# 300 cases): while it serves, the entries it read (verified) or wrote are kept in memory by key. A key
# names the case's bytes, its path and the loading code, and each use unpickles afresh, so no object is
# shared between two builds. Off in a one-shot build, which reads each entry once.
_seen: dict[tuple[str, str], bytes] | None = None
SEEN_MAX = 5000


def keep_in_memory() -> None:
    """From now on, what this process reads or writes here is kept in memory too (`casebook serve`)."""
    global _seen
    if _seen is None:
        _seen = {}


def _remember(key: str, body: bytes) -> None:
    if _seen is None:
        return
    if len(_seen) >= SEEN_MAX:
        _seen.pop(next(iter(_seen)))  # the oldest
    _seen[(store._generation, key)] = body


class SlugAt:
    """Stands in for the parsed document where only the slug's position is asked for."""

    def __init__(self, at: tuple[int, int]):
        self.at = tuple(at)

    def where(self, path) -> tuple[int, int]:
        return self.at
