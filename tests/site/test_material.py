"""casebook.site.material: what the Material theme would load from outside hosts is refused offline."""

from __future__ import annotations

from types import SimpleNamespace

from casebook.site.material import fix_page, outside_scripts_problem


def _config(**kw):
    return SimpleNamespace(extra=kw.get("extra", {}), repo_url=kw.get("repo_url"))


def test_analytics_and_repository_widgets_are_named():
    assert "extra.analytics" in outside_scripts_problem(_config(extra={"analytics": {"provider": "google"}}))
    assert "api.github.com" in outside_scripts_problem(_config(repo_url="https://github.com/a/b"))
    assert outside_scripts_problem(_config(repo_url="https://git.example.org/a/b")) is None


def test_checkbox_markup_is_made_valid():
    page = '<input type="checkbox" id="__drawer" autocomplete="off">'
    assert fix_page(page) == '<input type="checkbox" id="__drawer">'
