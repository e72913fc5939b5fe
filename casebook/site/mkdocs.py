"""The MkDocs adapter: MkDocs' events mapped onto the site plan, and nothing else.

:class:`casebook.site.plan.Site` decides the site without MkDocs: its pages
(path, title, HTML, search text, meta), assets and links.  This module only
hands that plan to MkDocs 1.6 (or ProperDocs, its maintained fork) through
the plugin events; what is particular to the Material theme lives in
:mod:`casebook.site.material`.  Kept thin on purpose: MkDocs 2.0 drops the
plugin system and Zensical reads mkdocs.yml but ignores third-party
plugins, so the next engine should need a new adapter, not a new site.

The plugin ``plugins: [casebook]`` is :class:`casebook.build.plugin.CasebookPlugin`,
a subclass that adds what only the build may do (case work in worker
processes, PDFs, the leak audit, the cache folder check).  Every hook
returns at once when the plugin is disabled.
"""

from __future__ import annotations

import logging
import os
import re
import types
from pathlib import Path

import jinja2
from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from casebook import reuse
from casebook.errors import CasebookError
from casebook.load.media import LINKED_OUTSIDE, lies_in, pages_roots
from casebook.load.project import open_project
from casebook.render import caches
from casebook.render.charts.static import ChartRenderer
from casebook.settings import CACHE_DIR_NAME, theme_dir

from . import jinjacache, material, pagecache
from .plan import CHART_FILES, Site, page_base

log = logging.getLogger("mkdocs.plugins.casebook")


def _inside_the_project(files: Files, config: MkDocsConfig, root: Path) -> None:
    """Refuse a file of the pages folder (docs_dir) that is a link to a file outside the project.

    MkDocs follows links: ``pages/notes.txt`` linked to ``~/secret/notes.txt``,
    or a linked folder, would be published as it is, past the leak audit's
    view of the project.  As case files and media linked from outside are
    (casebook.load), it is refused: PluginError, nothing published.
    """
    docs = os.path.abspath(config.docs_dir)
    allowed = pages_roots(docs, root)  # docs_dir may lie outside the project itself
    for file in files:
        src = file.abs_src_path
        if not src or file.generated_by or not os.path.abspath(src).startswith(docs + os.sep):
            continue  # a theme's or a plugin's file
        if not lies_in(src, allowed):
            raise PluginError(f"{os.path.relpath(os.path.abspath(src), root)}: {LINKED_OUTSIDE}")


class _PlacedPages(logging.Filter):
    """What MkDocs says (INFO) about the pages casebook makes, dropped: "Page skipped" for a kept page
    the adapter placed in the site itself (it is not skipped), and the list of pages "not included in
    the nav" for the case and tag pages, which stay out of the nav by design (a thousand lines in every
    rebuild `casebook serve` prints). What it says about the user's own pages stays."""

    OMITTED = "The following pages exist in the docs directory, but are not included in the \"nav\""

    def __init__(self) -> None:
        super().__init__()
        self.placed: set[str] = set()
        self.generated: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not (self.placed or self.generated):
            return True
        msg = record.getMessage()
        if msg.startswith("Page skipped: '"):
            return msg[len("Page skipped: '"):].split("'")[0] not in self.placed
        if msg.startswith(self.OMITTED):
            head, *listed = msg.split("\n  - ")
            left = [path for path in listed if path.replace(os.sep, "/") not in self.generated]
            record.msg, record.args = "\n  - ".join([head, *left]), ()
            return bool(left)
        return True


_SKIPPED = _PlacedPages()
logging.getLogger("mkdocs.commands.build").addFilter(_SKIPPED)
logging.getLogger("mkdocs.structure.nav").addFilter(_SKIPPED)
PENDING = "<!-- casebook: this case page is being made -->"
LAST_GZIP_DATE = "2106-02-06"  # the last whole day a gzip header's 32-bit time holds


