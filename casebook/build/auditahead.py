"""The leak audit begun early: the pages scanned while the build waits for its PDF workers.

An edit's build forks a worker for the edited case's PDF and, once MkDocs
has written the pages, waits for it (a second or two at 300 cases), then
joins the tag PDFs and audits everything new.  The pages (the index, the tag
pages, the search index, the edited case's page) are final while it waits:
:func:`audit_ahead` scans them then and keeps their verdicts where
:func:`casebook.build.audit.audit` looks first, keyed, as always, by each
file's path and bytes.
"""

from __future__ import annotations

from pathlib import Path

from casebook import reuse, store
from casebook.load.project import Project

from . import auditpages, auditpool
from .audit import AUDIT_VERSION, _file_key, _load_verdicts, _rules, _scan_file, _suffix, save_verdicts, verdict_file


# bytes of work (auditpool.work_of): an edit at 1,000 cases, about 4.1 MB (it grew past 4 MB), fits; a cold build does not
AHEAD_MAX = 8_000_000


def audit_ahead(site_dir: Path, project: Project, cache_dir: Path) -> int:
    """Scan now the new files of site_dir that are not PDFs, and keep their verdicts where audit() finds them.

    For the time the build waits for its PDF workers (an edit: a second or
    two for the edited case's PDF), when the pages are written: the audit
    that follows finds their verdicts kept and scans only what is left.  A
    file changed after this has another key and is scanned then; nothing is
    taken on trust.  Only what one process scans quickly (an edit, not a
    cold build, whose audit shares the files out among workers).  Answers
    how many files it scanned.
    """
    store.Cache(Path(cache_dir).parent, Path(cache_dir).name, AUDIT_VERSION)  # as audit() registers it (pruning)
    rules = _rules(project)
    cache_file = verdict_file(cache_dir, rules)
    verdicts = _load_verdicts(cache_file)
    pending = reuse.pending(site_dir)  # the retired site's files not placed yet: placed later, or swept
    files = [_file_key(path, rel) for path, rel in auditpool.site_files(str(site_dir))
             if _suffix(rel) != ".pdf" and rel not in pending]
    fresh = [f for f in files if f[2] not in verdicts]
    if not fresh or sum(auditpool.work_of(f, _suffix) for f in fresh) > AHEAD_MAX:
        return 0
    auditpages.begin(cache_dir, rules.key)  # a long page (the index) piece by piece
    for path, rel, _key, _size in fresh:
        got, (found, _parts, _pdfs, _pieces) = _scan_file(path, rel, rules, cache_dir)
        verdicts[got] = found
    auditpages.finish()
    save_verdicts(cache_file, verdicts)
    return len(fresh)
