"""What the leak audit looks for in a page's markup besides names: scripts that contact outside hosts, CSS, link-only mentions."""

from __future__ import annotations

import html
import re

from casebook.site.material import WIDGET_API

SCRIPT_HOST = "script that contacts an outside host"


_SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


_SCRIPT_TYPE_RE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


_SCRIPT_URL_RE = re.compile(r"""https?:\\?/\\?/([A-Za-z0-9.-]+\.[A-Za-z]{2,})""", re.IGNORECASE)


_SOURCE_WIDGET_RE = re.compile(r"""<a\b[^>]*\bdata-md-component\s*=\s*["']?source\b[^>]*>""", re.IGNORECASE)


_HREF_RE = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


# Material's repository widget (data-md-component="source") asks these hosts' APIs for stars and forks
_WIDGET_API = WIDGET_API  # Material's repository widget (casebook.site.material)


def _script_hosts(markup: str, own_host: str) -> list[str]:
    """Outside hosts the page's own scripts would contact.

    An inline script that names an outside address (Google's tag manager
    that ``extra.analytics`` loads), and Material's repository widget, whose
    script fetches the stars and forks of a GitHub or GitLab ``repo_url``.
    Scripts loaded from outside hosts are RESOURCE_RE's; data blocks
    (``type="application/json"``, a chart's spec with its ``$schema``) run
    nothing.
    """
    out = []
    for m in _SCRIPT_RE.finditer(markup):
        kind = _SCRIPT_TYPE_RE.search(m.group(1))
        if kind and not any(k in kind.group(1).lower() for k in ("javascript", "module", "ecmascript")):
            continue
        for url in _SCRIPT_URL_RE.finditer(m.group(2)):
            host = url.group(1).lower()
            if host != own_host.lower():
                out.append(f"{host} (in an inline script)")
    for m in _SOURCE_WIDGET_RE.finditer(markup):
        href = _HREF_RE.search(m.group(0))
        if href is None:
            continue
        for rx, api in _WIDGET_API:
            if rx.match(href.group(1)):
                out.append(f"{api} (Material's repository widget for {href.group(1)[:100]})")
                break
    return out


_STYLE_ELEMENT_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


_STYLE_ATTR_RE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def _css_of(markup: str) -> str:
    """The CSS of an HTML or SVG document: style elements and style attributes.

    Text that merely mentions ``url(https://...)`` (escaped, in a paragraph)
    loads nothing and is not looked at.
    """

    parts = [m.group(1) for m in _STYLE_ELEMENT_RE.finditer(markup)]
    parts += [html.unescape(m.group(1).strip("\"'")) for m in _STYLE_ATTR_RE.finditer(markup)]
    return "\n".join(parts)


def _is_link_only(text: str, start: int) -> bool:
    """<link rel="canonical"|"alternate"...> names a URL without fetching it."""
    tag = text[start: text.find(">", start) + 1]
    if not tag.lower().startswith("<link"):
        return False
    rel = re.search(r"""rel\s*=\s*["']?([^"'>]+)""", tag, re.IGNORECASE)
    fetching = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "icon", "modulepreload", "manifest", "attachment"}
    return bool(rel) and not (set(rel.group(1).lower().split()) & fetching)
