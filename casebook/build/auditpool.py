"""The leak audit's worker processes: many files to scan on a cold build are shared out among them.

A cold build's audit reads every file of the site (tens of megabytes of PDF
text at 30 cases), which took seconds in the build process alone after the
PDF workers had gone.  :func:`scan_files` hands the files to a pool of the
same size (forked, or from the PDF engine's fork server when the build
process runs threads); a rebuild, with only a few changed files to scan,
scans them in the build process without starting any.
"""

from __future__ import annotations

import os
from typing import Any, Callable

POOL_FROM = 4_000_000  # bytes to scan from which the files are shared out among worker processes


def scan_files(scan: Callable[..., tuple[str, list]], jobs: list[tuple], keys: list[str], size: int) -> dict[str, list]:
    """``scan(*job)`` for every job in worker processes: the findings by the key each worker returns.

    {} when there is too little to scan to start workers (an edit), or they
    cannot run; a job whose worker answers for another key (the file
    changed meanwhile) or does not answer is left out: the caller scans what
    is missing itself, so every file is scanned as it is now.
    """
    from casebook.pdf.engine import worker_count  # deferred: the PDF engine's pool size, only for a big audit

    from .lifeline import worker_pool  # deferred: only a big audit starts workers

    workers = worker_count(len(jobs))  # 1 under CASEBOOK_PDF_WORKERS=0
    if size < POOL_FROM or workers < 2:
        return {}
    order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i][0]))  # largest first: no core idles at the end
    out: dict[str, list] = {}
    try:
        with worker_pool(workers) as pool:
            for i, (got, found) in zip(order, pool.map(_call, [(scan, jobs[i]) for i in order])):
                if got == keys[i]:
                    out[got] = found
    except Exception:  # noqa: BLE001 - what the workers did not scan, the caller scans
        return out
    return out


def _call(item: tuple[Callable[..., Any], tuple]) -> Any:
    scan, job = item
    return scan(*job)


def _size(path: Any) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
