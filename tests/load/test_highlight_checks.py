"""A `highlights:` entry the case page cannot show is a located warning, never dropped silently."""

from __future__ import annotations

import dataclasses
import random

from casebook import registry
from casebook.load.checks import check_case
from casebook.load.project import open_project
from casebook.render.views import case_view

from sitebuild import copy_demo


def _thinned(snap, rnd):
    """The snapshot with about a third of its counts taken out."""
    if snap is None:
        return None
    metrics = {p: type(m)(**{k: v for k, v in m.values().items() if rnd.random() > 0.35})
               for p, m in snap.metrics.items()}
    return snap.model_copy(update={"metrics": metrics})


def test_a_highlight_is_warned_about_exactly_when_the_case_page_leaves_it_out(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    rnd = random.Random(13)
    seen = {True: 0, False: 0}
    for loaded in project.public_cases:
        case = loaded.case
        for _ in range(6):
            thin = {"after": _thinned(case.after, rnd), "before": _thinned(case.before, rnd)}
            for metric in [*registry.card_order(), "er_reach", "likes", "follower_growth"]:
                variant = case.model_copy(update={**thin, "highlights": [metric]})
                warned = [msg for path, severity, msg in check_case(variant)
                          if path == ("highlights", 0) and severity == "warning"]
                shown = [h.metric for h in case_view(dataclasses.replace(loaded, case=variant)).highlights]
                assert bool(warned) == (metric not in shown), (case.slug, metric, warned, shown)
                assert all(f"'{metric}'" in w for w in warned)
                seen[bool(warned)] += 1
    assert seen[True] > 50 and seen[False] > 50  # both outcomes were tried many times
