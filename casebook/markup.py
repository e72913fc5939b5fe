"""Markdown from case files to safe HTML.

Text in a case file is untrusted: it is rendered with Python-Markdown and
then sanitised with nh3 (ammonia).  Scripts, event handlers, iframes,
styles, images (which would load from outside hosts) and any link scheme
but http, https and mailto are removed.
"""

from __future__ import annotations

import html as _html
from functools import lru_cache

import markdown as _markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre",
    "blockquote", "hr", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
    "th", "td", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    html = _markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html)


def markdown(text: str | None) -> Markup:
    """Markdown to sanitised HTML, marked safe for Jinja."""
    if not text:
        return Markup("")
    return Markup(_render(text))


def plain(text: str | None) -> str:
    """Markdown to plain text (for descriptions, search snippets, social tags)."""
    if not text:
        return ""
    return _html.unescape(" ".join(nh3.clean(_render(text), tags=set()).split()))
