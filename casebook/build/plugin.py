"""The MkDocs plugin ``plugins: [casebook]``: the site adapter plus what only the build may do.

:class:`casebook.site.mkdocs.SiteAdapter` maps MkDocs' events onto the site
plan.  This subclass, the entry point MkDocs loads, wires in the build:
the site and cache folders checked against the inputs, an unusable cache
folder replaced by a throwaway one, case pages (and PDFs) made ahead in
worker processes, the public PDFs with ``pdf: true``, and the leak audit at
the end of a plain ``mkdocs build``.  So the site layer stays below the
build, and plain ``mkdocs build`` keeps every feature.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from casebook.errors import CasebookError
from casebook.pdf.compose import Context
from casebook.site.mkdocs import SiteAdapter, SiteConfig
from casebook.prune import BUILD_EVERY_NS, prune
from casebook.store import usable_folder

from .audit import audit
from .auditahead import audit_ahead
from .casework import CaseWork, private_pdfs
from .outputs import check_outputs, config_files, project_inputs
from .pdfs import build_public_pdfs, warm_up
from .state import BuildState, output_files


WARM_UP_MAX = 2  # PDFs still underway (an edit's) up to which this process loads WeasyPrint while it waits


class CasebookConfig(SiteConfig):
    pass  # portfolio_max, read by the site's pages too, is a SiteConfig option


class CasebookPlugin(SiteAdapter):
    config_class = CasebookConfig

    def __init__(self) -> None:
        super().__init__()
        self.preloaded = None  # a Project that `casebook build` already loaded and checked
        self.private = False  # `casebook build --private`: make the private PDFs with the rest

    def _prepare(self, config: MkDocsConfig, root: Path) -> None:
        self._check_folders(config, root)
        # an unwritable cache folder: one warning, a throwaway cache
        self.config.cache_dir = str(usable_folder(root / self.config.cache_dir))

    def _open_project(self, root: Path):
        return self.preloaded if self.preloaded is not None else super()._open_project(root)

    def _check_folders(self, config: MkDocsConfig, root: Path) -> None:
        """Refuse, before anything is written, a site or cache folder over an input or
        over each other (a cache inside the site would publish private output)."""
        configs = config_files(config.config_file_path)[0] if config.config_file_path else []
        inputs = project_inputs(root, cases_dir=self.config.cases_dir, profile=self.config.profile,
                                config_files=configs, docs_dir=config.docs_dir, theme_dirs=config.theme.dirs)
        check_outputs([("site folder (site_dir)", Path(config.site_dir)),
                       ("cache folder (cache_dir of the casebook plugin)", root / self.config.cache_dir)], inputs)

    def _work(self) -> CaseWork:
        """This build's case work (made on first use: the page keys need it before the pages)."""
        if self.site.work is None:
            pdf_ctx = Context(self.project, charts=self.renderer) if self.config.pdf else None
            self.site.work = CaseWork(self.project, self.project.root / self.config.cache_dir, site=self.site,
                                      pdf_ctx=pdf_ctx)
        return self.site.work

    def _shared_key(self) -> str:
        return self._work().shared  # mkdocs.yml, the profile and its photo, the epoch, the code

    def _case_key(self, loaded) -> str:
        return self._work().page_key(loaded, "card")  # the case, its files, profile, config, code

    def _page_key(self, planned, base: str) -> str | None:
        """A page's own inputs: title, meta, the content keys of the cases it shows, plain values."""
        work = self._work()
        parts = [planned.title, json.dumps(planned.meta, sort_keys=True, default=str), repr(planned.key_parts)]
        parts += [work.page_key(loaded, "card") for loaded in planned.shows]
        if planned.case is not None:
            parts.append(work.page_key(planned.case, base))
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()

    def _make_cases(self, case_bases: list, kept: set[str]) -> None:
        """Every case page not kept finished nor in the cache (and, with PDFs on, every case PDF
        not in the cache), made in parallel."""
        work = self._work()
        pdfs = []
        if work.pdf_ctx is not None:
            pdfs = [(loaded, "case") for loaded, _base in case_bases]
            if self.private:  # one batch: the workers stay busy to the end
                pdfs += private_pdfs(self.project)
        pages = [(loaded, base) for loaded, base in case_bases if loaded.case.slug not in kept]
        try:
            work.start(pages=pages, pdfs=pdfs)  # pages are waited for as MkDocs reaches them
        except CasebookError as exc:
            raise PluginError(str(exc)) from None

    def _finish(self, site_dir: Path) -> None:
        if self.config.pdf:
            build_public_pdfs(self.project, self.site, site_dir,
                              cache_dir=self.project.root / self.config.cache_dir,
                              portfolio_max=self.config.portfolio_max)
        super()._finish(site_dir)  # serve: what the last rebuild wrote and this one did not goes, before the audit
        if self.preloaded is None:  # a plain `mkdocs build`: `casebook build` audits its staged output itself
            self._audit(site_dir)  # and prunes the cache when it has published
            # what it wrote, as `casebook build` records it: a later `casebook build` replaces this site
            # (it refuses a site holding files no build recorded); before pruning, which notes the caches
            # it pruned: the record's own cache, first used after it, made serve's next rebuild prune again
            site = Path(site_dir).resolve()
            BuildState(self.project.root / self.config.cache_dir).published(site, output_files(site))
            # at most hourly, as `casebook build`: serve rebuilds at every save (0.25 s of one at 300 cases)
            prune(self.project.root / self.config.cache_dir, [site_dir], every_ns=BUILD_EVERY_NS)

    def _meanwhile(self, site_dir: Path) -> None:
        """The pages are written and a worker still makes a PDF (an edit): their audit begins now,
        then what joining the PDFs that hold it needs is loaded."""
        if self.config.pdf:
            audit_ahead(site_dir, self.project, self.project.root / self.config.cache_dir / "audit")
            if 0 < self.site.work.pdfs_underway() <= WARM_UP_MAX:  # not a cold build's: its workers lay out the covers
                warm_up()

    def _audit(self, site_dir: Path) -> None:
        """The leak audit over the site MkDocs just wrote; a finding fails the build and empties the site.

        MkDocs writes straight into site_dir (it emptied it when the build
        began), so a leaking site is removed rather than left for a deploy
        step to publish.
        """
        from mkdocs.utils import clean_directory  # deferred: mkdocs.utils is needed only when a leak is found

        findings = audit(site_dir, self.project, cache_dir=self.project.root / self.config.cache_dir / "audit")
        if findings:
            clean_directory(str(site_dir))
            shown = "\n".join(f.format() for f in findings[:20])
            raise PluginError(f"leak check failed with {len(findings)} finding(s); the site in {site_dir} was "
                              f"emptied:\n{shown}")

    def on_build_error(self, *, error: Exception) -> None:
        if self.site is not None and self.site.work is not None:
            self.site.work.close()  # no worker outlives a failed build
