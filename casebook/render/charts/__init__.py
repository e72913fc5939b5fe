"""Charts: a case's numbers as Vega-Lite specs, one set for the web and for PDFs.

:func:`build_charts` looks at what a case has and returns only the charts
its data supports, each as a :class:`Chart`: a Vega-Lite spec with its data
inline, a localized title, a description for screen readers and the same
numbers as a table.  The web embeds the spec with vega-embed (width
``"container"``); :mod:`casebook.render.charts.static` turns the same spec into a
static SVG for the no-JavaScript fallback and for the PDF.

Chart types and when each is made:

``period-change``
    client reports only: each total KPI's change against the previous
    period, green when the change is good for that metric, red when bad.
``before-after-<platform>``
    a platform with a key metric (followers, reach, views, engagements,
    leads) known both before and after (for reports: previous and this
    period).
``series-<metric>``
    a metric with at least two points over time (series, plus the before
    and after values, which are marked and labelled); the dated actions are
    drawn on a timeline strip above the plot (a bar for a span, a diamond
    for a day, a rule down to the axis where each starts) with their titles.
``cost-<cpl|cpc|cpa>``
    series with spend and leads (else clicks, else orders) for the same
    platform in at least two periods: cost per result over time, with the
    goal's target as a rule.
``spend``
    at least two actions with spend (else two platforms with spend).
``goals``
    at least one goal with a measurable actual: progress to target.
``funnel-<platform>``
    a platform with at least three of reach (or views, impressions),
    clicks, leads, orders in the after snapshot.

Each chart type draws with Altair in a ``_draw(*shape, v)`` function that
:func:`casebook.render.charts.template.make` calls once per shape (which
layers there are) with slots for the values, then fills per case.

Every chart uses :data:`CONFIG` (one palette, one font) and formats its
axes with the case's d3 locale (:func:`d3_locale`); the labels drawn on
marks and the tables are formatted in Python by the Translator, so the
chart, the table and the text agree to the digit.  User text (titles of
actions, goal labels) only ever travels as data in the spec.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casebook import store
from casebook.settings import LOCALES_DIR, PACKAGE_DIR

from . import before_after, costs, funnel, goals, period_change, series, spend, template
from .base import Chart, _Ctx
from .locale import d3_locale, embed_options, script_json
from .style import COLORS, CONFIG, FONT_FAMILY

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    from casebook.compute import facts as compute
    from casebook.render.i18n import Translator

# Every chart type, in reading order: a new chart is a module here and a line in this list.
CHART_TYPES = (
    period_change.charts,
    before_after.charts,
    series.charts,
    costs.charts,
    goals.charts,
    funnel.charts,
    spend.charts,
)

# A case's charts as compressed JSON (~5 KB a case), by the digest of the case and locale: the site and
# the PDFs of one build both ask for every case, and at 1,000 cases a bound of entries would be too small.
_BUILT: dict[str, bytes] = {}
_BUILT_BUDGET = 32 << 20  # bytes; the oldest entries go first
_built_bytes = 0


def build_charts(facts: "compute.CaseFacts", t: "Translator", cache_dir: "Path | None" = None) -> list[Chart]:
    """The charts the case's data supports, in reading order.

    Each chart type's spec is a template Altair draws once per process and
    shape, filled with the case's values (:mod:`.template`, ~1 ms a chart
    instead of ~20 ms).  The site and the PDFs of one build both ask: the
    result is kept per case content and locale, in memory (compressed, so
    every case of a big project fits) and, given ``cache_dir``, on disk for
    the next build, and so are the templates (beside it, in ``templates``).
    Each call gets charts of its own.
    """
    key = (facts.case.model_dump_json(), t.locale)
    memo = hashlib.sha256("\0".join(key).encode()).hexdigest()
    packed = _BUILT.get(memo)
    if packed is not None:
        return [Chart(**item) for item in json.loads(zlib.decompress(packed))]
    text = None
    disk = _disk_path(cache_dir, key) if cache_dir is not None else None
    if disk is not None:
        store.Cache(disk.parent.parent, disk.parent.name, SPEC_VERSION)  # pruned with the other caches
        text = store.read_text(disk)  # None: missing, changed or unsigned
        try:
            cached = [Chart(**item) for item in json.loads(text)] if text is not None else None
        except (ValueError, TypeError):
            text = cached = None  # a broken entry is made again
    if text is None:
        ctx = _Ctx(facts, t)
        made: list[Chart] = []
        with template.stored_in(disk.parent.parent / "templates", _code_fingerprint()) if disk is not None \
                else contextlib.nullcontext():
            for make in CHART_TYPES:
                made.extend(make(ctx))
        ids = [c.id for c in made]
        if len(ids) != len(set(ids)):
            raise RuntimeError(f"chart ids must be unique in a case: {ids}")
        # always through JSON, so a chart read from a cache is the same object as a fresh one
        # vars(), not asdict(): asdict deep-copies every spec only for json to read it
        text = json.dumps([vars(c) for c in made], ensure_ascii=False, sort_keys=True)
        cached = [Chart(**item) for item in json.loads(text)]
        if disk is not None:
            _write_atomic(disk, text)
    _remember(memo, zlib.compress(text.encode("utf-8"), 1))
    return cached


def _remember(memo: str, packed: bytes) -> None:
    global _built_bytes
    _BUILT[memo] = packed
    _built_bytes += len(packed)
    if _built_bytes > _BUILT_BUDGET:
        _built_bytes = sum(map(len, _BUILT.values()))  # counted again: whoever cleared _BUILT did not say
        while _built_bytes > _BUILT_BUDGET and len(_BUILT) > 1:
            _built_bytes -= len(_BUILT.pop(next(iter(_BUILT))))


def pick_charts(charts: list[Any], facts: compute.CaseFacts, limit: int) -> list[Any]:
    """The one rule for choosing charts where room is short (a PDF has two, a report four):
    the change of the period, the growth of the headline metric, cost over time, other
    series, then the rest; at most ``limit``, in that order.  The site shows them all,
    in :data:`CHART_TYPES` order."""
    growth = facts.headline.growth_metric if facts.headline else None
    platforms = list(facts.case.platforms)

    def rank(item: tuple[int, Any]) -> tuple[int, int]:
        index, chart = item
        cid = getattr(chart, "id", "")
        if cid == "period-change":
            score = 0
        elif growth and cid == f"series-{growth}":
            score = 1
        elif cid.startswith("cost-"):
            score = 2
        elif cid.startswith("series-"):
            score = 3
        elif platforms and cid == f"funnel-{platforms[0]}":
            score = 4
        elif cid == "goals" or cid.startswith("before-after-") or cid.startswith("funnel-"):
            score = 8  # KPI cards and the goals table already show these numbers
        else:
            score = 5
        return (score, index)

    ranked = sorted(enumerate(charts), key=rank)
    return [chart for _i, chart in ranked[:limit]]


@lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """What else decides a chart: the chart modules, the locale texts, the i18n code and Altair."""
    h = hashlib.sha256(version("altair").encode())  # its installed version, without loading it
    for path in [*sorted(Path(__file__).parent.glob("*.py")), PACKAGE_DIR / "render" / "i18n.py",
                 *sorted(LOCALES_DIR.glob("*.yaml"))]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


SPEC_VERSION = "1"  # the key holds the chart code's fingerprint; bump when an entry's format changes


def _disk_path(cache_dir: "Path", key: tuple[str, str]) -> "Path":
    digest = hashlib.sha256("\0".join((*key, _code_fingerprint())).encode()).hexdigest()
    return Path(cache_dir) / f"{digest[:32]}.json"


def _write_atomic(path: "Path", text: str) -> None:
    store.write_quietly(path, text.encode("utf-8"))  # a cache that cannot be written only costs time


__all__ = ["Chart", "CHART_TYPES", "build_charts", "pick_charts", "d3_locale", "embed_options", "script_json", "CONFIG", "FONT_FAMILY",
           "COLORS"]
