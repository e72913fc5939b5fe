"""``Metrics``: one optional field per count of the metric registry (data/metrics.yaml)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, create_model

from casebook import registry

from .types import Count, Money, Strict


class _MetricFields(Strict):
    """Numbers for one platform at one moment or over one period.

    The fields are the counts of data/metrics.yaml (see :class:`Metrics`).
    """

    def values(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


def _metrics_model() -> type[_MetricFields]:
    """One optional field per count of the registry: whole numbers, or money."""
    fields: dict[str, Any] = {}
    for info in registry.metrics().values():
        if not info.derived:
            kind = Money if info.unit == "money" else Count
            fields[info.id] = (Optional[kind], Field(None, description=info.description))
    made = create_model("Metrics", __base__=_MetricFields, __module__=__name__, **fields)
    made.__doc__ = _MetricFields.__doc__
    return made


Metrics = _metrics_model()
