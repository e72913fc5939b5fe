"""Markdown from case files to safe HTML.

Text in a case file is untrusted: it is rendered with Python-Markdown and
then sanitised with nh3 (ammonia).  Scripts, event handlers, iframes,
styles, images (which would load from outside hosts), relative links and
any link scheme but http, https and mailto are removed.  Text that would make
Python-Markdown recurse out or scan quadratically is shown as plain
paragraphs instead.
"""

from __future__ import annotations

import html as _html
import logging
import re
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
        # a relative link (/etc/passwd, ../x, #) has no scheme to refuse, and
        # in a PDF it resolves to a file: address on the build machine
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    if not _too_costly(text):
        try:
            html = _markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        except RecursionError:
            pass
        else:
            return sanitize(html)
    logging.getLogger("casebook").warning(
        "casebook: text shown without Markdown (too deeply nested or too costly to parse): %.60r", text)
    return sanitize(_as_text(text))


# Python-Markdown scans forward from every '[', '](' and '<' for the end of a
# link or tag, and re-splits a block for every header or rule line in it.
# Text written for people keeps those scans short; a field of 20 000 '[' or
# '<![CDATA[' or of 4000 '***' lines makes them quadratic (a minute for one
# field).  Such text is shown as plain paragraphs instead.
SCAN_BUDGET = 4  # characters scanned per character of text ...
SCAN_ALLOWANCE = 2_000  # ... plus this many
BLOCK_LINES = 200  # lines in one block (between blank lines)
NESTING_LIMIT = 16  # list or quote markers opening one line (deeper recurses out)
_SPECIAL = re.compile(r"[\[\]]|<[A-Za-z/!?]")
_NESTED_MARKERS = re.compile(r"^[ \t]*(?:(?:[-*+>]|\d{1,9}[.)])[ \t]*){%d,}" % NESTING_LIMIT, re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PAREN = re.compile(r"[()]")


def _too_costly(text: str) -> bool:
    if _NESTED_MARKERS.search(text):
        return True
    if text.count("\n") > BLOCK_LINES and any(b.count("\n") >= BLOCK_LINES for b in _BLANK_LINE.split(text)):
        return True
    end = len(text)
    budget = SCAN_BUDGET * end + SCAN_ALLOWANCE
    cost = 0
    opened: list[int] = []  # '[' not yet closed
    for m in _SPECIAL.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "[":
            opened.append(i)
        elif ch == "]":
            if opened:
                cost += i - opened.pop()
            if text.startswith("(", i + 1):
                cost += _closing_paren(text, i + 1, budget) - i
        else:  # the start of a tag, a comment, CDATA...
            close = text.find(">", i)
            cost += (close if close >= 0 else end) - i
        if cost > budget:
            return True
    return cost + sum(end - i for i in opened) > budget


def _closing_paren(text: str, start: int, limit: int) -> int:
    """Index of the ')' that closes the '(' at start, or the end of the text."""
    depth = 0
    for m in _PAREN.finditer(text, start, min(len(text), start + limit)):
        depth += 1 if m.group() == "(" else -1
        if depth == 0:
            return m.start()
    return len(text)


def _as_text(text: str) -> str:
    """Text as escaped paragraphs, no Markdown: for input Python-Markdown would choke on."""
    paragraphs = (" ".join(p.split()) for p in _BLANK_LINE.split(text))
    return "".join(f"<p>{_html.escape(p, quote=False)}</p>" for p in paragraphs if p)


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
