"""The leak audit's worker processes: many files to scan on a cold build are shared out among them.

A cold build's audit reads every file of the site (tens of megabytes of PDF
text at 30 cases), which took seconds in the build process alone after the
PDF workers had gone.  :func:`scan_files` hands the files to a pool of the
same size (forked, or from the PDF engine's fork server when the build
process runs threads, as `casebook serve` does: from more work, since that
server takes seconds to start); a rebuild with little to scan (an edit of a small
project) scans it in the build process without starting any.  An edit at
300 cases scans the index, the search index and the tag PDFs holding the
edited case (about 2 s in one process): two workers take 1.4-1.8 s of it.  :func:`site_files`
lists what there is to audit.
"""

from __future__ import annotations

import errno
import os
from typing import Any, Callable

from . import auditentries, auditpages, auditpdf

POOL_FROM = 512 * 1024  # bytes to scan from which the files are shared out among worker processes
# ... when the build process runs threads (`casebook serve`): workers come from a fork server, whose start
# imports WeasyPrint (2-3 s, once a serve); an edit's audit at 300 cases, scanned here, takes 0.5 s
POOL_FROM_SERVER = 4 * 1024 * 1024
BIG_PDF = 256 * 1024  # bytes: a PDF this large (a portfolio, a tag's PDF) is scanned after the others
KNOWN_SHARE = 8  # such a file counts for 1/8 of its size when deciding whether to start workers


def site_files(top: str, rel: str = "") -> list[tuple[str, str]]:
    """(path, path relative to the first ``top``) of every file under ``top``, sorted as paths sort.

    What ``sorted(p for p in Path(top).rglob("*") if p.is_file())`` lists (a
    link to a file counts, a linked folder is not entered, a folder that
    cannot be read or is gone is left out, and so is a broken or looping
    link; any other error is raised, as there), in strings: at a thousand
    cases a site holds tens of thousands of files, and a Path object each
    cost most of a second.
    """
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        if isinstance(exc, PermissionError) or exc.errno in _GONE:
            return []
        raise
    out: list[tuple[str, str]] = []
    for entry in entries:
        try:
            is_file = entry.is_file()
            is_dir = not is_file and entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            if exc.errno in _GONE:
                continue
            raise
        if is_file:
            out.append((entry.path, rel + entry.name))
        elif is_dir:
            out += site_files(entry.path, rel + entry.name + "/")
    return out  # names sorted at each level, folders depth first: the order of their parts


_GONE = {errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP}  # what pathlib's rglob and is_file pass over


def scan_new(scan_file: Callable[..., tuple[str, list]], fresh: list[tuple], args: tuple, parts: auditpdf.Parts,
             suffix: Callable[[str], str]) -> dict[str, list]:
    """The findings of every file in ``fresh`` ((path, rel, key, size), no verdict kept), by key.

    ``scan_file(path, rel, *args)`` answers (key, [findings, new PDF parts,
    the PDF's part list, a long page's new pieces]).  Large PDFs go last, so the parts they share
    with the case PDFs (and, here, with each other) are searched once.
    Much to scan (a cold build) is shared out among worker processes, which
    find ``parts`` as auditpdf.current; what they leave, or a little (an
    edit), is scanned here.
    """
    def big(file: tuple) -> bool:
        return _big(file, suffix)

    def work(file: tuple) -> int:
        return work_of(file, suffix)

    out: dict[str, list] = {}
    auditpdf.current = parts
    try:
        for batch in ([f for f in fresh if not big(f)], [f for f in fresh if big(f)]):
            done = scan_files(scan_file, [(path, rel) for path, rel, _k, _s in batch],
                              [f[2] for f in batch], sum(map(work, batch)), args)
            for key, (found, new_parts, pdfs, pieces) in done.items():
                out[key] = found
                parts.merge(new_parts, pdfs)
                auditpages.keep(pieces)
            for path, rel, key, _size in batch:
                if key not in out:
                    got, (found, _new, _pdfs, _pieces) = scan_file(path, rel, *args)
                    out[got] = found
    finally:
        auditpdf.current = None
    return out


def _big(file: tuple, suffix: Callable[[str], str]) -> bool:
    return suffix(file[1]) == ".pdf" and file[3] >= BIG_PDF


def work_of(file: tuple, suffix: Callable[[str], str]) -> int:
    """What scanning a file (path, rel, key, size) costs, in bytes: a large PDF or a search index is
    mostly parts and entries already searched."""
    return file[3] // KNOWN_SHARE if _big(file, suffix) or auditentries.is_index(file[1]) else file[3]


def scan_files(scan: Callable[..., tuple[str, list]], jobs: list[tuple], keys: list[str], size: int,
               shared: tuple = ()) -> dict[str, list]:
    """``scan(*job, *shared)`` for every job in worker processes: the findings by the key each worker returns.

    ``shared`` (the audit's rules) goes to each worker once, as it starts: a
    job's arguments are copied to the worker with each job, and the rules,
    copied so, lost what they keep between files (the names' pre-filter, its
    words looked up, the rule set's fingerprint) and made them again for each.

    {} when there is too little to scan to start workers (an edit), or they
    cannot run; a job whose worker answers for another key (the file
    changed meanwhile) or does not answer is left out: the caller scans what
    is missing itself, so every file is scanned as it is now.
    """
    from casebook.pdf.engine import _mp_context, worker_count  # deferred: the PDF engine's pool, only for a big audit

    from .lifeline import worker_pool  # deferred: only a big audit starts workers

    workers = worker_count(len(jobs))  # 1 under CASEBOOK_PDF_WORKERS=0
    if workers < 2 or size < POOL_FROM:
        return {}
    ctx = _mp_context()
    if ctx.get_start_method() != "fork" and size < POOL_FROM_SERVER:
        return {}
    order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i][0]))  # largest first: no core idles at the end
    out: dict[str, list] = {}
    try:
        with worker_pool(workers, ctx, (_share, (shared,))) as pool:
            for i, (got, found) in zip(order, pool.map(_call, [(scan, jobs[i]) for i in order])):
                if got == keys[i]:
                    out[got] = found
    except Exception:  # noqa: BLE001 - what the workers did not scan, the caller scans
        return out
    return out


_SHARED: tuple = ()  # in a worker: scan_files' ``shared``


def _share(shared: tuple) -> None:
    global _SHARED
    _SHARED = shared


def _call(item: tuple[Callable[..., Any], tuple]) -> Any:
    scan, job = item
    return scan(*job, *_SHARED)


def _size(path: Any) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
