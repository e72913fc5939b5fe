"""The case page tells one story: a hero with the results that matter, then the story in order."""

from __future__ import annotations

import re

from casebook.load.project import open_project
from casebook.render.templates import render
from casebook.render.views import case_view

from sitebuild import copy_demo

ORDER = ["before", "actions", "after", "goals", "results", "charts", "media", "testimonial", "lessons"]


def _page(loaded):
    view = case_view(loaded)
    return view, render("pages/case.html", base="", v=view, case=view.case, t=view.t, charts=[], profile=None)


def test_each_case_page_opens_with_its_results_and_then_tells_the_story_in_order(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    for loaded in project.public_cases:
        view, html = _page(loaded)
        assert 2 <= len(view.highlights) <= 3, loaded.case.slug
        hero = html.index('class="cb-casehero"')
        assert hero < html.index('class="cb-highlights"') < html.index("<h2"), loaded.case.slug
        for h in view.highlights:  # each shows before -> after
            if h.has_before:
                assert f"{h.before}</span> → <strong" in html
        ids = [i for i in re.findall(r'<h2 id="([a-z]+)"', html) if i in ORDER]
        assert ids == sorted(ids, key=ORDER.index), (loaded.case.slug, ids)


def test_highlights_are_the_headline_metric_and_the_goals_with_their_status(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    loaded = next(c for c in project.public_cases if c.case.slug == "panaderya-qc-facebook")
    view, html = _page(loaded)
    metrics = [h.metric for h in view.highlights]
    assert view.facts.headline.growth_metric is None or metrics[0] == view.facts.headline.growth_metric
    goals = {g.goal.metric: g.status for g in view.facts.goals if g.goal.platform is None}
    with_goal = [h for h in view.highlights if h.metric in goals]
    assert with_goal, metrics
    for h in with_goal:
        assert h.goal_status == goals[h.metric]
        assert f"cb-goal--{h.goal_status}" in html


def test_a_highlights_list_sets_the_results_the_page_opens_with(tmp_path):
    root = copy_demo(tmp_path / "p")
    path = root / "cases" / "panaderya-qc-facebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsummary:", "\nhighlights: [followers, orders]\nsummary:", 1), encoding="utf-8")
    project = open_project(root)
    loaded = next(c for c in project.public_cases if c.case.slug == "panaderya-qc-facebook")
    view, html = _page(loaded)
    assert [h.metric for h in view.highlights] == ["followers", "orders"]
    assert html.index('data-metric="followers"') < html.index('data-metric="orders"') < html.index("<h2")


def test_an_unknown_highlight_is_a_located_message(tmp_path):
    import subprocess
    import sys
    root = copy_demo(tmp_path / "p")
    path = root / "cases" / "panaderya-qc-facebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsummary:", "\nhighlights: [folowers]\nsummary:", 1), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "casebook.cli", "check"], cwd=root, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert re.search(r"panaderya-qc-facebook\.yaml:\d+:\d+: highlights", run.stderr + run.stdout), run.stderr
    assert "followers" in run.stderr + run.stdout  # the suggestion
