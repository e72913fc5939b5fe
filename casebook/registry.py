"""The known platforms, metrics and locales, read once from data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from .paths import DATA_DIR, LOCALES_DIR


@dataclass(frozen=True)
class Platform:
    id: str
    label: str
    icon: str
    color: str
    engagements: str


@dataclass(frozen=True)
class MetricInfo:
    id: str
    kind: str  # count | money | percent | multiple
    better: str  # higher | lower
    derived: bool = False
    pool: str = "paired"  # paired | totals: how a whole-case figure is made (data/metrics.yaml)
    measure: str = "flow"  # counts: stock | flow | unique (see data/metrics.yaml)

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"


@lru_cache(maxsize=None)
def platforms() -> dict[str, Platform]:
    raw = yaml.safe_load((DATA_DIR / "platforms.yaml").read_text("utf-8"))
    return {key: Platform(id=key, **value) for key, value in raw.items()}


@lru_cache(maxsize=None)
def metrics() -> dict[str, MetricInfo]:
    raw = yaml.safe_load((DATA_DIR / "metrics.yaml").read_text("utf-8"))
    return {key: MetricInfo(id=key, **value) for key, value in raw.items()}


def count_metrics() -> list[str]:
    return [m.id for m in metrics().values() if not m.derived]


@lru_cache(maxsize=None)
def interface_languages() -> tuple[str, ...]:
    """Languages with an interface-strings file in casebook/locales."""
    return tuple(sorted(p.stem for p in LOCALES_DIR.glob("*.yaml")))
