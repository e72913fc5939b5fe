"""The MkDocs plugin: a thin adapter from MkDocs events to the pipeline.

``plugins: [casebook]`` in an ``mkdocs.yml`` with the material theme turns
the case files into pages at build time.  Every hook returns at once when
the plugin is disabled.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .errors import CasebookError
from .paths import theme_dir

log = logging.getLogger("mkdocs.plugins.casebook")
PENDING = "<!-- casebook: this case page is being made -->"
LAST_GZIP_DATE = "2106-02-06"  # the last whole day a gzip header's 32-bit time holds


class CasebookConfig(Config):
    enabled = c.Type(bool, default=True)
    cases_dir = c.Type(str, default="cases")
    profile = c.Type(str, default="profile.yaml")
    charts = c.Type(bool, default=True)
    pdf = c.Type(bool, default=False)  # `casebook build` turns this on
    # cases in the site's portfolio.pdf: the most recent ones (0: every public case)
    portfolio_max = c.Type(int, default=30)
    cache_dir = c.Type(str, default=".casebook-cache")
    offline = c.Type(bool, default=True)  # no web fonts, nothing from outside hosts


class CasebookPlugin(BasePlugin[CasebookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site = None
        self.pages: dict[str, object] = {}
        self.project = None
        self.preloaded = None  # a Project that `casebook build` already loaded and checked
        self.private = False  # `casebook build --private`: make the private PDFs with the rest
        self.chart_files: set[str] = set()

    # -- configuration -----------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        from .project import open_project
        from .sitegen import Site

        if self.config.offline:
            self._refuse_outside_scripts(config)
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self._check_folders(config, root)
            from .cachefolder import usable  # an unwritable cache folder: one warning, a throwaway cache

            self.config.cache_dir = str(usable(root / self.config.cache_dir))
            if self.preloaded is not None:
                self.project = self.preloaded
            else:
                self.project = open_project(root, self.config.cases_dir, self.config.profile,
                                            cache_dir=self.config.cache_dir)
        except CasebookError as exc:
            lines = "\n".join(p.format() for p in exc.problems)
            raise PluginError(f"{lines}\n{exc}" if lines else str(exc)) from None
        for warning in self.project.warnings:
            log.warning(warning.format())
        from . import media as media_mod

        media_mod.use_cache(root / self.config.cache_dir / "media")
        renderer = None
        if self.config.charts:
            from .chartrender import ChartRenderer

            renderer = ChartRenderer(root / self.config.cache_dir / "charts")
        self.renderer = renderer
        self.site = Site(self.project, charts=renderer, pdf=self.config.pdf,
                         site_locale=(config.theme.get("language") or None))
        overrides = theme_dir() / "overrides"
        if str(overrides) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(overrides))
        if self.config.offline:
            config.theme["font"] = False
        profile = self.project.profile
        if profile and not config.copyright:
            # material prints copyright unescaped: escape the user's text here
            from markupsafe import escape

            parts = [f"© {profile.name}", profile.role]
            if profile.contacts.email:
                parts.append(profile.contacts.email)
            config.copyright = str(escape(" · ".join(parts)))
        config.extra_css.append("assets/casebook/casebook.css")
        if self.config.charts:
            config.extra_css.append("assets/casebook/charts.css")
        config.extra_javascript.append("assets/casebook/casebook.js")
        if config.nav is None:
            config.nav = [{self.site.t.t("ui.cases"): "index.md"}]
            if self.project.profile:
                config.nav.append({self.site.t.t("ui.about"): "about.md"})
        return config

    @staticmethod
    def _refuse_outside_scripts(config: MkDocsConfig) -> None:
        """With offline on, refuse what makes Material's scripts contact outside hosts.

        ``extra.analytics`` loads Google's tag manager into every page: refused,
        since disabling it silently would leave a user believing visits are
        counted.  A ``repo_url`` on GitHub or GitLab makes Material's script ask
        that host's API for stars and forks on every page view: refused too,
        since a plain link cannot be kept without that script (Material ties
        them together), and a silently missing link is worse than a clear
        message.  A repo_url elsewhere is only a link and stays.
        """
        from .audit import _WIDGET_API

        extra = config.extra or {}
        if extra.get("analytics"):
            raise PluginError(
                "mkdocs.yml: extra.analytics: the pages would load Google's tag manager from an outside host, "
                "and the casebook plugin's 'offline' option is on; remove extra.analytics, or set offline: false "
                "in the casebook plugin's options to allow it")
        repo_url = config.repo_url or ""
        for rx, api in _WIDGET_API:
            if rx.match(repo_url):
                raise PluginError(
                    f"mkdocs.yml: repo_url: Material's script would ask {api} for the repository's stars and forks "
                    "on every page view, and the casebook plugin's 'offline' option is on; remove repo_url "
                    "(link the repository from a page instead), or set offline: false to allow it")

    def _check_folders(self, config: MkDocsConfig, root: Path) -> None:
        """Refuse, before anything is written, a site or cache folder over an input or
        over each other (a cache inside the site would publish private output)."""
        from .outputs import check_outputs, config_files, project_inputs

        configs = config_files(config.config_file_path)[0] if config.config_file_path else []
        inputs = project_inputs(root, cases_dir=self.config.cases_dir, profile=self.config.profile,
                                config_files=configs, docs_dir=config.docs_dir, theme_dirs=config.theme.dirs)
        check_outputs([("site folder (site_dir)", Path(config.site_dir)),
                       ("cache folder (cache_dir of the casebook plugin)", root / self.config.cache_dir)], inputs)

    # -- files -------------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.site is None:
            return None
        from .sitegen import page_base

        plan = self.site.plan()
        self.pages = {}
        self.chart_files = set()
        case_bases = []
        # case pages last: MkDocs renders the others while the workers make them
        for page in sorted(plan.pages, key=lambda p: p.case is not None):
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                files.remove(existing)
            generated = File.generated(config, page.src_uri, content="")
            files.append(generated)
            self.pages[page.src_uri] = page
            if page.case is not None:
                case_bases.append((page.case, page_base(generated.url)))
        self._make_cases(case_bases)
        assets = theme_dir() / "assets"
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                dest = f"assets/casebook/{path.relative_to(assets).as_posix()}"
                files.append(File.generated(config, dest, abs_src_path=str(path)))
        if self.renderer is not None:  # after the case workers have forked: this starts vl-convert
            files.append(File.generated(config, "assets/casebook/vega-bundle.js",
                                        content=self.renderer.bundle_js()))
        return files

    def _make_cases(self, case_bases: list) -> None:
        """Every case page (and, with PDFs on, every case PDF) not in the cache, made in parallel."""
        from .casework import CaseWork, private_pdfs

        pdf_ctx = None
        if self.config.pdf:
            from .pdf.compose import Context

            pdf_ctx = Context(self.project, charts=self.renderer)
        work = CaseWork(self.project, self.project.root / self.config.cache_dir, site=self.site, pdf_ctx=pdf_ctx)
        self.site.work = work
        pdfs = []
        if pdf_ctx is not None:
            pdfs = [(loaded, "case") for loaded, _base in case_bases]
            if self.private:  # one batch: the workers stay busy to the end
                pdfs += private_pdfs(self.project)
        try:
            work.start(pages=case_bases, pdfs=pdfs)  # pages are waited for as MkDocs reaches them
        except CasebookError as exc:
            raise PluginError(str(exc)) from None

    @event_priority(-100)  # after every other plugin: the last word on page dates
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Keep page dates within what sitemap.xml.gz's gzip header can hold.

        MkDocs stamps the gzip header with the newest page date, a 32-bit
        count of seconds that ends on 2106-02-07: a later date (a
        SOURCE_DATE_EPOCH far ahead) would crash the build with a traceback.
        Case dates are bounded by the model (casebook.model.LAST_YEAR).
        """
        if not self.config.enabled:
            return None
        for file in files.documentation_pages():
            page = file.page
            if page is not None and isinstance(page.update_date, str) and page.update_date > LAST_GZIP_DATE:
                page.update_date = LAST_GZIP_DATE
        return None

    # -- pages -------------------------------------------------------------
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        planned = self.pages.get(page.file.src_uri)
        if planned is None:
            return None
        # MkDocs' templates do not escape: title and description go in as HTML
        from markupsafe import escape

        page.meta.update(planned.meta)
        page.meta["title"] = str(escape(planned.title))
        if "description" in page.meta:
            page.meta["description"] = str(escape(page.meta["description"]))
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        planned = self.pages.get(page.file.src_uri)
        if planned is None:
            return None
        if planned.case is not None:
            # A case page may still be in the making: it is filled in just
            # before its template is rendered (on_page_context), so MkDocs
            # renders every other page meanwhile.
            return PENDING
        return self._content(page, planned)

    @event_priority(100)  # before search indexes the page
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        planned = self.pages.get(page.file.src_uri)
        if planned is not None and page.content == PENDING:
            page.content = self._content(page, planned)
        return None

    def _content(self, page: Page, planned) -> str:
        from .sitegen import CHART_FILES, page_base

        try:
            html = planned.renderer(page_base(page.url))
        except CasebookError as exc:  # a case the workers could not make
            raise PluginError(str(exc)) from None
        if planned.case is not None:  # the static chart SVGs it links, copied in on_post_build
            self.chart_files.update(re.findall(re.escape(CHART_FILES) + r"/([0-9a-f]{16,64}\.svg)", html))
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        # material's base.html puts autocomplete on checkboxes, which HTML forbids
        return output.replace('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"').replace(
            'type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"')

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.site is None:
            return
        if self.site.work is not None:
            try:
                self.site.work.wait()  # every case page and PDF made
            except CasebookError as exc:
                raise PluginError(str(exc)) from None
        site_dir = Path(config.site_dir)
        self._copy_chart_files(site_dir)
        for asset in self.site.media_assets():
            target = site_dir / asset.dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(asset.data)
        if self.config.pdf:
            from .pdf import build_public_pdfs

            build_public_pdfs(self.project, self.site, site_dir,
                              cache_dir=self.project.root / self.config.cache_dir,
                              portfolio_max=self.config.portfolio_max)
        if self.site.work is not None:
            self.site.work.prune()
        if self.preloaded is None:  # a plain `mkdocs build`: `casebook build` audits its staged output itself
            self._audit(site_dir)

    def _audit(self, site_dir: Path) -> None:
        """The leak audit over the site MkDocs just wrote; a finding fails the build and empties the site.

        MkDocs writes straight into site_dir (it emptied it when the build
        began), so a leaking site is removed rather than left for a deploy
        step to publish.
        """
        from mkdocs.utils import clean_directory

        from .audit import audit

        findings = audit(site_dir, self.project, cache_dir=self.project.root / self.config.cache_dir / "audit")
        if findings:
            clean_directory(str(site_dir))
            shown = "\n".join(f.format() for f in findings[:20])
            raise PluginError(f"leak check failed with {len(findings)} finding(s); the site in {site_dir} was "
                              f"emptied:\n{shown}")

    def _copy_chart_files(self, site_dir: Path) -> None:
        from .sitegen import CHART_FILES

        if self.renderer is None:
            return
        folder = site_dir / CHART_FILES
        for name in sorted(self.chart_files):
            if self.renderer.file_path(name) is None:
                continue
            data = self.renderer.file_bytes(name)  # only what the cache's signed record vouches for
            folder.mkdir(parents=True, exist_ok=True)
            try:
                if data is None:
                    raise OSError(f"{name} is missing or was changed")
                (folder / name).write_bytes(data)
            except OSError as exc:
                raise PluginError(f"a chart image is missing from the cache ({exc}); build again with "
                                  f"the cache folder writable") from None

    def on_build_error(self, *, error: Exception) -> None:
        if self.site is not None and self.site.work is not None:
            self.site.work.close()  # no worker outlives a failed build

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        if not self.config.enabled or self.project is None:
            return server
        server.watch(str(self.project.cases_dir))
        if self.project.profile_path.is_file():
            server.watch(str(self.project.profile_path))
        server.watch(str(theme_dir()))
        return server
