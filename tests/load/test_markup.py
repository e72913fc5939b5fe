"""Markdown from case files is rendered, then sanitised."""

from __future__ import annotations

import pytest

from casebook.load.markup import markdown, plain

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<div style="position:fixed;top:0">x</div>', "style="),
    ("![pixel](https://tracker.example/p.gif)", "tracker.example"),
    ('<svg><script>alert(1)</script></svg>', "<svg"),
    ('<object data="file:///etc/passwd"></object>', "passwd"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "<link"),
    ('<form action="https://evil.example"><input></form>', "<form"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta"),
]


@pytest.mark.parametrize("text,forbidden", HOSTILE)
def test_hostile_markup_is_removed(text, forbidden):
    html = str(markdown(f"Before {text} after"))
    assert forbidden.lower() not in html.lower()
    assert "Before" in html


def test_ordinary_markdown_survives():
    html = str(markdown("**Bold**, *italic*, [site](https://example.com)\n\n- one\n- two"))
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_plain_text_for_descriptions_has_no_markup_and_no_double_escaping():
    assert plain("**Reach** ×3 & <b>more</b>") == "Reach ×3 & more"
    assert plain(None) == ""
