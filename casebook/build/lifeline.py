"""Worker processes end when the build that started them ends.

A build killed outright (``kill -9``, the out-of-memory killer) cannot tell
its pool workers to stop, and a worker waiting for its next task would wait
for ever (each worker holds the task pipe open for the others).  So every
pool worker starts with :func:`die_with_parent`:

* on Linux the kernel sends it SIGKILL when its parent ends
  (``prctl(PR_SET_PDEATHSIG)``);
* everywhere a watchdog thread checks twice a second that the parent and the
  build are still there, and ends the worker when either is gone.

Under a fork server the worker's parent is the server, which itself ends
when the build does; the build's own process id is checked as well.
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

from casebook import store

from .publish import pid_alive

_PR_SET_PDEATHSIG = 1
INTERVAL = 0.5  # seconds between the watchdog's checks


def die_with_parent(build_pid: int) -> None:
    """Pool initializer: end this process when its parent or the build ``build_pid`` ends."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes  # deferred: ctypes is heavy and loaded only when this runs

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still stops this worker
    if not _build_runs(parent, build_pid):  # it ended before prctl took hold
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, build_pid), name="casebook-lifeline", daemon=True).start()


# The build's process collects its garbage less often than Python's default (700, 10, 10): it keeps what it
# loads and plans until it ends, and with the default the collector walked all of that again each time the
# heap had grown by a quarter. Measured, per process (casebook.build's main one):
#   an edit at 1,000 cases: 6 full collections, 0.50 s of garbage collection -> 1 full, 0.13 s; peak 242 -> 245 MiB
#   a cold build at 300 cases (--force): 16 full, 2.69 s -> 1 full, 0.21 s; peak 291 -> 223 MiB, workers' 336 -> 337
# Collecting never (gc.disable) left 1.2 million cyclic objects in that cold build, its peak 560 MiB; the
# workers collecting as the build did took theirs from 336 to 533 MiB.
BUILD_THRESHOLDS = (10_000, 20, 100)
_WORKER_THRESHOLDS = gc.get_threshold()  # Python's own: a worker lays out hundreds of PDFs, each leaving cycles


@contextmanager
def collecting_less():
    """Within: this process collects with BUILD_THRESHOLDS; as before after.  Workers forked
    meanwhile collect as Python does by default (:func:`_start_worker`)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def worker_pool(workers: int, ctx=None, setup: tuple | None = None):
    """A process pool for the build's work: workers that die with it and read the cache as it
    does (a fork server's worker does not inherit ``store.fresh()``: under ``--force`` it would
    take earlier builds' entries).  ``ctx``: the PDF engine's start method unless given;
    ``setup``: (function, arguments) each worker calls once as it starts."""
    from casebook.pdf.engine import _mp_context  # deferred: the engine's start method, only when a pool starts

    ctx = ctx or _mp_context()
    if ctx.get_start_method() == "fork":
        # The build's own collector leaves what exists now alone while the pool runs: walking it
        # would copy the pages the workers share (unfrozen when the pool shuts down).
        gc.freeze()
    return _pool_class()(max_workers=workers, mp_context=ctx, initializer=_start_worker,
                         initargs=(os.getpid(), store._generation, setup))


def _pool_class():
    from concurrent.futures import ProcessPoolExecutor  # deferred: only builds with work for workers start a pool

    class Pool(ProcessPoolExecutor):
        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            running = {t.native_id for t in threading.enumerate()}
            try:
                super().shutdown(wait=wait, cancel_futures=cancel_futures)
                if wait:
                    _settle(running - {t.native_id for t in threading.enumerate()})
            finally:
                gc.unfreeze()

    return Pool


def _settle(joined: set, limit: float = 2.0) -> None:
    """Wait until threads just joined (the pool's) have also left the kernel's list, a moment
    after the join: a pool is forked only from a process that runs one thread."""
    deadline = time.monotonic() + limit
    while joined and time.monotonic() < deadline:
        try:
            joined = joined & {int(t) for t in os.listdir("/proc/self/task")}
        except OSError:  # not Linux: threads are not counted there (casebook.pdf.engine._os_threads)
            return
        if joined:
            time.sleep(0.002)


def preload(names) -> None:
    """Import these modules now, in the process that forks the workers or in a worker that waits for
    its task; one that cannot be imported is said where it is used, with the case's name."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _start_worker(build_pid: int, generation: str, setup: tuple | None = None) -> None:
    die_with_parent(build_pid)
    # Ctrl-C reaches every process of the terminal's group: the build says "interrupted" once and
    # stops its pools; a worker just ends (a worker waiting for a task printed a traceback).
    signal.signal(signal.SIGINT, _end_quietly)
    store._generation = generation
    gc.set_threshold(*_WORKER_THRESHOLDS)  # forked from a build that collects less often (collecting_less)
    # What the worker inherited from a forked build (the project, its views, the libraries)
    # is never collected here: out of the collector's sight, its pages stay shared with the
    # build instead of being copied when a collection walks them.
    gc.freeze()
    if setup is not None:
        setup[0](*setup[1])


def _end_quietly(_signum, _frame) -> None:
    os._exit(130)


def _build_runs(parent: int, build_pid: int) -> bool:
    return os.getppid() == parent and (build_pid == parent or pid_alive(build_pid))


def _watch(parent: int, build_pid: int) -> None:
    while _build_runs(parent, build_pid):
        time.sleep(INTERVAL)
    os._exit(1)
