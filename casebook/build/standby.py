"""A PDF worker forked as soon as the project is loaded, to import WeasyPrint while the build plans the site.

An edit's build makes one PDF, the edited case's.  Its worker was forked
when the build reached its case work (1.2 s into an edit at 300 cases, 2.2 s
at 1,000) and began by importing WeasyPrint: 0.95 s of the 1.3-1.9 s it
took, all of it on the build's critical path.  The standby is forked right
after the project is loaded and checked (the project comes along in the
fork), imports WeasyPrint on the other core while the build plans the site,
and waits for one task: :class:`casebook.build.casework.CaseWork` hands it
the one PDF an edit makes.  It makes that PDF only when the key it works out
for it is the one the build asks for (the same inputs), and answers
``{"mismatch": True}`` otherwise
(:func:`casebook.build.casework.standby_task`); the build then makes it
itself.  A build with more PDFs to make (a cold build) or none stops it
unused, before its own workers fork.

Before it imports WeasyPrint it draws the page charts of the case an edit
changed (:func:`draw_ahead`), for the worker that renders that page, which
waits for them (:func:`wait_for_charts`).

Only where a worker may be forked: one thread in the build, two cores or
more, ``CASEBOOK_PDF_WORKERS`` not 0.  Like the pool workers it dies with
the build (casebook.build.lifeline) and reads the cache as the build does
(``--force``).
"""

from __future__ import annotations

import os
import select
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable

from casebook import store
from casebook.load.project import Project
from casebook.pdf.engine import _mp_context, worker_count

_current: "Standby | None" = None
_drawn: int | None = None  # read end of a pipe the standby closes once its charts are drawn (or as it dies)
DRAWN_WAIT = 30.0  # seconds a page's worker waits at most for the standby's charts before drawing them itself


class Standby:
    """The forked worker, and (once it has its task) the future of that task's result."""

    def __init__(self, project: Project, make: Callable[..., dict], ctx: Any, first: Callable[[], None] | None = None):
        mine, theirs = ctx.Pipe()
        drawn, drawing = os.pipe() if first is not None else (None, None)
        try:
            self.process = ctx.Process(target=_serve, args=(theirs, mine, project, make, os.getpid(),
                                                            store._generation, first, drawing),
                                       name="casebook-standby", daemon=True)
            self.process.start()
        except BaseException:
            _close(drawn)
            raise
        finally:
            _close(drawing)  # the standby's end: once it closes it too, ``drawn`` reads as ready
        theirs.close()
        self.conn = mine
        self.drawn = drawn
        self._result: dict | None = None
        self._callbacks: list[Callable[[Any], None]] = []

    def submit(self, task: Any, cache_dir: Path, charts: bool, key: str) -> "Standby":
        self.conn.send((task, str(cache_dir), charts, key))
        return self

    # -- as a concurrent.futures.Future, for CaseWork --------------------------
    def done(self) -> bool:
        return self._result is not None or self.conn.poll()

    def result(self) -> dict:
        if self._result is None:
            try:
                self._result = self.conn.recv()
            except (EOFError, OSError):
                self.close()
                raise BrokenProcessPool("the standby PDF worker stopped") from None
            self.close()
            for callback in self._callbacks:
                callback(self)
        return self._result

    def add_done_callback(self, fn: Callable[[Any], None]) -> None:
        self._callbacks.append(fn)

    def close(self) -> None:
        """End the worker (unused: at once; with its answer sent: it is ending anyway)."""
        global _drawn
        if self.process.is_alive() and self._result is None:
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        if _drawn == self.drawn:
            _drawn = None
        _close(self.drawn)
        self.drawn = None


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def wait_for_charts() -> None:
    """In a page's worker: wait until the standby has drawn the edited case's page charts (or ended).

    The worker forked for an edit's page started before them and drew the
    first chart itself, starting its own chart engine (0.6 s, with the font
    folder 0.8 s of CPU) beside the standby's, on a machine whose other core
    builds the site.  Waiting for the standby's images costs nothing: they
    come from the same engine start.  A standby that hangs is waited for
    DRAWN_WAIT seconds at most; one that dies ends the wait at once.
    """
    if _drawn is not None:
        select.select([_drawn], [], [], DRAWN_WAIT)


def start(project: Project, make: Callable[..., dict], first: Callable[[], None] | None = None) -> None:
    """Fork the standby where a worker may be forked now (else nothing).  It answers its task
    with ``make(project, task, cache_dir, charts, key)`` (casebook.build.casework.standby_task);
    ``first`` is run before it loads WeasyPrint (:func:`draw_ahead`)."""
    stop()
    if worker_count(2) < 2:  # one core, or CASEBOOK_PDF_WORKERS 0 or 1
        return
    ctx = _mp_context()
    if ctx.get_start_method() != "fork":  # fork only from a process of one thread
        return
    global _current, _drawn
    try:
        _current = Standby(project, make, ctx, first)
    except OSError:  # no process to spare: the build forks its workers when it needs them, as before
        _current = None
    else:
        _drawn = _current.drawn


def take() -> Standby | None:
    """The standby, for one task (None: there is none); it is no longer this module's to stop."""
    global _current
    standby, _current = _current, None
    return standby


def stop() -> None:
    """End the standby if no one took it."""
    standby = take()
    if standby is not None:
        standby.close()


def _serve(conn: Any, builds_end: Any, project: Project, make: Callable[..., dict], build_pid: int,
           generation: str, first: Callable[[], None] | None = None, drawing: int | None = None) -> None:
    from .lifeline import _start_worker, preload  # deferred: the parent has it loaded; only the child runs this

    builds_end.close()  # closed by the build too, this end then reads the end of the pipe
    _start_worker(build_pid, generation)  # as a pool worker starts: dies with the build, reads the cache as it does
    if first is not None:
        try:
            first()
        except Exception:  # noqa: BLE001 - only a head start: what it did not do is done where it is needed
            pass
    _close(drawing)  # a page's worker waiting for these charts goes on (casebook.build.casework._work)
    preload(("casebook.pdf.weasy", "casebook.pdf.compose", "casebook.render.charts.static", "casebook.render.views"))
    try:
        task, cache_dir, charts, key = conn.recv()
    except (EOFError, OSError):
        return
    conn.send(make(project, task, Path(cache_dir), charts, key))


AHEAD_MAX = 3  # cases loaded afresh from which no charts are drawn ahead: not an edit (a cold build)


def draw_ahead(project: Project, charts_dir: Path) -> None:
    """The page charts of the public cases loaded afresh (an edit's), drawn into the chart cache by the
    standby before it loads WeasyPrint.

    The worker that renders the edited case's page drew them itself, and its
    first chart started vl-convert's JavaScript engine: 0.6 s, while the build
    waited for the page (0.5-0.7 s at 300 cases).  The standby, forked after
    loading, is idle until its PDF task arrives, and may run the engine's
    threads since it forks nothing; the page's worker then finds the images
    in the cache, and the standby's own PDF charts find the engine running.
    Drawn by content key, an image is the same whoever draws it.
    """
    fresh = [c for c in project.cases if not c.from_cache and c.case.is_public]
    if not fresh or len(fresh) > AHEAD_MAX:
        return
    from casebook.render.charts.static import ChartRenderer  # deferred: only the standby process runs this
    from casebook.render.views import case_view  # deferred: as above
    from casebook.site.plan import page_charts  # deferred: as above

    renderer = ChartRenderer(charts_dir)
    for loaded in fresh:
        page_charts(renderer, case_view(loaded))
