#!/usr/bin/env python
"""How much of the leak audit is the name search, and what a substring pre-filter would save.

    /work/venv/bin/python benchmarks/audit_probe.py PROJECT_DIR [SITE_DIR] [--every K]

(--every K: scan every K-th file only, to keep the current variant's time bearable at large N;
the times are then for that sample, and the ratio is what matters.)

Runs casebook.audit.audit() on a built site as it is, then the same scan with
one change: a name or slug regex runs only on files whose casefolded text
contains the casefolded name (str.__contains__ is a fast C scan; the regex with
look-arounds and IGNORECASE is not).  Prints both times and whether the
findings are identical.  PDFs are left out of both (their text extraction is
measured separately by run.py); only casebook's public API is used.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path


def main() -> None:
    from casebook import audit as A
    from casebook.project import open_project

    args = sys.argv[1:]
    every = 1
    if "--every" in args:
        i = args.index("--every")
        every = int(args[i + 1])
        del args[i:i + 2]
    root = Path(args[0]).resolve()
    site = Path(args[1]) if len(args) > 1 else root / "site"
    project = open_project(root)
    names = A.forbidden_names(project)
    private = {c.case.slug for c in project.private_cases} - {c.case.slug for c in project.public_cases}
    files = [p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix.lower() != ".pdf"][::every]
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {len(names)} forbidden names, {len(private)} private slugs")

    # Current: every regex over every file (what audit() does, minus PDFs and machine paths).
    texts = []
    for p in files:
        data = p.read_bytes()
        suffix = p.suffix.lower()
        texts.append(data.decode("utf-8", errors="replace") if suffix in A.TEXT_SUFFIXES else data.decode("latin-1"))
    regexes = [A._word_re(n) for n in sorted(names)] + [A._word_re(s) for s in sorted(private)]
    needles = [n.casefold() for n in sorted(names)] + [s.casefold() for s in sorted(private)]

    started = time.perf_counter()
    found_a = [(i, j) for i, t in enumerate(texts) for j, rx in enumerate(regexes) if rx.search(t)]
    current = time.perf_counter() - started

    started = time.perf_counter()
    found_b = []
    for i, t in enumerate(texts):
        folded = t.casefold()
        for j, (needle, rx) in enumerate(zip(needles, regexes)):
            if needle in folded and rx.search(t):
                found_b.append((i, j))
    prefiltered = time.perf_counter() - started

    started = time.perf_counter()
    one = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(set(needles), key=len, reverse=True))
                     + r")(?!\w)", re.IGNORECASE | re.UNICODE) if needles else None
    hits = sum(1 for t in texts if one is not None and one.search(t))
    combined = time.perf_counter() - started

    print(f"name/slug search, current (one regex per name per file): {current:.2f} s")
    print(f"with a casefold substring pre-filter:                    {prefiltered:.2f} s "
          f"({current / max(prefiltered, 1e-9):.0f}x faster), same findings: {found_a == found_b}")
    print(f"one combined alternation regex (any hit per file):       {combined:.2f} s ({hits} files hit)")


if __name__ == "__main__":
    main()
