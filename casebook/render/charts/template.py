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
"""

from __future__ import annotations

import contextlib
import contextvars
from functools import lru_cache
from typing import Any, Callable, Iterator


# Private-use characters: a token is one whole string of the template.
OPEN, CLOSE = "\ue000", "\ue001"

_DIRECT = contextvars.ContextVar("casebook_charts_direct", default=False)


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
    from altair.utils.schemapi import debug_mode  # deferred: Altair loads only when a chart template is drawn

    with debug_mode(False):
        return draw(*shape, {name: f"{OPEN}{name}{CLOSE}" for name in names})


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


__all__ = ["make", "template", "fill", "direct", "OPEN", "CLOSE"]
