"""Finished pages kept between builds: an edit re-renders only the pages it changes.

A page MkDocs wrote (after Material's templates and every plugin's
``on_post_page``) is kept in ``cache_dir/finished/<key>.html``, and beside
it, in ``<key>.page``, the search-index entries the search plugin made from
it, the chart images it links and the sha256 of the HTML.  Two entries, so
that a page the previous site holds as it is (casebook.reuse) is linked from
there with its HTML unread: at 1,000 cases reading and hashing every kept
page (some 160 MB) was 0.25 s of each edit.  Its key is what the page is
made of (its own inputs, given by the plugin) and what every page shows: the
configuration as MkDocs resolved it (theme, plugins and their options, extra
CSS and scripts, the copyright line), the navigation (titles and URLs), the
user's theme folders, casebook's code and the libraries' versions.  A page
whose key is found is written as kept; its search entries take the place of
the ones the search plugin would have made, in the same order, so
``search/search_index.json`` is the same bytes whether a page was rendered
or kept.  The sitemap is MkDocs' own, made from the page list, which stays
whole.

Entries go through :mod:`casebook.store`: a changed, swapped or unsigned
entry reads as missing and the page is rendered again.  Only plugins whose
effect on a page is known (search, casebook) allow keeping pages: another
plugin could make a page depend on other pages, so with one the cache is off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from casebook import store
from casebook.settings import theme_dir

VERSION = "4"  # bump when what an entry holds or what its key covers changes (4: the HTML apart)
KNOWN_PLUGINS = frozenset({"search", "material/search", "casebook"})
TEMPLATE = "casebook-kept-page.html"  # renders a kept page's HTML as it is
TEMPLATE_SOURCE = "{{ page.content }}"
# Settings that do not show on a page (where files are, how to serve and deploy), or that
# are in the key otherwise (plugins, theme)
NOT_SHOWN = frozenset({"site_dir", "config_file_path", "docs_dir", "plugins", "theme", "dev_addr", "strict",
                       "remote_branch", "remote_name", "watch", "validation"})


def search_entries(config) -> list | None:
    """The search plugin's list of entries (Material's or MkDocs' own); None: no search plugin.

    Raises LookupError when a search plugin keeps its entries where this
    module cannot see them: pages are then not kept.
    """
    for name in ("search", "material/search"):
        plugin = config.plugins.get(name)
        if plugin is None or not getattr(plugin.config, "enabled", True):
            continue
        index = getattr(plugin, "search_index", None)
        for attr in ("entries", "_entries"):
            entries = getattr(index, attr, None)
            if isinstance(entries, list):
                return entries
        raise LookupError(name)
    return None


def usable(config) -> bool:
    """Whether pages may be kept with this configuration's plugins."""
    if any(name not in KNOWN_PLUGINS for name in config.plugins) or config.hooks:
        return False
    try:
        search_entries(config)
    except LookupError:
        return False
    return True


def _plain(value: Any) -> Any:
    """A configuration value as JSON-able data (objects by their class and attributes)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "items") and callable(value.items):
        return {str(k): _plain(v) for k, v in value.items()}
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if type(value).__str__ is object.__str__:
        return name  # its default text holds a memory address
    return f"{name}: {value}"


def _nav_files(nav) -> set[str]:
    """The pages the navigation names (a title they do not give is the page's own)."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_files(v) for v in nav.values())) if nav else set()
    if isinstance(nav, (list, tuple)):
        return set().union(*(_nav_files(v) for v in nav)) if nav else set()
    return set()


def _user_theme_files(dirs: list[str]) -> str:
    """The user's own theme folders (custom_dir): every file's name and bytes."""
    skip = {os.path.realpath(theme_dir())}
    mine = []
    for d in dirs:
        real = os.path.realpath(d)
        if real in skip or "site-packages" in Path(real).parts or "dist-packages" in Path(real).parts:
            continue  # casebook's own (in the code digest) or an installed theme (in the versions)
        mine.append(Path(d))
    return store.tree_digest(mine) if mine else ""


def site_key(config, shared: str, docs: list[tuple[str, str]], titles: dict[str, str]) -> str:
    """What every page shows: ``shared`` (the plugin's: code, profile, options), the resolved
    configuration with its navigation, the user's own pages (``docs``: (src_uri, path), whose
    titles may be in it), the titles of the generated pages it names and the user's theme folders."""
    settings = {k: _plain(v) for k, v in config.items() if k not in NOT_SHOWN}
    plugins = {name: _plain({k: v for k, v in plugin.config.items() if k != "cache_dir"})
               for name, plugin in config.plugins.items()}
    theme = {"name": config.theme.name, "settings": _plain(dict(config.theme.items())),
             "files": _user_theme_files(list(config.theme.dirs))}
    named = _nav_files(config.nav)
    pages = [[src, store.file_digest(Path(path)) if path else ""] for src, path in docs]
    text = json.dumps([VERSION, shared, store.code_digest(), settings, plugins, theme, pages,
                       sorted((src, title) for src, title in titles.items() if src in named)],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def page_key(site: str, src_uri: str, own: str) -> str:
    return hashlib.sha256(f"{site}\0{src_uri}\0{own}".encode("utf-8", "surrogateescape")).hexdigest()


class PageCache:
    """Finished pages under ``folder``, by key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        store.Cache(self.folder.parent, self.folder.name, VERSION)  # another version: a miss; pruned with the rest

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.page"

    def _html_path(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def get(self, key: str) -> dict | None:
        """{'sha256', 'search', 'charts'} when an entry is kept and vouched for; else None.

        The page's HTML is not read here: :meth:`html` reads it where it is
        needed (a page the previous site holds is linked from there).
        """
        data = store.read(self._path(key))
        if data is None:
            return None
        try:
            entry = json.loads(data)
        except (ValueError, TypeError):
            return None
        if not (isinstance(entry, dict) and isinstance(entry.get("search"), list)
                and isinstance(entry.get("charts"), list) and isinstance(entry.get("sha256"), str)):
            return None
        return entry

    def html(self, key: str, sha256: str) -> bytes | None:
        """The page's bytes (UTF-8, as MkDocs writes it) when its entry vouches for them and they
        are the ones ``sha256`` names (the entry's own record says which, without hashing twice)."""
        path = self._html_path(key)
        if store.digest(path) != sha256:
            return None
        return store.read(path)

    def put(self, key: str, html: str, search: list, charts: list[str]) -> str:
        """Keep a finished page; answers the sha256 of its bytes."""
        body = html.encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        head = json.dumps({"search": search, "charts": sorted(charts), "sha256": digest},
                          ensure_ascii=True, separators=(",", ":"))
        try:
            store.write(self._html_path(key), body)
            store.write(self._path(key), head.encode("ascii"))
        except OSError:
            pass  # a cache that cannot be written costs the next build time, never this one
        return digest

    def touch(self, key: str) -> None:
        """Mark the HTML's entry used where it was linked unread (get() marked the other): pruning keeps it."""
        store.touch(self._html_path(key))
