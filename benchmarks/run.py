#!/usr/bin/env python
"""casebook against the hand-written stack, side by side, on N synthetic cases.

    .venv/bin/python benchmarks/run.py --sizes 30 300 1000

For each N: generate a project (gen.py), then time, each in a fresh process,
the hand-written baseline (baseline.py), `casebook build --private` cold, the
same again with nothing changed, and again after editing one public case.
casebook is driven only through its command line.  Wall seconds, CPU seconds
of the whole process tree, peak memory of the tree; outputs are checked after
every run, so a broken build cannot produce a fast number.  Writes
benchmarks/RESULTS.md and benchmarks/raw/results.json; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import gen  # noqa: E402  (benchmarks/gen.py: plain YAML, no casebook import)

MiB = 1024 ** 2
SAMPLE_EVERY = 0.05  # seconds between two samples of the process tree's memory
PACKAGES = ("casebook", "mkdocs", "mkdocs-material", "weasyprint", "pydyf", "vl-convert-python", "altair",
            "PyYAML", "Markdown", "Jinja2", "pydantic", "Pillow")
RUNS = ("baseline", "cold", "nochange", "force", "edit", "edit2")
LABEL = {"baseline": "hand-written stack (baseline.py), cold", "cold": "casebook cold build",
         "nochange": "casebook, nothing changed", "force": "casebook, nothing changed, `--force`",
         "edit": "casebook, one case edited", "edit2": "casebook, the next case edited"}

# ==========================================================================
# Measuring one process tree


def _memory_mode() -> str:
    try:
        Path("/proc/self/smaps_rollup").read_text()
        return "PSS"
    except OSError:
        return "RSS"


MEM_MODE = _memory_mode()


PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...]; [] if the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


class Tree:
    """A process and its descendants, found from the parent ids in /proc (each new pid's stat read once)."""

    def __init__(self, root: int) -> None:
        self.root, self.parent = root, {}

    def sample(self) -> tuple[dict[int, int], int]:
        """{pid: CPU ticks so far} of the tree, and the sum of their RSS in bytes."""
        live = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        self.parent = {pid: ppid for pid, ppid in self.parent.items() if pid in live}
        for pid in live - self.parent.keys():
            fields = _stat(pid)
            self.parent[pid] = int(fields[1]) if fields else -1
        children: dict[int, list[int]] = {}
        for pid, ppid in self.parent.items():
            children.setdefault(ppid, []).append(pid)
        ticks, rss, todo = {}, 0, [self.root]
        while todo:
            pid = todo.pop()
            fields = _stat(pid)
            if fields:
                ticks[pid] = int(fields[11]) + int(fields[12])
                rss += int(fields[21]) * PAGE
            todo.extend(children.get(pid, ()))
        return ticks, rss


def _pss(pid: int) -> int:
    """Bytes of one process's PSS (shared pages split between the processes sharing them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


# Every process measured runs with this environment: bytecode written and read (as for a user; a
# PYTHONDONTWRITEBYTECODE inherited from the shell would make each run compile casebook again), kept
# out of the repository under the work folder; set in main().
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_MKDOCS_2_WARNING": "1"}


def measure(cmd: list[str], cwd: Path, log: Path, env: dict | None = None) -> dict:
    """Run cmd to its end; wall seconds, CPU seconds of its whole tree, the tree's peak memory."""
    load = os.getloadavg()[0]
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ cd {cwd} && {' '.join(cmd)}\n")
        out.flush()
        # Each run pays for its own writes: nothing another run wrote is still being written back
        # when it starts, and its wall time ends once what it wrote is on disk.  (Without this an
        # edit right after a 1,000-case cold build paid for the cold build's 1.5 GB: 16.2 s
        # instead of 11.0 s.)
        os.sync()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env={**ENV, **(env or {})})
        peak, samples, done, seen = [0, 0], [0], threading.Event(), {}  # peak: [PSS or RSS sum, RSS sum]

        def sample() -> None:
            # RSS of the tree every 50 ms (cheap); PSS (smaps_rollup walks the page tables, ~3 ms a large
            # process) every 10th sample and whenever the RSS sum reaches a new high, when a peak can be
            tree, high = Tree(proc.pid), 0
            while not done.is_set():
                ticks, rss = tree.sample()
                seen.update(ticks)
                peak[1] = max(peak[1], rss)
                if MEM_MODE == "PSS" and rss > peak[0] and (rss > 1.02 * high or samples[0] % 10 == 0):
                    peak[0] = max(peak[0], sum(_pss(pid) for pid in ticks))
                    high = max(high, rss)
                elif MEM_MODE == "RSS":
                    peak[0] = peak[1]
                samples[0] += 1
                done.wait(SAMPLE_EVERY)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        os.sync()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        done.set()
        sampler.join()
        own_after = resource.getrusage(resource.RUSAGE_SELF)
    if code != 0:
        tail = log.read_text("utf-8", "replace").splitlines()[-15:]
        raise SystemExit(f"{' '.join(cmd)} failed (exit {code}) in {cwd}:\n" + "\n".join(tail))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # cross-check: CPU seen in /proc while sampling (a lower bound); more than the rusage figure would
    # mean a descendant was never waited for, and its CPU is missing from `cpu`
    cpu_seen = sum(seen.values()) / os.sysconf("SC_CLK_TCK")
    sampler_cpu = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)  # the measuring's own cost
    # `cpu` is the larger: a fork server (multiprocessing's) left to exit after its parent is
    # never waited for, and the CPU of the workers it reaped is then missing from rusage
    return {"wall": wall, "cpu": max(cpu, cpu_seen), "cpu_rusage": cpu, "cpu_seen": cpu_seen, "peak": peak[0],
            "peak_rss_sum": peak[1],
            "samples": samples[0], "load": load,
            "sampler_cpu": sampler_cpu}


