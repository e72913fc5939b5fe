"""casebook.pdf.engine: the same print document gives the same PDF bytes."""

from __future__ import annotations

from casebook.pdf.compose import base_url
from casebook.pdf.engine import render_html
from casebook.settings import theme_dir

HTML = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<link rel="stylesheet" href="print.css"></head><body><h1>Hello</h1></body></html>')


def test_render_is_deterministic(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    roots = (str(theme_dir()),)
    first = render_html(HTML, base_url(), roots)
    second = render_html(HTML, base_url(), roots)
    assert first.data.startswith(b"%PDF") and first.data == second.data
    assert first.refused == []
