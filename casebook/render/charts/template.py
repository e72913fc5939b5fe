"""Chart templates: a chart type's spec built once by Altair with slots, then filled with each case's values.

Building a chart with Altair costs ~20 ms (its objects, the merging of
layers, ``to_dict``); filling a template costs one walk over a dict.  Each
chart type therefore draws in a function ``draw(*shape, v)``: ``shape`` is
what decides which layers, marks and filters there are (hashable, a few
values), ``v`` maps the names of everything else (data, labels, titles,
domains, heights, the description) to values.  :func:`make` calls ``draw``
once per shape with tokens in place of the values, keeps the result, and
fills the case's values into a copy of it.

``draw`` sees nothing of a case but ``shape`` and ``v``, so no case's value
can be baked into a template another case is filled from; and tokens are
only ever looked for in the template, never in the values put into it.
Inside :func:`direct` every chart is drawn by Altair with the case's own
values instead: the reference tests/render/test_chart_templates.py holds
the filled templates to, spec for spec.

Within :func:`stored_in` a template is also kept on disk, signed like every
cache entry, under the chart code's fingerprint: a build that draws one
edited case then fills templates without loading Altair at all (its
import and the drawing took ~0.9 s in each worker that drew a chart).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
from functools import lru_cache
from typing import Any, Callable, Iterator

from casebook import store


# Private-use characters: a token is one whole string of the template.
OPEN, CLOSE = "\ue000", "\ue001"

_DIRECT = contextvars.ContextVar("casebook_charts_direct", default=False)
# (folder, fingerprint of the chart code) while templates are kept on disk
_STORE: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("casebook_chart_templates", default=None)
STORE_VERSION = "1"  # bump when what an entry holds changes


def make(draw: Callable[..., dict], shape: tuple, values: dict[str, Any]) -> dict:
    """The spec ``draw(*shape, values)`` gives, from the template of that shape filled with ``values``."""
    if _DIRECT.get():
        return draw(*shape, values)
    return fill(template(draw, tuple(shape), tuple(sorted(values))), values)


@lru_cache(maxsize=1024)
def template(draw: Callable[..., dict], shape: tuple, names: tuple[str, ...]) -> dict:
    """``draw``'s spec for ``shape`` with a token where each named value goes (kept: treat as read-only).

    Altair checks some objects against the schema as they are made, and a
    token is no number or list: a template is made without those checks.
    The filled specs are checked against the schema in the tests.
    """
    kept = _STORE.get()
    path = _stored_path(kept, draw, shape, names) if kept is not None else None
    if path is not None:
        text = store.read_text(path)  # None: missing, changed or unsigned
        if text is not None:
            with contextlib.suppress(ValueError):
                spec = json.loads(text)
                if isinstance(spec, dict):
                    return spec
    from altair.utils.schemapi import debug_mode  # deferred: Altair loads only when a chart template is drawn

    with debug_mode(False):
        spec = draw(*shape, {name: f"{OPEN}{name}{CLOSE}" for name in names})
    if path is not None:
        # a JSON round trip gives back the same dict: Altair's to_dict holds only JSON values
        store.write_quietly(path, json.dumps(spec, ensure_ascii=False).encode("utf-8"))
    return spec


def _stored_path(kept: tuple[str, str], draw: Callable[..., dict], shape: tuple, names: tuple[str, ...]) -> str:
    folder, fingerprint = kept
    what = "\0".join((fingerprint, draw.__module__, draw.__qualname__, repr(shape), *names))
    return os.path.join(folder, hashlib.sha256(what.encode("utf-8")).hexdigest()[:32] + ".json")


@contextlib.contextmanager
def stored_in(folder: "os.PathLike[str] | str", fingerprint: str) -> Iterator[None]:
    """Within this block templates are read from and kept in ``folder``, for chart code of ``fingerprint``."""
    folder = os.fspath(folder)
    store.Cache(os.path.dirname(folder), os.path.basename(folder), STORE_VERSION)  # pruned with the other caches
    token = _STORE.set((folder, fingerprint))
    try:
        yield
    finally:
        _STORE.reset(token)


def fill(node: Any, values: dict[str, Any]) -> Any:
    """A copy of the template ``node`` with each token replaced by its value (the value itself, not a copy)."""
    if isinstance(node, dict):
        return {key: fill(item, values) for key, item in node.items()}
    if isinstance(node, list):
        return [fill(item, values) for item in node]
    if isinstance(node, str) and OPEN in node:
        name = node[1:-1]
        if node[0] != OPEN or node[-1] != CLOSE or name not in values:
            # Altair changed or split a token: fail loudly rather than draw a wrong chart
            raise ValueError(f"chart template: a slot that cannot be filled: {node!r}")
        return values[name]
    return node


@contextlib.contextmanager
def direct() -> Iterator[None]:
    """Within this block charts are drawn by Altair with each case's values, not from templates."""
    token = _DIRECT.set(True)
    try:
        yield
    finally:
        _DIRECT.reset(token)


__all__ = ["make", "template", "fill", "direct", "stored_in", "OPEN", "CLOSE"]
