#!/usr/bin/env python
"""How long `casebook serve` takes to show a saved case in the browser.

    .venv/bin/python benchmarks/serve.py --sizes 300 --saves 4

Not part of the test suite, nor of run.py's report: it prints one table.
For each N: gen.py's project (the same files as run.py's, same --seed), its
site built once with `casebook build --no-pdf` (not measured: the cache a
user has after a first build), then `casebook serve` started and, once it
answers, --saves public cases saved one after another (gen.edit_one_case:
a sentence and a number, as run.py's edit). Each save is timed from the
write until the case's page, fetched every 0.1 s, holds the new sentence;
CPU is the serve process tree's above what it uses idle. The next save
waits until the tree is idle again. `--code REV` measures casebook as of a
git revision, as run.py does, so old and new code can be run in turn.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen  # noqa: E402  (benchmarks/gen.py: plain YAML, no casebook import)
import run  # noqa: E402  (code_snapshot: casebook as of a revision)

TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its living descendants (/proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total / TICK


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _idle_rate(pid: int, seconds: float = 3.0) -> float:
    start = _tree_cpu(pid)
    time.sleep(seconds)
    return (_tree_cpu(pid) - start) / seconds


def _wait_idle(pid: int, idle: float, limit: float = 300) -> None:
    """Until a 2-second window uses no more than twice the idle rate (the rebuild is over)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if _idle_rate(pid, 2.0) <= max(2 * idle, 0.05):
            return
    raise SystemExit("serve never went idle")


def measure_size(n: int, opts, work: Path, cmd: list[str], env: dict) -> list[dict]:
    project = work / f"n{n}"
    g = gen.generate(project, n, seed=opts.seed)
    log = (work / f"n{n}.log").open("w")
    subprocess.run(cmd + ["build", "--no-pdf", "-q"], cwd=project, env=env, stdout=log, stderr=log, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(cmd + ["serve", "-a", f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=log, stderr=log, start_new_session=True)
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        end = time.monotonic() + 600
        while _get(base + "/") is None:
            if server.poll() is not None or time.monotonic() > end:
                raise SystemExit(f"serve did not start; see {log.name}")
            time.sleep(0.5)
        idle = _idle_rate(server.pid)
        _wait_idle(server.pid, idle)
        for k in range(opts.saves):
            slug = g.public_slugs[(k * 7 + 5) % len(g.public_slugs)]
            url = f"{base}/cases/{slug}/"
            before = (_get(url) or "").count("Edited.")
            cpu0 = _tree_cpu(server.pid)
            gen.edit_one_case(project, slug)
            t0 = time.monotonic()
            shown = None
            while shown is None and time.monotonic() - t0 < 300:
                time.sleep(0.1)
                if (_get(url) or "").count("Edited.") > before:
                    shown = time.monotonic() - t0
            if shown is None:
                raise SystemExit(f"N={n}: the save of {slug} never showed; see {log.name}")
            _wait_idle(server.pid, idle)
            cpu = _tree_cpu(server.pid) - cpu0 - idle * (time.monotonic() - t0)
            rows.append({"n": n, "save": k + 1, "slug": slug, "shown": shown, "cpu": cpu})
            print(f"  N={n} save {k + 1} ({slug}): shown after {shown:.1f} s, {cpu:.1f} s CPU", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[300])
    ap.add_argument("--saves", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--code", help="measure casebook as of this git revision")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--keep", action="store_true")
    opts = ap.parse_args(argv)
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="casebook-serve-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "user-cache"), "PYTHONPYCACHEPREFIX": str(work / "pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if opts.code:
        extra, cmd = run.code_snapshot(opts.code, work)
        env.update(extra)
        cmd = cmd[:3]
    else:
        exe = Path(sys.executable).with_name("casebook")
        cmd = [str(exe) if exe.exists() else "casebook"]
    rows = []
    try:
        for n in opts.sizes:
            rows += measure_size(n, opts, work, cmd, env)
    finally:
        if not opts.keep and opts.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\ncode: {opts.code or 'work tree'}; the first save is the first after serve started\n")
    print("| N | first save | later saves (median, range) | CPU per save (median) |")
    print("| --- | --- | --- | --- |")
    for n in opts.sizes:
        mine = [r for r in rows if r["n"] == n]
        later = [r["shown"] for r in mine[1:]]
        spread = f"{statistics.median(later):.1f} s ({min(later):.1f}-{max(later):.1f})" if later else "-"
        print(f"| {n:,} | {mine[0]['shown']:.1f} s | {spread} | {statistics.median(r['cpu'] for r in mine):.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