# ==========================================================================
# Checking what a run produced


def _pdf(path: Path) -> None:
    if not path.is_file() or path.stat().st_size < 1000 or path.read_bytes()[:5] != b"%PDF-":
        raise SystemExit(f"missing or broken PDF: {path}")


def check_casebook(project: Path, g: gen.Generated) -> dict:
    site = project / "site"
    for slug in g.public_slugs:
        page = site / "cases" / slug / "index.html"
        if not page.is_file():
            raise SystemExit(f"casebook made no page {page}")
        _pdf(site / "pdf" / f"{slug}.pdf")
    _pdf(site / "pdf" / "portfolio.pdf")
    for name in ("index.html", "search/search_index.json", "sitemap.xml"):
        if not (site / name).is_file():
            raise SystemExit(f"casebook made no {site / name}")
    private = sorted((project / "private").rglob("*.pdf"))
    if len(private) != g.private + g.reports:
        raise SystemExit(f"casebook made {len(private)} private PDFs, expected {g.private + g.reports}")
    for p in private:
        _pdf(p)
    pages = sum(1 for _ in site.rglob("*.html"))
    pdfs = sum(1 for _ in site.rglob("*.pdf")) + len(private)
    charts = sum(1 for _ in site.rglob("*.svg"))  # the chart SVGs (assets/casebook/charts/ today)
    if charts < g.public:
        raise SystemExit(f"casebook's site has {charts} SVG files (charts) for {g.public} public cases")
    return {"html": pages, "pdf": pdfs, "chart svg (public)": charts}


def check_baseline(out: Path, g: gen.Generated) -> dict:
    site = out / "site"
    pages = sorted((out / "docs" / "cases").glob("*.md"))
    if len(pages) != g.public:
        raise SystemExit(f"the baseline wrote {len(pages)} Markdown pages, expected {g.public}")
    for slug in g.public_slugs:
        if not (site / "cases" / slug / "index.html").is_file():
            raise SystemExit(f"the baseline's mkdocs made no page for {slug}")
        _pdf(site / "pdf" / f"{slug}.pdf")
    private = sorted((out / "private").glob("*.pdf"))
    if len(private) != g.private + g.reports:
        raise SystemExit(f"the baseline made {len(private)} private PDFs, expected {g.private + g.reports}")
    for p in private:
        _pdf(p)
    svgs = sum(1 for folder in (out / "docs" / "charts", out / "private" / "charts") for _ in folder.glob("*.svg"))
    if svgs < g.n:
        raise SystemExit(f"the baseline made {svgs} chart SVGs for {g.n} cases")
    if not (site / "search" / "search_index.json").is_file():
        raise SystemExit("the baseline's mkdocs made no search index")
    public_svgs = sum(1 for _ in (out / "docs" / "charts").glob("*.svg"))
    return {"md": len(pages), "html": sum(1 for _ in site.rglob("*.html")), "pdf": g.public + len(private),
            "chart svg (public)": public_svgs, "chart svg (all)": svgs,
            "phases": json.loads((out / "timings.json").read_text("utf-8"))}


