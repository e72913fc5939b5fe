"""casebook.build.pagescan: inline scripts that would contact an outside host are found in a page."""

from __future__ import annotations

from casebook.build.pagescan import _script_hosts


def test_outside_host_in_an_inline_script_is_found_and_own_host_is_not():
    page = ('<script>fetch("https://tracker.example.net/a")</script>'
            '<script>fetch("https://own.example.org/a")</script>'
            '<script type="application/json">{"$schema": "https://vega.github.io/schema"}</script>')
    assert _script_hosts(page, "own.example.org") == ["tracker.example.net (in an inline script)"]
