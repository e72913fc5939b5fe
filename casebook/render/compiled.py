"""Compiled Jinja templates kept between processes as signed cache entries.

Jinja compiles a template's source to Python code the first time a process
renders it.  Every build process, forked worker and standby starts with no
compiled template: casebook's own theme (pages, cards, PDFs) took about
0.18 s to compile, MkDocs' Material theme about 0.4 s at 1,000 cases.  Jinja
can keep compiled templates (a *bytecode cache*), but what it loads is code:
here each one is a :class:`casebook.store.Cache` entry, signed with the
user's key, so a planted or edited entry is a miss, never code that runs.
Jinja checks each entry against its template's source; the cache's version
holds the library versions, the environment's compile options and its
filters and tests (compiled code says which exist and what each is passed),
so a change there compiles afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import jinja2

from casebook import store

VERSION = "1"
_OPTIONS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized")


class SignedBytecodeCache(jinja2.BytecodeCache):
    def __init__(self, cache: store.Cache):
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.cache.read(bucket.key)  # None: missing, changed, unsigned or of another version
        if data is not None:
            bucket.bytecode_from_string(data)  # and Jinja checks it against the template's source

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.write_quietly(bucket.key, bucket.bytecode_to_string())


def fingerprint(env: jinja2.Environment, libraries: Iterable[str]) -> str | None:
    """What compiling depends on besides a template's source (the ``libraries``' versions among it);
    None when that cannot be said."""
    if not isinstance(env.autoescape, bool) or env.finalize is not None:
        return None
    from importlib.metadata import version  # deferred: only a cache's version needs it

    # compiled code also says which filters and tests exist and what each is passed (context,
    # eval context, environment): a plugin that redefines one compiles afresh
    passes = [f"{kind}:{name}:{getattr(fn, 'jinja_pass_arg', None)!r}"
              for kind, table in (("filter", env.filters), ("test", env.tests)) for name, fn in sorted(table.items())]
    parts = [*(version(name) for name in libraries), str(env.autoescape),
             str(env.is_async), *sorted(env.extensions), *(repr(getattr(env, name)) for name in _OPTIONS), *passes]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]


def keep(env: jinja2.Environment, root: Path, name: str, libraries: Iterable[str]) -> None:
    """Keep the environment's compiled templates in the cache folder ``root`` (its ``name``)."""
    found = fingerprint(env, libraries)
    if found is not None and env.bytecode_cache is None:
        env.bytecode_cache = SignedBytecodeCache(store.Cache(root, name, f"{VERSION}-{found}"))