# ==========================================================================
# One size


def casebook_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("casebook")
    return [str(exe) if exe.exists() else (shutil.which("casebook") or "casebook"), "build", "--private"]


def code_snapshot(rev: str, work: Path) -> tuple[dict, list[str]]:
    """casebook/ and theme/ as of a git revision, extracted under work/code/ for the casebook runs to import.

    With a dist-info made from that revision's pyproject.toml, so MkDocs finds the plugin where that
    revision has it (ahead of the installed one's on sys.path).  Returns the environment to add and the
    `casebook` command (the revision's console-script entry point).
    """
    import tomllib

    dest = work / "code"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    tar = subprocess.run(["git", "-C", str(REPO), "archive", rev, "casebook", "theme"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar.stdout, check=True)
    project = tomllib.loads(subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:pyproject.toml"],
                                           capture_output=True, text=True, check=True).stdout)["project"]
    info = dest / f"casebook-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: casebook\nVersion: {project['version']}\n")
    groups = {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}
    (info / "entry_points.txt").write_text("".join(
        f"[{g}]\n" + "".join(f"{k} = {v}\n" for k, v in items.items()) + "\n" for g, items in groups.items()))
    env = {"PYTHONPATH": str(dest)}
    where = subprocess.run([sys.executable, "-c", "import casebook; print(casebook.__file__)"], capture_output=True,
                           text=True, env={**os.environ, **env}, cwd=work).stdout.strip()
    if not where.startswith(str(dest)):
        raise SystemExit(f"--code {rev}: casebook is still imported from {where or '?'}, not from {dest}")
    module, func = project["scripts"]["casebook"].split(":")
    script = f"import sys; from {module} import {func}; sys.argv[0] = 'casebook'; sys.exit({func}())"
    return env, [sys.executable, "-c", script, "build", "--private"]


def warm_up(opts, work: Path, log: Path) -> None:
    """Both stacks once on 3 cases, not measured: bytecode compiled and libraries in the page cache for both."""
    project = work / "warmup" / "project"
    g = gen.generate(project, 3, seed=opts.seed)
    measure([sys.executable, str(HERE / "baseline.py"), str(project), str(work / "warmup" / "baseline")], work, log)
    measure(opts.cmd, project, log, opts.env)
    check_casebook(project, g)
    shutil.rmtree(work / "warmup", ignore_errors=True)


