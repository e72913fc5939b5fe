#!/usr/bin/env python
"""Summarise py-spy raw (collapsed) stacks: the functions that hold the most time.

    /work/venv/bin/python benchmarks/spysummary.py WORKDIR/profile-300-cold.txt [--top 30]

Prints, for each function (file:function), its inclusive share (samples whose
stack contains it) and its self share (samples where it is on top), over all
processes that were sampled (the build and its PDF workers).  Shares are of
all samples, so with two busy processes they are shares of CPU time.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def frame_key(frame: str) -> str:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    file = m.group("file")
    for marker in ("site-packages/", "/casebook/", "lib/python3"):
        if marker in file:
            file = file[file.index(marker) + len(marker):] if marker != "/casebook/" else "casebook/" + file.split("/casebook/", 1)[1]
            break
    return f"{file}:{m.group('func')}"


SKIP = ("run.py:", "main(", "<string>:", "threading.py:", "multiprocessing/", "concurrent/futures/")


def summarise(path: Path, top: int = 30, match: str | None = None, skip: tuple[str, ...] = SKIP) -> str:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text("utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [frame_key(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        total += n
        for key in set(frames):
            inclusive[key] += n
        own[frames[-1]] += n
    out = [f"{path.name}: {total} samples", "", "| inclusive | self | function |", "| --- | --- | --- |"]
    for key, n in inclusive.most_common():
        if match and match not in key:
            continue
        if key.startswith(skip):  # the benchmark harness, process plumbing
            continue
        if len(out) - 4 >= top:
            break
        out.append(f"| {100 * n / total:.1f} % | {100 * own[key] / total:.1f} % | `{key}` |")
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--match", help="only functions whose name contains this (e.g. casebook/)")
    p.add_argument("--all", action="store_true", help="keep harness and process-plumbing frames")
    opts = p.parse_args()
    for f in opts.files:
        print(summarise(f, opts.top, opts.match, () if opts.all else SKIP))
        print()


if __name__ == "__main__":
    main()