class SiteConfig(Config):
    enabled = c.Type(bool, default=True)
    cases_dir = c.Type(str, default="cases")
    profile = c.Type(str, default="profile.yaml")
    charts = c.Type(bool, default=True)
    pdf = c.Type(bool, default=False)  # `casebook build` turns this on; pages then link their PDFs
    cache_dir = c.Type(str, default=CACHE_DIR_NAME)
    offline = c.Type(bool, default=True)  # no web fonts, nothing from outside hosts
    # cases in the site's portfolio.pdf and in each tag's PDF: the most recent ones (0: every public case)
    portfolio_max = c.Type(int, default=30)


class SiteAdapter(BasePlugin[SiteConfig]):
    """The site plan through MkDocs' events; the hooks ``_prepare``, ``_open_project``,
    ``_make_cases`` and ``_finish`` are where a subclass adds its own work."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site = None
        self.pages: dict[str, object] = {}
        self.project = None
        self.renderer = None
        self.chart_files: set[str] = set()
        self.kept = None  # a casebook.site.pagecache.PageCache when pages may be kept between builds
        self._keys: dict[str, str] = {}  # src_uri -> the finished page's key
        self._hits: dict[str, dict] = {}  # src_uri -> the kept page (html, search entries, charts)
        self._made: dict[str, tuple[int, list, set]] = {}  # src_uri -> (first search entry, entries, charts)
        self._charts_written: set[str] = set()  # chart images already in the site (a kept page's)

    # -- hooks for a subclass ----------------------------------------------
    def _prepare(self, config: MkDocsConfig, root: Path) -> None:
        """Before the project is read (CasebookError to refuse)."""

    def _open_project(self, root: Path):
        return open_project(root, self.config.cases_dir, self.config.profile, cache_dir=self.config.cache_dir)

    def _make_cases(self, case_bases: list, kept: set[str]) -> None:
        """Case pages ahead of MkDocs (but those whose finished page is ``kept``: slugs);
        by default each is made when MkDocs reaches it."""

    def _find_kept(self, config: MkDocsConfig, files: Files, made: list) -> None:
        """Which planned pages (page, base) a build before this one left finished, by their keys."""
        if self.kept is None:
            return
        docs = sorted((f.src_uri, f.abs_src_path or "") for f in files.documentation_pages()
                      if f.src_uri not in self.pages)
        titles = {src: page.title for src, page in self.pages.items()}
        site = pagecache.site_key(config, self._shared_key(), docs, titles)
        for page, base in made:
            own = self._page_key(page, base)
            if own is None:
                continue
            key = self._keys[page.src_uri] = pagecache.page_key(site, page.src_uri, own)
            entry = self.kept.get(key)
            if entry is not None and self._charts_ok(entry["charts"], Path(config.site_dir)) \
                    and self._kept_html(files.get_file_from_path(page.src_uri).abs_dest_path, key, entry):
                self._hits[page.src_uri] = entry

    def _kept_html(self, dest: str, key: str, entry: dict) -> bool:
        """A kept page's HTML, placed now in a staged site (linked from the previous site when that
        holds these bytes, its cache entry unread: ``entry['placed']``) or read for MkDocs to write
        (``entry['raw']``); False when it cannot be had (the page is made again)."""
        def html() -> bytes | None:
            raw = self.kept.html(key, entry["sha256"])
            return raw if raw and not raw.isspace() else None  # an empty page: MkDocs writes none

        if reuse.session_for(os.path.dirname(dest)) is None:
            entry["raw"] = html()
            return entry["raw"] is not None
        entry["placed"] = reuse.place(dest, html, lambda: entry["sha256"])
        return entry["placed"]

    def _charts_ok(self, names: list, site_dir: Path) -> bool:
        """The chart images a kept page links are in the chart cache as made (else the page is
        made again, and its charts with it); if so, they are placed in the site now: linked
        from the previous site where that holds them (casebook.reuse), else read once and written."""
        if not names:
            return True
        if self.renderer is None or not all(isinstance(n, str) for n in names):
            return False
        for name in names:
            if name not in self._charts_written and not self._place_chart(site_dir, name):
                return False
        return True

    def _place_chart(self, site_dir: Path, name: str) -> bool:
        renderer = self.renderer
        if renderer.file_path(name) is None:
            return False
        # a chart's name is the content key of what it is drawn from: the previous site's file of
        # that name as published, else only what the cache's signed record vouches for
        if not reuse.place(os.path.join(site_dir, CHART_FILES, name), lambda: renderer.file_bytes(name), reuse.NAMED):
            return False
        self._charts_written.add(name)
        return True

    def _finish(self, site_dir: Path) -> None:
        """After the site's files are written (chart images and media included)."""
        reuse.sweep(site_dir)  # serve: what the last rebuild wrote and this one did not

    def _meanwhile(self, site_dir: Path) -> None:
        """While the build waits for its workers (a PDF), with the pages written."""

    def _page_key(self, planned, base: str) -> str | None:
        """What a planned page is made of, as a key (None: render it every build)."""
        return None

    def _shared_key(self) -> str:
        """What every page is made of besides the configuration (the code, the profile...)."""
        return ""

    def _case_key(self, loaded) -> str | None:
        """What a case's view is made of, as a key: its card values are kept under it (None: made every build)."""
        return None

    # -- configuration -----------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.config.offline:
            problem = material.outside_scripts_problem(config)
            if problem:
                raise PluginError(problem)
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self._prepare(config, root)
            self.project = self._open_project(root)
        except CasebookError as exc:
            lines = "\n".join(p.format() for p in exc.problems)
            raise PluginError(f"{lines}\n{exc}" if lines else str(exc)) from None
        for warning in self.project.warnings:
            log.warning(warning.format())
        caches.use(root / self.config.cache_dir)
        renderer = None
        if self.config.charts:
            renderer = ChartRenderer(root / self.config.cache_dir / "charts")
        self.renderer = renderer
        prof = self.project.profile
        site_locale = config.theme.get("language") or None
        if prof is not None and "locale" in prof.model_fields_set:
            # profile.locale is the reader's language: Material's texts, its search and <html lang> too
            site_locale = prof.locale
            config.theme["language"] = prof.locale.split("-")[0]
        self.site = Site(self.project, charts=renderer, pdf=self.config.pdf, site_locale=site_locale,
                         pdf_max=self.config.portfolio_max)
        material.configure_theme(config, offline=self.config.offline)
        material.copyright_line(config, self.project.profile)
        config.extra_css.append("assets/casebook/casebook.css")
        if self.config.charts:
            config.extra_css.append("assets/casebook/charts.css")
        config.extra_javascript.append("assets/casebook/casebook.js")
        material.navigation(config, self.site.t, bool(self.project.profile))
        return config

    # -- files -------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.site is None:
            return None
        _inside_the_project(files, config, self.project.root)
        # another plugin or hook may write into a file it finds: nothing is linked nor kept (casebook.reuse)
        usable = pagecache.usable(config)
        if usable:  # serve: the last rebuild's files, hidden while MkDocs emptied the folder, back in place
            reuse.restore(Path(config.site_dir))
        else:  # ... or dropped: the folder as MkDocs emptied it
            reuse.discard(Path(config.site_dir))
        self.site.keep_cards(Path(self.project.root) / self.config.cache_dir / "cards", self._case_key)
        plan = self.site.plan()
        self.pages = {}
        self.chart_files = set()
        self._keys, self._hits, self._made = {}, {}, {}
        self._charts_written = set()
        self.kept = None
        if usable:
            self.kept = pagecache.PageCache(Path(self.project.root) / self.config.cache_dir / "finished")
        else:
            session = reuse.session_for(Path(config.site_dir))
            if session is not None:
                session.linking = False
        made = []
        _SKIPPED.generated = set()
        # case pages last: MkDocs renders the others while the workers make them
        for page in sorted(plan.pages, key=lambda p: p.case is not None):
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            generated = File.generated(config, page.src_uri, content="")
            files.append(generated)
            self.pages[page.src_uri] = page
            _SKIPPED.generated.add(page.src_uri)
            made.append((page, page_base(generated.url)))
        self._find_kept(config, files, made)
        self._make_cases([(page.case, base) for page, base in made if page.case is not None],
                         kept={page.case.case.slug for page, _ in made
                               if page.case is not None and page.src_uri in self._hits})
        assets = theme_dir() / "assets"
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                dest = f"assets/casebook/{path.relative_to(assets).as_posix()}"
                files.append(File.generated(config, dest, abs_src_path=str(path)))
        if self.renderer is not None:  # after the case workers have forked: this starts vl-convert
            files.append(File.generated(config, "assets/casebook/vega-bundle.js",
                                        content=self.renderer.bundle_js()))
        return files

    @event_priority(-100)  # after every other plugin: the last word on page dates
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Keep page dates within what sitemap.xml.gz's gzip header can hold.

        MkDocs stamps the gzip header with the newest page date, a 32-bit
        count of seconds that ends on 2106-02-07: a later date (a
        SOURCE_DATE_EPOCH far ahead) would crash the build with a traceback.
        Case dates are bounded by the model (casebook.load.model.LAST_YEAR).
        """
        if not self.config.enabled:
            return None
        session = reuse.session_for(Path(config.site_dir))
        if session is not None:  # MkDocs writes these itself, into whatever file it finds there
            session.release([f.dest_uri for f in files if f.src_uri not in self._hits] + _written_by_mkdocs(config))
        _SKIPPED.placed = set()
        for file in files.documentation_pages():
            page = file.page
            if page is not None and isinstance(page.update_date, str) and page.update_date > LAST_GZIP_DATE:
                page.update_date = LAST_GZIP_DATE
        if self.project is not None:  # the theme's templates compiled once, kept signed in the cache folder
            jinjacache.use(env, Path(self.project.root) / self.config.cache_dir)
        if self._hits:  # a kept page goes through this one-line template: its HTML is already finished
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({pagecache.TEMPLATE: pagecache.TEMPLATE_SOURCE}),
                                              env.loader])
        return None

    # -- pages -------------------------------------------------------------
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        if self.config.enabled and page.file.src_uri in self.pages:
            # A planned page has no Markdown: MkDocs would build a Markdown converter for
            # nothing, a few milliseconds a page (the same for every build, kept page or not)
            page.render = types.MethodType(_no_markdown, page)
        return None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        planned = self.pages.get(page.file.src_uri)
        if planned is None:
            return None
        # MkDocs' templates do not escape: title and description go in as HTML
        page.meta.update(planned.meta)
        page.meta["title"] = str(escape(planned.title))
        if "description" in page.meta:
            page.meta["description"] = str(escape(page.meta["description"]))
        if page.file.src_uri in self._hits:
            page.meta["template"] = pagecache.TEMPLATE
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        planned = self.pages.get(page.file.src_uri)
        if planned is None:
            return None
        # Every planned page's HTML is made just before its template is
        # rendered (on_page_context): a case page may still be in the making
        # (MkDocs renders every other page meanwhile), a kept page is not made.
        return PENDING

    @event_priority(100)  # before search indexes the page
    def _context_first(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        src = page.file.src_uri
        planned = self.pages.get(src)
        if planned is None or page.content != PENDING:
            return None
        entries = pagecache.search_entries(config) if self.kept is not None else None
        start = len(entries) if entries is not None else 0
        if src in self._hits:
            page.content = ""  # the search plugin indexes nothing; its entries come from the kept page
            self._made[src] = (start, [], set())
            return None
        charts: set[str] = set()
        page.content = self._content(page, planned, charts)
        self._made[src] = (start, [], charts)
        return None

    @event_priority(-100)  # after search has indexed the page
    def _context_last(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled or self.kept is None or page.file.src_uri not in self._made:
            return None
        src = page.file.src_uri
        start, _, charts = self._made[src]
        entries = pagecache.search_entries(config)
        if entries is None:
            return None
        if src in self._hits:  # the entries this page had when it was made, where they stood
            entries[start:] = self._hits[src]["search"]
        else:
            self._made[src] = (start, list(entries[start:]), charts)
        return None

    on_page_context = CombinedEvent(_context_first, _context_last)

    def _content(self, page: Page, planned, charts: set[str]) -> str:
        try:
            html = planned.renderer(page_base(page.url))
        except CasebookError as exc:  # a case the workers could not make
            raise PluginError(str(exc)) from None
        if planned.case is not None:  # the static chart SVGs it links, copied in on_post_build
            charts.update(re.findall(re.escape(CHART_FILES) + r"/([0-9a-f]{16,64}\.svg)", html))
            self.chart_files.update(charts)
        return html

    @event_priority(-100)  # after every other plugin: the page as it is written is what is kept
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        src = page.file.src_uri
        kept = self._hits.get(src)
        if kept is not None:
            self.chart_files.update(kept["charts"])
            self.kept.touch(self._keys[src])
            if kept.get("placed"):  # in the site already: MkDocs writes nothing ("Page skipped", not logged)
                _SKIPPED.placed.add(src)
                return ""
            return kept["raw"].decode("utf-8")
        output = material.fix_page(output)
        key = self._keys.get(src)
        if key is not None and src in self._made:
            _, entries, charts = self._made.pop(src)
            digest = self.kept.put(key, output, entries, sorted(charts))
            if output.strip():  # what MkDocs writes: the next build may link it from the published site
                reuse.claim(page.file.abs_dest_path, digest)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.site is None:
            return
        site_dir = Path(config.site_dir)
        self.site.keep_card_html()  # every page is rendered
        if self.site.work is not None:
            if self.site.work.busy():  # the pages are written: what needs only them is done while it waits
                self._meanwhile(site_dir)
            try:
                self.site.work.wait()  # every case page (and PDF) made
            except CasebookError as exc:
                raise PluginError(str(exc)) from None
        self._copy_chart_files(site_dir)
        for asset in self.site.media_assets():
            reuse.place_bytes(site_dir / asset.dest, asset.data)
        self._finish(site_dir)

    def _copy_chart_files(self, site_dir: Path) -> None:
        if self.renderer is None:
            return
        for name in sorted(self.chart_files - self._charts_written):
            if self.renderer.file_path(name) is None:
                continue
            try:
                if not self._place_chart(site_dir, name):
                    raise OSError(f"{name} is missing or was changed")
            except OSError as exc:
                raise PluginError(f"a chart image is missing from the cache ({exc}); build again with "
                                  f"the cache folder writable") from None

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if not self.config.enabled or self.project is None:
            return server
        server.watch(str(self.project.cases_dir))
        if self.project.profile_path.is_file():
            server.watch(str(self.project.profile_path))
        server.watch(str(theme_dir()))
        if config.theme.custom_dir:  # the user's own overrides (MkDocs checked it is a folder; a path watched twice is one)
            server.watch(str(config.theme.custom_dir))
        return server


def _written_by_mkdocs(config: MkDocsConfig) -> list[str]:
    """What MkDocs and the search plugin write besides the files it is handed: the theme's static
    templates (404.html, sitemap.xml and its .gz), the extra templates, the search index."""
    templates = [*config.theme.static_templates, *config.extra_templates]
    return [*templates, *(t + ".gz" for t in templates if t == "sitemap.xml"), "search/search_index.json"]


def _no_markdown(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What Page.render leaves for an empty page, without making a Markdown converter."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}