def measure_size(n: int, opts, work: Path, log: Path) -> dict:
    project = work / f"n{n}" / "project"
    g = gen.generate(project, n, seed=opts.seed)
    row: dict = {"n": n, "public": g.public, "private": g.private, "reports": g.reports, "runs": {}}

    def step(name: str, cmd: list[str], cwd: Path, check) -> None:
        print(f"  N={n}: {LABEL[name]} ...", end="", flush=True)
        r = measure(cmd, cwd, log, None if name == "baseline" else opts.env)
        r["outputs"] = check()
        row["runs"][name] = r
        print(f" {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, {r['peak'] / MiB:.0f} MiB {MEM_MODE}", flush=True)

    out = work / f"n{n}" / "baseline"
    step("baseline", [sys.executable, str(HERE / "baseline.py"), str(project), str(out)], work,
         lambda: check_baseline(out, g))
    cmd = opts.cmd
    # Cold means cold: casebook keeps some things (the vega bundle, the cache's
    # signing key) in the user's cache too, so its cold run starts with that
    # empty as well; the rebuilds then use what the cold run left there.
    user_cache = work / f"n{n}" / "user-cache"
    shutil.rmtree(user_cache, ignore_errors=True)
    ENV["XDG_CACHE_HOME"] = str(user_cache)
    step("cold", cmd, project, lambda: check_casebook(project, g))
    step("nochange", cmd, project, lambda: check_casebook(project, g))
    if opts.force:
        step("force", cmd + ["--force"], project, lambda: check_casebook(project, g))
    # the first edit after the cold build, then a second one: what a user editing case after case
    # waits for each time (the first also finds what the cold build left, the second what an edit left)
    for name, slug in (("edit", g.public_slugs[len(g.public_slugs) // 2]),
                       ("edit2", g.public_slugs[len(g.public_slugs) // 3])):
        step(name, cmd, project, _edit(project, g, slug))
    row["edited"] = g.public_slugs[len(g.public_slugs) // 2]
    if not opts.keep:
        shutil.rmtree(work / f"n{n}", ignore_errors=True)
    return row


def _edit(project: Path, g, slug: str):
    """Edit one public case now; answer the check that its page and PDF show the edit."""
    page, pdf = project / "site" / "cases" / slug / "index.html", project / "site" / "pdf" / f"{slug}.pdf"
    old_pdf = pdf.read_bytes()
    gen.edit_one_case(project, slug)

    def edited() -> dict:
        if "Edited." not in page.read_text("utf-8"):
            raise SystemExit(f"after the edit, {page} does not show the new summary")
        if pdf.read_bytes() == old_pdf:
            raise SystemExit(f"after the edit, {pdf} is unchanged")
        return check_casebook(project, g)
    return edited


# ==========================================================================
# Report


def s(x: float | None) -> str:
    return "—" if x is None else (f"{x:.2f} s" if x < 10 else f"{x:.1f} s")


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def targets(rows: dict[int, dict]) -> list[tuple[str, str, bool | None]]:
    def run(n: int, name: str) -> dict | None:
        return rows.get(n, {}).get("runs", {}).get(name)

    out = []
    for n, limit in ((1000, 2.0), (300, 1.5)):
        r = run(n, "edit")
        out.append((f"one edit at {n:,} cases ≤ {limit} s", s(r and r["wall"]), r and r["wall"] <= limit))
    c, b = run(1000, "cold"), run(1000, "baseline")
    ratio = b["wall"] / c["wall"] if c and b else None
    out.append(("cold build at 1,000 cases ≥ 2× faster than the hand-written stack",
                f"{ratio:.2f}× ({s(b['wall'])} ÷ {s(c['wall'])})" if ratio else "—", ratio and ratio >= 2))
    r = run(30, "cold")
    out.append(("cold build at 30 cases ≤ 8 s", s(r and r["wall"]), r and r["wall"] <= 8))
    peaks = [run(1000, k)["peak"] for k in ("cold", "nochange", "force", "edit", "edit2") if run(1000, k)]
    out.append(("peak memory at 1,000 cases (whole tree) ≤ 1 GiB", f"{max(peaks) / MiB:.0f} MiB" if peaks else "—",
                max(peaks) <= 1024 * MiB if peaks else None))
    sizes = sorted(n for n in rows if run(n, "cold"))
    if len(sizes) >= 2:  # CPU per case at the largest N within 1.25x of the smallest, and so the marginal cost
        lo, hi = sizes[0], sizes[-1]
        a, z = run(lo, "cold")["cpu"] / lo, run(hi, "cold")["cpu"] / hi
        text, ok = f"CPU per case {ms(z)} at {hi:,} vs {ms(a)} at {lo:,} = {z / a:.2f}×", z <= 1.25 * a
        if len(sizes) >= 3:
            mid = sizes[-2]
            m1 = (run(mid, "cold")["cpu"] - run(lo, "cold")["cpu"]) / (mid - lo)
            m2 = (run(hi, "cold")["cpu"] - run(mid, "cold")["cpu"]) / (hi - mid)
            text += f"; marginal {ms(m2)} ({mid:,}→{hi:,}) vs {ms(m1)} ({lo:,}→{mid:,}) = {m2 / m1:.2f}×"
            ok = ok and m2 <= 1.25 * m1
        out.append((f"cost per case flat from {lo:,} to {hi:,} cases (within 1.25×)", text, ok))
    else:
        out.append(("cost per case flat from 30 to 1,000 cases", "—", None))
    return [(t, m, None if ok is None else bool(ok)) for t, m, ok in out]


def report(data: dict) -> str:
    meta, rows = data["meta"], {r["n"]: r for r in data["sizes"]}
    L = ["# casebook against the hand-written stack: benchmark results", ""]
    if meta.get("note"):
        L += [f"> **{meta['note']}**", ""]
    L += ["Written by `benchmarks/run.py` (raw numbers: `benchmarks/raw/results.json`); what each number means: "
          "`benchmarks/README.md`.", "", "| | |", "| --- | --- |",
          f"| command | `{meta['command']}` |", f"| date | {meta['date']} |", f"| git HEAD | {meta['git']} |",
          f"| machine | {meta['machine']} |", f"| OS | {meta['os']} |", f"| Python | {meta['python']} |",
          "| versions | " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + " |",
          f"| peak memory | sum of {meta['mem_mode']} over the process tree (tree and RSS sampled every "
          f"{SAMPLE_EVERY * 1000:.0f} ms, PSS where a peak is possible) |", f"| run time | {meta['elapsed'] / 60:.1f} min |", "",
          "## Every measurement", "",
          "Each row is one process run to its end, started fresh. CPU = user + system seconds of the process and "
          "all its descendants. Load = the 1-minute load average when it started (above 2, other work competed).",
          "", "| N (public / private / reports) | run | wall | CPU | peak memory | wall per case | CPU per case | load |",
          "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, row in sorted(rows.items()):
        for name in RUNS:
            r = row["runs"].get(name)
            if r:
                L.append(f"| {n:,} ({row['public']} / {row['private']} / {row['reports']}) | {LABEL[name]} | "
                         f"{s(r['wall'])} | {s(r['cpu'])} | {r['peak'] / MiB:.0f} MiB | {ms(r['wall'] / n)} | "
                         f"{ms(r['cpu'] / n)} | {r['load']:.1f} |")
    missed = [f"{n:,} {LABEL[k]}" for n, row in sorted(rows.items()) for k, r in row["runs"].items()
              if r.get("cpu_seen", 0) > r.get("cpu_rusage", r["cpu"]) * 1.05 + 0.5]
    L += ["", "CPU cross-check: " + ("the CPU seen in /proc while sampling exceeds the rusage figure for "
          + "; ".join(missed) + " (a process of the tree, such as a fork server, was not waited for): those "
          "CPU figures are the /proc ones, sampled every 50 ms, so a little low."
          if missed else "every process of every tree was waited for (the CPU seen in /proc is within the "
          "rusage figure).")]
    own = [r.get("sampler_cpu") for row in rows.values() for r in row["runs"].values()]
    if None not in own:
        wall = sum(r["wall"] for row in rows.values() for r in row["runs"].values())
        L += ["", f"Measuring cost: the memory sampler used {sum(own):.1f} s of CPU over {wall:.0f} s of measured "
              f"runs ({sum(own) / wall * 100:.1f} % of one core), competing with the runs it measures."]
    L += ["", "## Side by side", "",
          "Ratio = the hand-written stack's time ÷ casebook's cold build (above 1: casebook is faster). The "
          "hand-written stack has no incremental mode: after one edit it runs again in full, so its one-edit "
          "figure is its cold run.", "",
          "| N | casebook cold: wall / CPU | hand-written: wall / CPU | ratio, wall | ratio, CPU | "
          "one edit: casebook | one edit: hand-written (full run) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, row in sorted(rows.items()):
        c, b, e = (row["runs"].get(k) for k in ("cold", "baseline", "edit"))
        if c and b:
            L.append(f"| {n:,} | {s(c['wall'])} / {s(c['cpu'])} | {s(b['wall'])} / {s(b['cpu'])} | "
                     f"{b['wall'] / c['wall']:.2f}× | {b['cpu'] / c['cpu']:.2f}× | {s(e and e['wall'])} | "
                     f"{s(b['wall'])} |")
    cold = sorted(n for n, row in rows.items() if "cold" in row["runs"] and "baseline" in row["runs"])
    if len(cold) >= 2:
        L += ["", "Marginal cost per extra case between two sizes (removes the fixed start-up cost):", "",
              "| from N | to N | casebook: wall / CPU per case | hand-written: wall / CPU per case |",
              "| --- | --- | --- | --- |"]
        for lo, hi in zip(cold, cold[1:]):
            d = {k: [(rows[hi]["runs"][k][x] - rows[lo]["runs"][k][x]) / (hi - lo) for x in ("wall", "cpu")]
                 for k in ("cold", "baseline")}
            L.append(f"| {lo:,} | {hi:,} | {ms(d['cold'][0])} / {ms(d['cold'][1])} | "
                     f"{ms(d['baseline'][0])} / {ms(d['baseline'][1])} |")
    phased = [(n, row["runs"]["baseline"]) for n, row in sorted(rows.items()) if "baseline" in row["runs"]]
    if phased:
        names = list(phased[0][1]["outputs"]["phases"])
        L += ["", "Where the hand-written stack's time goes (wall seconds inside `baseline.py`; start-up = the "
              "rest: Python and library imports):", "", "| N | " + " | ".join(names) + " | start-up |",
              "| --- |" + " --- |" * (len(names) + 1)]
        for n, r in phased:
            ph = r["outputs"]["phases"]
            L.append(f"| {n:,} | " + " | ".join(s(ph[k]) for k in names) + f" | {s(r['wall'] - sum(ph.values()))} |")
    L += ["", "## Targets (issue 15)", "", "| target | measured | verdict |", "| --- | --- | --- |"]
    for t, m, ok in targets(rows):
        L.append(f"| {t} | {m} | {'not measured' if ok is None else ('met' if ok else '**not met**')} |")
    L += ["", "## Outputs checked", "", "| N | run | files |", "| --- | --- | --- |"]
    for n, row in sorted(rows.items()):
        for name in RUNS:
            r = row["runs"].get(name)
            if r:
                L.append(f"| {n:,} | {LABEL[name]} | "
                         + ", ".join(f"{v} {k}" for k, v in r["outputs"].items() if k != "phases") + " |")
    return "\n".join(L) + "\n"


# ==========================================================================
# Main


def meta_now(command: str, note: str, rev: str | None) -> dict:
    def first(path: str, prefix: str) -> str:
        try:
            return next(l.split(":", 1)[1].strip() for l in Path(path).read_text().splitlines() if l.startswith(prefix))
        except (OSError, StopIteration):
            return "?"

    vers = {}
    for pkg in PACKAGES:
        try:
            vers[pkg] = version(pkg)
        except PackageNotFoundError:
            vers[pkg] = "—"
    git = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s", rev or "HEAD"], capture_output=True,
                         text=True)
    dirty = "" if rev else subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "casebook", "theme"],
                                          capture_output=True, text=True).stdout.strip()
    mem_kb = first("/proc/meminfo", "MemTotal").split()[0]
    return {"command": command, "note": note, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "git": (f"casebook/ and theme/ as of `--code {rev}`: " if rev else "")
                   + git.stdout.strip() + (" (casebook/ or theme/ had uncommitted changes)" if dirty else ""),
            "machine": f"{os.cpu_count()} cores ({first('/proc/cpuinfo', 'model name')}), "
                       f"{int(mem_kb) / 1024 ** 2:.1f} GiB RAM" if mem_kb.isdigit() else "?",
            "os": platform.platform(), "python": platform.python_version(), "versions": vers, "mem_mode": MEM_MODE}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 1000], help="numbers of cases (30 300 1000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed: same N and seed, same case files")
    p.add_argument("--force", action="store_true", help="also time `casebook build --private --force` (no change)")
    p.add_argument("--workdir", type=Path, help="where the projects are generated (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated projects and their outputs")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--json", type=Path, default=HERE / "raw" / "results.json")
    p.add_argument("--code", metavar="REV", help="measure casebook/ and theme/ as of this git revision (git archive "
                   "into the work folder, on PYTHONPATH) instead of the installed work tree")
    p.add_argument("--note", default="", help="a line printed at the top of RESULTS.md")
    p.add_argument("--report-only", type=Path, nargs="+", metavar="JSON",
                   help="write RESULTS.md from these raw files (sizes merged, the last file's metadata)")
    opts = p.parse_args(argv)
    if opts.report_only:
        merged: dict = {"sizes": {}}
        for path in opts.report_only:
            data = json.loads(path.read_text("utf-8"))
            merged["meta"] = data["meta"]
            merged["sizes"].update({r["n"]: r for r in data["sizes"]})
        merged["sizes"] = list(merged["sizes"].values())
        opts.out.write_text(report(merged), encoding="utf-8")
        print(f"wrote {opts.out}")
        return 0
    command = shlex.join(["python", "benchmarks/run.py"] + (argv if argv is not None else sys.argv[1:]))
    data = {"meta": meta_now(command, opts.note, opts.code), "sizes": []}
    work = (opts.workdir or Path(tempfile.mkdtemp(prefix="casebook-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    opts.env, opts.cmd = code_snapshot(opts.code, work) if opts.code else (None, casebook_cmd())
    log = work / "bench.log"
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    print(f"work folder {work}; every command's output in {log}")
    started = time.perf_counter()
    print("  warming up on 3 cases (not measured) ...", flush=True)
    warm_up(opts, work, log)
    opts.json.parent.mkdir(parents=True, exist_ok=True)
    for n in opts.sizes:  # the raw file is written after each size: a failure later keeps what was measured
        data["sizes"].append(measure_size(n, opts, work, log))
        data["meta"]["elapsed"] = time.perf_counter() - started
        opts.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    text = report(data)
    opts.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {opts.out} and {opts.json}")
    if not opts.keep and opts.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
