"""The known platforms, metrics and locales, read once from data files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .settings import DATA_DIR, LOCALES_DIR, package_yaml


@dataclass(frozen=True)
class Platform:
    id: str
    label: str
    icon: str
    color: str
    engagements: str


@dataclass(frozen=True)
class MetricInfo:
    """One metric as data/metrics.yaml declares it (see the comments there)."""

    id: str
    unit: str  # count | money | percent
    better: str  # higher | lower
    description: str = ""
    measure: str = "flow"  # counts: stock | flow | unique
    formula: str | None = None  # derived: arithmetic on other metrics' ids
    change_of: str | None = None  # derived: the change of this count from before to after
    engagement_rate: str | None = None  # the case's engagement_rate that makes this its ER
    pool: str = "paired"  # paired | totals: how a whole-case figure is made
    aliases: tuple[str, ...] = ()
    card: int | None = None  # place in the KPI cards
    headline: str | None = None  # growth | cost
    charts: tuple[str, ...] = ()
    top_content: bool = False

    @property
    def kind(self) -> str:
        """count | money | percent: how a value of this metric is formatted."""
        return self.unit

    @property
    def derived(self) -> bool:
        """Computed from other metrics, never written in a snapshot."""
        return self.formula is not None or self.change_of is not None or self.id == "er"

    @cached_property  # asked for every metric of every platform of every case: read the formula once
    def inputs(self) -> tuple[str, ...]:
        """The counts a derived metric is made of, in the order the formula names them."""
        if self.formula is None:
            return (self.change_of,) if self.change_of else ()
        return tuple(dict.fromkeys(w for w in re.findall(r"[a-z_]+", self.formula)))

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"


@lru_cache(maxsize=None)
def platforms() -> dict[str, Platform]:
    raw = package_yaml(DATA_DIR / "platforms.yaml")
    return {key: Platform(id=key, **value) for key, value in raw.items()}


@lru_cache(maxsize=None)
def metrics() -> dict[str, MetricInfo]:
    """Every metric, in the order of data/metrics.yaml."""
    raw = package_yaml(DATA_DIR / "metrics.yaml")
    out = {}
    for key, value in raw.items():
        value = dict(value)
        for name in ("aliases", "charts"):
            value[name] = tuple(value.get(name, ()))
        out[key] = MetricInfo(id=key, **value)
    return out


def count_metrics() -> list[str]:
    """Metrics written in snapshots and series (not derived)."""
    return [m.id for m in metrics().values() if not m.derived]


def card_order() -> tuple[str, ...]:
    """The metrics the KPI cards show, in their order."""
    return tuple(m.id for m in sorted((m for m in metrics().values() if m.card is not None), key=lambda m: m.card))


def ordered(predicate) -> tuple[str, ...]:
    """Metrics that satisfy predicate: those with a card in card order, then the rest in file order."""
    cards = card_order()
    chosen = [m.id for m in metrics().values() if predicate(m)]
    return tuple(sorted(chosen, key=lambda i: (cards.index(i) if i in cards else len(cards), list(metrics()).index(i))))


def with_chart(role: str) -> tuple[str, ...]:
    """Metrics that play a role in a chart (data/metrics.yaml, charts:)."""
    return ordered(lambda m: role in m.charts)


def headline_candidates(role: str) -> tuple[str, ...]:
    """growth | cost: metrics the automatic headline may use, in order of preference."""
    return ordered(lambda m: m.headline == role)


def er_definitions() -> dict[str, str]:
    """engagement_rate value -> the metric it makes the case's ER."""
    return {m.engagement_rate: m.id for m in metrics().values() if m.engagement_rate}


def metric_aliases() -> dict[str, str]:
    """What people write -> the metric's id."""
    return {alias: m.id for m in metrics().values() for alias in m.aliases}


@lru_cache(maxsize=None)
def interface_languages() -> tuple[str, ...]:
    """Languages with an interface-strings file in casebook/locales."""
    return tuple(sorted(p.stem for p in LOCALES_DIR.glob("*.yaml")))
