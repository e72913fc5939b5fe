"""Per-case work, in parallel and cached: each case's page and PDF.

What a build spends its time on is per case: the charts (Altair specs,
vl-convert SVGs), the page, the PDF (WeasyPrint).  Cases are independent,
so :class:`CaseWork` makes them in a pool of worker processes, one task a
case (its page and its PDF together, so its charts are built once), and
keeps every result on disk under :func:`casebook.build.fingerprint.case_key`:

* ``cache_dir/pages/<key>.html``: the case page's content (site pages);
* ``cache_dir/pdf/<key>.pdf``, ``.json`` (page count, refused reads), ``.html`` (a private output's print HTML).

An unchanged case costs a file read on the next build; an edited one is
made again alone.  Every entry goes through :mod:`casebook.store`: it is
used only when its signed record vouches for its bytes (and, for a page,
for the chart images it links), else it is made again.  The workers are forked from the build process, so they
share the loaded project; where forking is unsafe (the process already
runs threads) the work is done here, one case after another.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from casebook import store
from casebook.errors import CasebookError, display_path
from casebook.load.cases import LoadedCase
from casebook.load.media import profile_photo
from casebook.load.project import Project
from casebook.pdf import standalone_html
from casebook.pdf.compose import case_doc, report_doc
from casebook.pdf.engine import (ENGINE_VERSION, _mp_context, _os_threads, _progress, pdf_options, render_html,
                                  roots_of, worker_count)
from casebook.site.plan import CHART_FILES

from . import standby
from .fingerprint import case_inputs, case_key, project_digest
from .lifeline import preload, worker_pool
from .worktask import Task, WorkStats

log = logging.getLogger("casebook")

PAGE_VERSION = "1"  # bump when what a page key covers changes
ROTATE = 300  # tasks a pool makes before fresh workers are forked (see CaseWork._next_pool)


def private_pdfs(project: Project) -> list[tuple[LoadedCase, str]]:
    """Every private output as (case, PDF kind): a client report names its client
    ("report"); a private case (NDA work) stays anonymous ("private")."""
    return [(c, "report" if c.case.kind == "report" else "private") for c in project.private_cases]


class CaseWork:
    """Pages and PDFs of cases, made in parallel, cached under content keys.

    ``site`` (a :class:`casebook.site.plan.Site`) renders pages; ``pdf_ctx``
    (a :class:`casebook.pdf.compose.Context`) composes PDFs.  Either may be
    None when that kind of output is not wanted.
    """

    def __init__(self, project: Project, cache_dir: Path, *, site: Any = None, pdf_ctx: Any = None,
                 vouched: frozenset[Path] = frozenset()):
        self.project = project
        self.cache_dir = Path(cache_dir)
        store.Cache(self.cache_dir, "pages", PAGE_VERSION)  # entries of another version: misses, pruned
        store.Cache(self.cache_dir, "pdf", ENGINE_VERSION)  # case PDFs and the portfolio's parts
        self.site = site
        self.pdf_ctx = pdf_ctx
        self.by_slug = {c.case.slug: c for c in project.cases}
        self.shared = project_digest(project.root, project.profile_path, profile_photo(project))
        self.stats = WorkStats()
        self._keys: dict[tuple, str] = {}  # one key per output for the whole build
        self._inputs: dict[tuple, Any] = {}  # per case: fingerprint.case_inputs, hashed once
        self._vouched: set[Path] = set(vouched)  # cached PDFs found good in this build (by another CaseWork too)
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[tuple[str, str], tuple[Task, Any]] = {}
        self._queue: list[Task] = []  # tasks for the pools still to come (see ROTATE)
        self._ctx, self._workers = None, 0  # the pools' start method and size
        self._progress: Any = None

    # -- keys and paths --------------------------------------------------------
    def page_key(self, loaded: LoadedCase, base: str) -> str:
        memo = ("page", loaded.case.slug, base)
        if memo not in self._keys:
            site = self.site
            self._keys[memo] = case_key(loaded, self.project.root, self.shared, "page", PAGE_VERSION, base,
                                        site.locale, bool(site.charts), bool(site.pdf), inputs=self._case_inputs(loaded))
        return self._keys[memo]

    def pdf_key(self, loaded: LoadedCase, kind: str) -> str:
        memo = ("pdf", loaded.case.slug, kind)
        if memo not in self._keys:
            charts = self.pdf_ctx.charts is not None if self.pdf_ctx is not None else False
            self._keys[memo] = case_key(loaded, self.project.root, self.shared, "pdf", kind, ENGINE_VERSION,
                                        sorted(pdf_options().items()), charts, inputs=self._case_inputs(loaded))
        return self._keys[memo]

    def _case_inputs(self, loaded: LoadedCase) -> Any:
        memo = (loaded.case.slug, loaded.digest, loaded.source)
        if memo not in self._inputs:
            self._inputs[memo] = case_inputs(loaded, self.project.root, self.shared)
        return self._inputs[memo]

    def page_path(self, loaded: LoadedCase, base: str) -> Path:
        return self.cache_dir / "pages" / f"{self.page_key(loaded, base)}.html"

    def pdf_path(self, loaded: LoadedCase, kind: str) -> Path:
        return self.cache_dir / "pdf" / f"{self.pdf_key(loaded, kind)}.pdf"

    def pdf_info(self, loaded: LoadedCase, kind: str) -> dict:
        """What the worker noted about a cached PDF: its pages, refused reads."""
        text = store.read_text(self.pdf_path(loaded, kind).with_suffix(".json"))
        try:
            info = json.loads(text) if text is not None else {}
        except ValueError:
            return {}
        return info if isinstance(info, dict) else {}

    def _page_ok(self, path: Path) -> bool:
        """A cached page is good when it and every chart image it links are."""
        text = store.read_text(path)
        if text is None:
            return False
        charts = getattr(self.site, "charts", None) if self.site is not None else None
        if charts is None or not hasattr(charts, "file_bytes"):
            return True


        return all(charts.file_bytes(name) is not None
                   for name in set(re.findall(re.escape(CHART_FILES) + r"/([0-9a-f]{16,64}\.svg)", text)))

    def _pdf_ok(self, path: Path, kind: str) -> bool:
        """A cached PDF (with its notes) is good when its records vouch for it.

        start() asks once a build (``_vouched``): the portfolio and every tag's
        PDF ask again for the cases they hold (at 1,000 cases some 2,400
        times).  A case PDF is taken on its signed record here, unread (at
        1,000 cases hashing some 70 MB of them took 60-80 ms of every edit,
        and most are then linked from the previous site unread): its bytes
        are verified where they are used (:meth:`pdf_data`), which makes it
        again when they fail.  Its notes and the private outputs are read.
        """
        if kind == "case":
            return store.digest(path) is not None and path.is_file() and store.valid(path.with_suffix(".json"))
        return all(store.valid(path.with_suffix(s)) for s in (".pdf", ".json", ".html"))

    @property
    def vouched(self) -> frozenset[Path]:
        """The cached PDFs found good so far in this build (the private outputs' work need not read them)."""
        return frozenset(self._vouched)

    def pdf_data(self, loaded: LoadedCase, kind: str) -> bytes:
        """A cached PDF's bytes, only as its signed record vouches for them; made again here when
        they fail (changed, cut short or gone since start() took it on its record)."""
        path = self.pdf_path(loaded, kind)
        data = store.read(path)
        if data is None:
            log.info("casebook: %s: the cached PDF failed its check; making it again", loaded.case.slug)
            self._vouched.discard(path)
            task = Task(loaded.case.slug, pdf_kind=kind)
            self._note(task, _guarded(self, task))
            data = store.read(path)
            if data is None:  # made a moment ago: changed under this build
                raise CasebookError(f"{path}: the cached PDF is missing or was changed during the build; "
                                    f"nothing was published; build again")
        return data

    # -- reading ---------------------------------------------------------------
    def page(self, loaded: LoadedCase, base: str) -> str | None:
        self.wait(loaded.case.slug)
        # None (changed since it was checked or made): the site renders it here
        return store.read_text(self.page_path(loaded, base))

    # -- making ----------------------------------------------------------------
    def ensure(self, *, pages: list[tuple[LoadedCase, str]] = (), pdfs: list[tuple[LoadedCase, str]] = (),
               label: str = "Cases") -> WorkStats:
        """Make every page (case, base) and PDF (case, kind) not in the cache yet; wait for all."""
        self.start(pages=pages, pdfs=pdfs, label=label)
        self.wait()
        return self.stats

    def start(self, *, pages: list[tuple[LoadedCase, str]] = (), pdfs: list[tuple[LoadedCase, str]] = (),
              label: str = "Cases") -> None:
        """Begin making what is missing; with a pool, return at once (page() and wait() wait).

        The build goes on with the rest of the site meanwhile: MkDocs' own
        work on the other pages overlaps with the workers'.
        """
        self.wait()  # one batch at a time
        started = time.perf_counter()
        tasks: dict[str, Task] = {}
        for loaded, base in pages:
            path = self.page_path(loaded, base)
            if self._page_ok(path):
                self.stats.pages_cached += 1
                store.touch(path)
                continue
            tasks.setdefault(loaded.case.slug, Task(loaded.case.slug)).page_base = base
        for loaded, kind in pdfs:
            path = self.pdf_path(loaded, kind)
            if path in self._vouched:  # found good (and touched) earlier in this build
                self.stats.pdfs_cached += 1
                continue
            if self._pdf_ok(path, kind):  # which marks what it read used (pruning keeps it)
                self._vouched.add(path)
                self.stats.pdfs_cached += 1
                continue
            tasks.setdefault(loaded.case.slug, Task(loaded.case.slug)).pdf_kind = kind
        if tasks:
            self._submit(list(tasks.values()), label)
        else:  # nothing for the standby PDF worker (casebook.build.standby): it ends now, not with the build
            standby.stop()
        self.stats.seconds += time.perf_counter() - started

    def _submit(self, tasks: list[Task], label: str) -> None:
        # Even one case goes to a worker: the build renders the rest of the
        # site meanwhile.  CASEBOOK_PDF_WORKERS=0 makes everything here.
        ctx = _mp_context() if os.environ.get("CASEBOOK_PDF_WORKERS", "").strip() != "0" else None
        if ctx is None or ctx.get_start_method() != "fork":
            progress = _progress(len(tasks), label)
            try:
                for task in tasks:
                    self._note(task, _guarded(self, task))
                    progress.advance()
            finally:
                progress.close()
            return
        global _CURRENT
        _CURRENT = self  # the forked workers find the project here
        # What every worker needs, imported once here, before the fork, not
        # once a worker (WeasyPrint alone takes about a second to import).
        # One PDF (an edit) is left to its worker: the build goes on meanwhile.
        preload((["casebook.pdf.weasy", "casebook.pdf.compose"] if sum(bool(t.pdf_kind) for t in tasks) > 1 else []) +
                ["casebook.render.charts", "casebook.render.charts.static", "casebook.render.views"])
        # First what no page waits for (private PDFs), largest first: a long report at the end would
        # leave a core idle. Then the pages in the order MkDocs asks for them, which takes each as it
        # comes: made largest first, some hundreds of pages waited for the last and were finished in
        # the build's one process after the workers (6.6 s at 1,000 cases).
        order = sorted(tasks, key=self._making_order)
        order, handed = self._hand_to_standby(order)
        workers = worker_count(len(order)) if order else 0
        if len(order) == 1 and order[0].page_base is not None and order[0].pdf_kind is not None \
                and worker_count(2) > 1:
            # one case (an edit): its page and its PDF side by side
            one = order[0]
            order = [Task(one.slug, page_base=one.page_base), Task(one.slug, pdf_kind=one.pdf_kind)]
            workers = 2
        self._ctx, self._workers, self._queue = ctx, workers, order
        if handed is not None:  # first: close() ends it should the pool not start
            self._pending[(handed[0].slug, "pdf")] = handed
        if order:
            self._next_pool()
        self._progress = _progress(len(order) + (handed is not None), label)  # after the fork: it may start a thread
        for _task, fut in self._pending.values():
            fut.add_done_callback(self._advance)

    def _making_order(self, task: Task) -> tuple[bool, int]:
        """PDFs alone first, largest first; then pages, in the order given (the sort is stable)."""
        if task.page_base is not None:
            return True, 0
        return False, -self.by_slug[task.slug].source.stat().st_size

    def _hand_to_standby(self, order: list[Task]) -> tuple[list[Task], tuple[Task, Any] | None]:
        """The one PDF an edit makes, handed to the standby worker (casebook.build.standby), which has
        WeasyPrint loaded by now; with more PDFs than one, or none, the standby is stopped unused."""
        with_pdf = [t for t in order if t.pdf_kind]
        spare = standby.take()
        if spare is None or len(with_pdf) != 1:
            if spare is not None:
                spare.close()
            return order, None
        one = with_pdf[0]
        task = Task(one.slug, pdf_kind=one.pdf_kind)
        try:
            fut = spare.submit(task, self.cache_dir, self.pdf_ctx.charts is not None,
                               self.pdf_key(self.by_slug[one.slug], one.pdf_kind))
        except OSError:  # it is gone (killed, out of memory): the PDF is made as before
            spare.close()
            return order, None
        rest = [Task(t.slug, page_base=t.page_base) if t is one else t for t in order
                if t is not one or t.page_base is not None]
        return rest, (task, fut)

    def _advance(self, _fut: Any) -> None:
        if self._progress is not None:
            self._progress.advance()

    def _next_pool(self, first: str | None = None) -> None:
        """Fork a fresh pool for the next ROTATE tasks of the queue (case ``first``'s first).

        A worker grows as it makes cases (the chart engine's heap, WeasyPrint's
        caches; not Python objects, so nothing to free by hand): at 1,000 cases
        the two workers ended at about 380 MiB each.  Workers forked again
        after every ROTATE tasks start from the build's shared pages instead.
        A process with other threads is not forked (see _mp_context): should
        one have started meanwhile, the rest is made here.
        """
        if first is not None:
            self._queue.sort(key=lambda t: t.slug != first)  # stable: the rest keep their order
        batch, self._queue = self._queue[:ROTATE], self._queue[ROTATE:]
        if self._progress is not None:
            self._progress.pause()  # its refresh thread ends: this process forks with one thread
        try:
            if _os_threads() > 1:  # the pool before has left none (lifeline's shutdown)
                for task in batch + self._queue:
                    self._note(task, _guarded(self, task))
                    self._advance(None)
                self._queue = []
                return
            self._pool = worker_pool(min(self._workers, len(batch)), self._ctx)
            self._pending.update({(t.slug, _part(t)): (t, self._pool.submit(_work, t)) for t in batch})
        finally:
            if self._progress is not None:
                self._progress.resume()
        if self._progress is not None:
            for _task, fut in self._pending.values():
                fut.add_done_callback(self._advance)

    def busy(self) -> bool:
        """Whether wait() would wait: a worker is still making something."""
        return bool(self._queue) or any(not fut.done() for _task, fut in self._pending.values())

    def pdfs_underway(self) -> int:
        """How many PDFs the workers are making or still to make."""
        return sum(bool(task.pdf_kind) for task, fut in self._pending.values() if not fut.done()) + \
            sum(bool(task.pdf_kind) for task in self._queue)

    def wait(self, slug: str | None = None) -> None:
        """Wait for one case's page (slug) or for everything still being made."""
        if not self._pending and not self._queue:
            return
        started = time.perf_counter()
        try:
            if slug is not None:
                self._collect_case(slug)
                if self._queue and all(fut.done() for _task, fut in self._pending.values()):
                    self._drain()  # this pool is done: the next one starts now, not when asked
                    self._next_pool()
                if self._pending or self._queue:
                    return
            else:
                while True:
                    self._drain()
                    if not self._queue:
                        break
                    self._next_pool()
        except BaseException:
            self.close()
            raise
        finally:
            self.stats.seconds += time.perf_counter() - started
        self.close()

    def _collect_case(self, slug: str) -> None:
        """Collect what is made of one case, starting the pool that holds it if it is queued."""
        while True:
            found = False
            for part in ("page", "both"):
                item = self._pending.pop((slug, part), None)
                if item is not None:
                    self._collect(*item)
                    found = True
            if found or not any(task.slug == slug for task in self._queue):
                return
            self._drain()
            self._next_pool(first=slug)

    def _drain(self) -> None:
        """Collect everything the current pool holds and stop it."""
        for name in list(self._pending):
            self._collect(*self._pending.pop(name))
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _collect(self, task: Task, fut: Any) -> None:
        try:
            result = fut.result()
        except BrokenProcessPool as exc:
            log.warning("casebook: a worker stopped (%s); making %s here", exc, task.slug)
            result = _guarded(self, task)
        if result.get("mismatch"):  # the standby saw other inputs than this build (a file changed meanwhile)
            result = _guarded(self, task)
        self._note(task, result)

    def close(self) -> None:
        """Stop the pool (cancelling what has not started): after the batch, or on an error."""
        global _CURRENT
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for _task, fut in self._pending.values():
            if isinstance(fut, standby.Standby):
                fut.close()
        self._pending, self._queue = {}, []
        if self._progress is not None:
            self._progress.close()
            self._progress = None
        _CURRENT = None

    def _note(self, task: Task, result: dict) -> None:
        if result.get("error"):
            raise CasebookError(result["error"])
        self.stats.made += 1
        for r in result.get("refused", ()):
            log.warning("casebook: %s: refused to read %s", task.slug, r)
            self.stats.refused.append(f"{task.slug}: {r}")

    def make(self, task: Task) -> dict:
        """One case's page and/or PDF, written to the cache (runs in a worker)."""
        loaded = self.by_slug[task.slug]
        out: dict[str, Any] = {"slug": task.slug}
        if task.page_base is not None:
            html = self.site.render_case(loaded, task.page_base)
            store.write(self.page_path(loaded, task.page_base), html.encode("utf-8"))
            self.site.make_cover(loaded)  # beside the other cases' work (at 1,000 cases 9 s in one process)
        if task.pdf_kind is not None:
            ctx = self.pdf_ctx
            doc = report_doc(ctx, loaded) if task.pdf_kind == "report" else case_doc(ctx, loaded)
            result = render_html(doc.html, doc.base_url, roots_of(self.project, ctx.charts, self.cache_dir),
                                 doc.fallback_html, doc.max_pages)
            path = self.pdf_path(loaded, task.pdf_kind)
            if task.pdf_kind != "case":
                store.write(path.with_suffix(".html"), standalone_html(doc.html).encode("utf-8"))
            store.write(path, result.data)
            info = {"pages": result.pages, "refused": result.refused, "seconds": round(result.seconds, 3)}
            store.write(path.with_suffix(".json"), json.dumps(info).encode("utf-8"))
            out["refused"] = result.refused
        return out

    def _forget(self, slug: str) -> None:
        """Drop what a worker kept of a finished case, so memory stays flat (not in the
        build process, whose views the index and the portfolio use again)."""
        for holder in (self.site, self.pdf_ctx):
            if holder is None:
                continue
            getattr(holder, "_views", {}).pop(slug, None)
            charts = getattr(holder, "charts", None)
            if charts is not None and hasattr(charts, "_memory"):
                charts._memory.clear()
        if self.pdf_ctx is not None:
            for key in [k for k in self.pdf_ctx._charts if k.startswith(f"{slug}:")]:
                del self.pdf_ctx._charts[key]


_CURRENT: CaseWork | None = None


def _part(task: Task) -> str:
    if task.page_base is not None and task.pdf_kind is not None:
        return "both"
    return "page" if task.page_base is not None else "pdf"


def _work(task: Task) -> dict:
    assert _CURRENT is not None, "a case worker runs in a process forked from a build"
    # The build's batch came along with the fork: a worker waits for nothing, forks nothing.
    _CURRENT._pending, _CURRENT._queue, _CURRENT._pool = {}, [], None
    standby.wait_for_charts()  # an edit's page: its charts, which the standby is drawing
    result = _guarded(_CURRENT, task)
    _CURRENT._forget(task.slug)
    return result


def standby_task(project: Project, task: Task, cache_dir: Path, charts: bool, key: str) -> dict:
    """The standby worker's task (casebook.build.standby): one PDF, made only when its key here is
    ``key``, the build's (else ``{"mismatch": True}``: the build makes it itself)."""
    from casebook.pdf.compose import Context  # deferred: only the standby process runs this
    from casebook.render import caches  # deferred: as above
    from casebook.render.charts.static import ChartRenderer  # deferred: as above

    caches.use(cache_dir)  # as the build's plugin sets them (it did so after this fork)
    work = CaseWork(project, cache_dir, pdf_ctx=Context(project, charts=ChartRenderer(cache_dir / "charts")
                                                          if charts else None))
    loaded = work.by_slug.get(task.slug)
    if loaded is None or work.pdf_key(loaded, task.pdf_kind) != key:
        return {"slug": task.slug, "mismatch": True}
    return _guarded(work, task)


def _guarded(work: CaseWork, task: Task) -> dict:
    try:
        return work.make(task)
    except CasebookError as exc:
        return {"slug": task.slug, "error": f"{task.slug}: {exc}"}
    except OSError as exc:  # a file gone or a disk full meanwhile: its path as the project names it
        what = "the PDF" if task.pdf_kind else "the page"
        where = f"{display_path(Path(exc.filename), work.project.root)}: " if isinstance(exc.filename, str) else ""
        return {"slug": task.slug, "error": f"{task.slug}: {what} could not be made: {where}{exc.strerror or exc}"}
    except Exception as exc:  # noqa: BLE001 - said with the case's name, no traceback
        what = "the PDF" if task.pdf_kind else "the page"
        return {"slug": task.slug, "error": f"{task.slug}: {what} could not be made: {exc}"}
