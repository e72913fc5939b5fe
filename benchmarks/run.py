#!/usr/bin/env python
"""casebook at scale: cold build, rebuilds, memory, and two baselines, for N synthetic cases.

    /work/venv/bin/python benchmarks/run.py --sizes 30 300 1000

See benchmarks/README.md for what every number means.  Writes
benchmarks/RESULTS.md (or --out).  Not part of the test suite.

Every build runs in a fresh subprocess (``--child``), so each has its own
memory high-water mark and nothing warm leaks from one measurement into
the next; the parent samples the RSS of the child's whole process tree
(the PDF pool's workers included) from /proc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

MARK = "BENCH_RESULT "
STEPS = ("site-cold", "site-nochange", "site-edit", "full-cold", "full-nochange", "full-forced", "full-edit", "b1", "b2")
# (the "pdfphase" step of older runs, which estimated the PDF part above --full-pdf-max from
# samples, is gone: full builds are affordable at every size now; old results.json still read)
GiB = 1024 ** 3
MiB = 1024 ** 2

# Targets from the issue "Speed at scale: a benchmark".
T_SMALL_COLD = 10.0
T_SMALL_NOCHANGE = 2.0
T_SMALL_EDIT = 3.0
T_BIG_SPEEDUP = 3.0
T_BIG_EDIT = 10.0
T_BIG_MEM = 1.5 * GiB
T_PER_CASE_RATIO = 1.25


# ==========================================================================
# Child side: one measurement in a fresh process, result as one JSON line


def _maxrss_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _maxrss_children() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children (the PDF pool)."""
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


class Phases:
    """Wall time spent inside chosen functions (patched from outside, casebook untouched)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.active: set[str] = set()

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            # the case work serves both public and private PDFs: tell them apart
            lab = "private_work" if label == "case_work" and "private" in self.active else label
            if lab in self.active:  # nested (ensure -> start -> wait): counted by the outer call
                return original(*args, **kwargs)
            self.active.add(lab)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.active.discard(lab)
                self.seconds[lab] = self.seconds.get(lab, 0.0) + time.perf_counter() - started
                self.calls[lab] = self.calls.get(lab, 0) + 1

        setattr(owner, name, timed)


def child_build(args: dict) -> dict:
    """casebook.build.build() once, with a breakdown of where the time went."""
    import logging

    import mkdocs.commands.build as mk_build

    import casebook.audit
    import casebook.build as cb_build
    import casebook.pdf as cb_pdf

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("casebook").setLevel(logging.WARNING)
    phases = Phases()
    phases.wrap(mk_build, "build", "mkdocs_build")  # includes on_post_build, i.e. the public PDFs
    import casebook.casework as cb_work

    phases.wrap(cb_pdf, "build_public_pdfs", "public_pdfs")
    # Case pages and PDFs: cache look-ups and submitting (start), then the time the
    # build waits for the workers (wait); MkDocs renders other pages meanwhile.
    for name in ("ensure", "start", "wait"):
        phases.wrap(cb_work.CaseWork, name, "case_work")
    phases.wrap(cb_pdf, "_portfolio", "portfolio")
    phases.wrap(cb_pdf, "build_private_outputs", "private")
    phases.wrap(cb_build, "audit", "audit")
    phases.wrap(casebook.audit, "pdf_text", "audit_pdf_text")
    sampled: dict = {}
    if args.get("audit_sample"):
        _sample_audit(cb_build, int(args["audit_sample"]), sampled)
    root = Path(args["project"])
    os.chdir(root)
    started = time.perf_counter()
    result = cb_build.build(root / "mkdocs.yml", pdf=args["pdf"], private=args["private"], quiet=True,
                            force=bool(args.get("force")))
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "pages": result.pages, "pdfs": result.pdfs, "phases": phases.seconds,
           "up_to_date": result.up_to_date,
           "calls": phases.calls, "maxrss_self": _maxrss_self(), "maxrss_children": _maxrss_children()}
    if sampled:
        # the leak audit ran on a sample of the files: put the scaled estimate in its place
        out["audit_sampled"] = sampled
        out["seconds_measured"] = seconds
        out["seconds"] = seconds - sampled["seconds"] + sampled["estimate"]
        out["phases"]["audit"] = out["phases"].get("audit", 0.0) - sampled["seconds"] + sampled["estimate"]
    return out


AUDIT_BUDGET = 1_500_000  # bytes of output a sampled audit scans


def _sample_audit(cb_build, every: int, sampled: dict) -> None:
    """Make the build's leak audit scan every k-th output file (copied aside) and scale its time by bytes.

    The audit's cost is (bytes of output) x (names and slugs it looks for); both grow with N, so
    at 1,000 cases a full audit takes longer than this benchmark can wait.  Findings in the sample
    still fail the build.
    """
    original = cb_build.audit

    def audit(site_dir, project, extra_paths=()):
        site_dir = Path(site_dir)
        files = sorted(p for p in site_dir.rglob("*") if p.is_file())
        total = sum(p.stat().st_size for p in files)
        # every k-th file, k at least `every` and large enough for a sample of about AUDIT_BUDGET bytes
        step = max(every, -(-total // AUDIT_BUDGET))
        chosen = files[::step]
        part = sum(p.stat().st_size for p in chosen)
        aside = Path(tempfile.mkdtemp(prefix="audit-sample-", dir=site_dir.parent))
        try:
            for p in chosen:
                dest = aside / p.relative_to(site_dir)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)
            started = time.perf_counter()
            findings = original(aside, project, extra_paths=tuple(extra_paths) + (str(aside),))
            took = time.perf_counter() - started
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        sampled.update({"every": step, "files": len(files), "sampled_files": len(chosen), "bytes": total, "sampled_bytes": part,
                        "seconds": took, "estimate": took * total / max(1, part)})
        return findings

    cb_build.audit = audit


def child_mkdocs(args: dict) -> dict:
    """Baseline 1: plain `mkdocs build` of hand-written Markdown (no casebook plugin)."""
    from mkdocs.__main__ import cli

    started = time.perf_counter()
    try:
        cli.main(["build", "-q", "-f", str(Path(args["project"]) / "mkdocs.yml")], standalone_mode=False)
    finally:
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "maxrss_self": _maxrss_self(), "maxrss_children": _maxrss_children()}


def _pdf_context(root: Path, cache: Path):
    from casebook.chartrender import ChartRenderer
    from casebook.pdf.compose import Context
    from casebook.project import open_project

    project = open_project(root)
    return project, Context(project, charts=ChartRenderer(cache / "charts"))


def _sample(items: list, k: int) -> list:
    if k >= len(items):
        return list(items)
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]


def child_weasy(args: dict) -> dict:
    """Baseline 2: WeasyPrint, one case after the other, on the HTML casebook composes for each PDF."""
    import weasyprint

    from casebook.pdf.compose import case_doc

    root = Path(args["project"])
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    project, ctx = _pdf_context(root, Path(args["cache"]))
    chosen = _sample(project.public_cases, args["sample"])
    started = time.perf_counter()
    docs = [case_doc(ctx, loaded) for loaded in chosen]
    compose_s = time.perf_counter() - started
    out = Path(args["out"])
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for doc in docs:  # what a user would write
        weasyprint.HTML(string=doc.html, base_url=doc.base_url).write_pdf(out / f"{doc.name}.pdf")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rendered": len(docs), "public": len(project.public_cases),
            "compose_seconds": compose_s, "maxrss_self": _maxrss_self()}


CHILDREN = {"build": child_build, "mkdocs": child_mkdocs, "weasy": child_weasy}


def child_main(mode: str, payload: str) -> None:
    # No sampling thread here: casebook forks its case workers only from a
    # single-threaded process.  They are joined before build() returns, so
    # RUSAGE_CHILDREN holds their CPU.
    result = CHILDREN[mode](json.loads(payload))
    result["cpu"] = _cpu()
    result["cpu_tree"] = result["cpu"]
    sys.stdout.flush()
    print(MARK + json.dumps(result), flush=True)


# ==========================================================================
# Parent side


def _tree_rss(root_pid: int) -> int:
    """Sum of RSS over a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("latin-1")
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * page
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root_pid]
    seen = set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss.get(pid, 0)
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return total


SNAPSHOT: Path | None = None  # a copy of casebook/ and theme/ the children import (see --snapshot)


def snapshot_sources(work: Path) -> tuple[Path, str]:
    """Copy casebook/ and theme/ so that every measurement of one run uses the same code.

    Other people edit the work tree while a long run goes on; the children put
    this copy first on PYTHONPATH (ahead of the editable install).
    """
    import hashlib

    dest = work / "src"
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "casebook", dest / "casebook", ignore=ignore)
    shutil.copytree(REPO / "theme", dest / "theme", ignore=ignore)
    h = hashlib.sha256()
    for path in sorted((dest / "casebook").rglob("*")) + sorted((dest / "theme").rglob("*")):
        if path.is_file():
            h.update(path.relative_to(dest).as_posix().encode())
            h.update(path.read_bytes())
    return dest, h.hexdigest()[:12]


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def run_child(mode: str, args: dict, log: Path, label: str, profile: Path | None = None) -> dict:
    """Run one measurement in a fresh interpreter; return its JSON plus wall time and tree peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, json.dumps(args)]
    if profile is not None:
        spy = Path(sys.executable).with_name("py-spy")
        cmd = [str(spy), "record", "--rate", "20", "--subprocesses", "--nonblocking", "--format", "raw",
               "-o", str(profile), "--"] + cmd
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = str(SNAPSHOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    print(f"  - {label} ...", end="", flush=True)
    load_before = loadavg()
    started = time.perf_counter()
    with open(log, "a", encoding="utf-8") as logf:
        logf.write(f"\n===== {label}: {' '.join(cmd)[:400]}\n")
        logf.flush()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=logf, text=True, env=env, cwd=str(REPO))
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], _tree_rss(proc.pid))
                except Exception:  # noqa: BLE001 - sampling is best effort
                    pass
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        stop.set()
        sampler.join()
        wall = time.perf_counter() - started
        logf.write(out)
    result = None
    for line in out.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
    if proc.returncode != 0 or result is None:
        print(" FAILED")
        raise SystemExit(f"{label} failed (exit {proc.returncode}); see {log}")
    result["wall"] = wall
    result["tree_peak"] = max(peak[0], result.get("maxrss_self", 0))
    result["load"] = [load_before, loadavg()]
    print(f" {result.get('seconds', wall):.1f} s (cpu {result.get('cpu', 0):.1f} s, "
          f"peak {result['tree_peak'] / MiB:.0f} MiB, load {load_before:.1f})", flush=True)
    return result


# --------------------------------------------------------------------------
# Baseline 1: the same cases as hand-written Markdown


def write_markdown_project(src: Path, dest: Path) -> int:
    """One .md per public case (title, KPI table, text) and an index, in a plain material site."""
    import yaml

    from casebook.project import open_project
    from casebook.render import case_view

    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "docs"
    (docs / "cases").mkdir(parents=True)
    project = open_project(src)
    cfg = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    plain = {
        "site_name": cfg["site_name"],
        "site_description": cfg.get("site_description", ""),
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": cfg["theme"],  # same theme settings: material, language, palette, features, font: false
        "plugins": [{"search": {"lang": ["en", "ru"]}}],
        # casebook keeps case pages out of the navigation (nav = home + about); so does the baseline
        "nav": [{"Cases": "index.md"}],
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), "utf-8")
    index = ["# Cases", ""]
    for loaded in project.public_cases:
        case = loaded.case
        v = case_view(loaded)
        lines = [f"# {case.title}", "", f"**{v.headline}**", "", f"{v.client} · {v.period}", ""]
        if case.summary:
            lines += [case.summary.strip(), ""]
        lines += ["| Platform | Metric | Before | After | Change |", "| --- | --- | --- | --- | --- |"]
        for plat, kpis in v.kpis.items():
            for k in kpis:
                lines.append(f"| {plat} | {k.label} | {k.before} | {k.after} | {k.change} |")
        lines.append("")
        for title, text in (("Starting point", case.before.summary if case.before else None),
                            ("Results", case.after.summary if case.after else None)):
            if text:
                lines += [f"## {title}", "", text.strip(), ""]
        if case.actions:
            lines += ["## What was done", ""]
            for a in case.actions:
                lines.append(f"- **{a.title}**" + (f": {a.text.strip()}" if a.text else ""))
            lines.append("")
        if case.testimonial:
            lines += [f"> {case.testimonial.quote.strip()}", ">", f"> — {case.testimonial.author}", ""]
        if case.lessons:
            lines += ["## Lessons", "", case.lessons.strip(), ""]
        (docs / "cases" / f"{case.slug}.md").write_text("\n".join(lines), "utf-8")
        index.append(f"- [{case.title}](cases/{case.slug}.md) — {v.headline}")
    (docs / "index.md").write_text("\n".join(index) + "\n", "utf-8")
    return len(project.public_cases)


# --------------------------------------------------------------------------
# The run


def fresh(root: Path) -> None:
    """Cold: no cache, no previous site."""
    for name in (".casebook-cache", "site", "private"):
        shutil.rmtree(root / name, ignore_errors=True)


def measure_size(n: int, opts, work: Path, log: Path) -> dict:
    from gen import edit_one_case, generate

    print(f"\n== N = {n}", flush=True)
    t0 = time.perf_counter()
    proj = work / f"n{n}"
    g = generate(proj, n, seed=opts.seed)
    print(f"  generated {n} cases ({g.public} public, {g.private} private, {g.reports} reports) "
          f"in {time.perf_counter() - t0:.1f} s", flush=True)
    r: dict = {"n": n, "public": g.public, "private": g.private, "reports": g.reports}
    full = n <= opts.full_pdf_max
    r["full"] = full
    b = {"project": str(proj)}

    steps = set(opts.steps)
    site = {**b, "pdf": False, "private": False}
    if n > opts.audit_full_max:
        site["audit_sample"] = opts.audit_sample
    # Site only (pdf=False): cold, no-change, one edit
    fresh(proj)
    if "site-cold" in steps:
        r["site_cold"] = run_child("build", site, log, "site only, cold")
    if "site-nochange" in steps:
        r["site_nochange"] = run_child("build", site, log, "site only, no change")
    if "site-edit" in steps:
        edit_one_case(proj, g.public_slugs[len(g.public_slugs) // 2])
        r["site_edit"] = run_child("build", site, log, "site only, one edit")

    if full and steps & {"full-cold", "full-nochange", "full-edit"}:
        fresh(proj)
        g = generate(proj, n, seed=opts.seed)  # the unedited cases again
        args = {**b, "pdf": True, "private": opts.private}
        prof = n in (opts.profile or [])
        r["profiled"] = prof
        if "full-cold" in steps:
            r["cold"] = run_child("build", args, log, "full build, cold",
                                  profile=work / f"profile-{n}-cold.txt" if prof else None)
        if "full-nochange" in steps:
            r["nochange"] = run_child("build", args, log, "full build, no change",
                                      profile=work / f"profile-{n}-nochange.txt" if prof else None)
        if "full-forced" in steps:  # the same with the up-to-date check off: every cache looked up
            r["forced"] = run_child("build", {**args, "force": True}, log, "full build, no change, --force")
        if "full-edit" in steps:
            edit_one_case(proj, g.public_slugs[len(g.public_slugs) // 2])
            r["edit"] = run_child("build", args, log, "full build, one edit")

    # Baseline 1: plain mkdocs over hand-written Markdown
    md = work / f"md-{n}"
    if "b1" in steps:
        write_markdown_project(proj, md)
        r["b1"] = run_child("mkdocs", {"project": str(md)}, log, "baseline 1: mkdocs build of Markdown pages")

    # Baseline 2: WeasyPrint one by one
    k = g.public if n <= opts.baseline_full_max else min(g.public, opts.baseline_sample)
    bcache = work / f"b2cache-{n}"
    shutil.rmtree(bcache, ignore_errors=True)
    if "b2" in steps:
        r["b2"] = run_child("weasy", {"project": str(proj), "cache": str(bcache), "sample": k,
                                  "out": str(work / f"b2-{n}")}, log,
                        f"baseline 2: WeasyPrint one by one ({k} of {g.public})")
    r["generate_and_measure_seconds"] = time.perf_counter() - t0
    if not opts.keep:
        for path in (proj, md, bcache, work / f"b2-{n}"):
            shutil.rmtree(path, ignore_errors=True)
    return r


# --------------------------------------------------------------------------
# Derived numbers


def fit_line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares y = a + b x (through the points; one point: through the origin)."""
    if len(points) == 1:
        x, y = points[0]
        return 0.0, y / x if x else 0.0
    n = len(points)
    sx = sum(p[0] for p in points)
    sy = sum(p[1] for p in points)
    sxx = sum(p[0] ** 2 for p in points)
    sxy = sum(p[0] * p[1] for p in points)
    den = n * sxx - sx * sx
    if den == 0:
        return 0.0, sy / sx if sx else 0.0
    b = (n * sxy - sx * sy) / den
    a = (sy - b * sx) / n
    return a, b


def pdf_model(r: dict) -> dict:
    """Estimate the PDF part of a full build from the sampled measurements."""
    pp = r["pdfphase"]
    public = pp["public"]
    k = max(1, pp["sample"])
    render_per_case = pp["render_sample"] / k  # pool throughput (2 workers here)
    hit_per_case = pp["cached_sample"] / k
    audit_per_case = pp["audit_sample"] / k
    ports = pp["portfolios"]
    pa, pb = fit_line([(p["cases"], p["render"]) for p in ports])
    aa, ab = fit_line([(p["cases"], p["audit"]) for p in ports])
    ma, mb = fit_line([(p["cases"], p["maxrss_after"]) for p in ports])
    portfolio = max(0.0, pa + pb * public)
    portfolio_audit = max(0.0, aa + ab * public)
    portfolio_rss = ma + mb * public
    measured = ports[-1]["cases"] >= public
    if measured:
        portfolio, portfolio_audit = ports[-1]["render"], ports[-1]["audit"]
        portfolio_rss = ports[-1]["maxrss_after"]
    audit_all = audit_per_case * public + portfolio_audit
    cold = pp["compose_all_cold"] + render_per_case * public + portfolio + audit_all
    nochange = pp["compose_all_warm"] + hit_per_case * (public + 1) + audit_all
    edit = pp["compose_all_warm"] + hit_per_case * public + render_per_case + portfolio + audit_all
    return {"cold": cold, "nochange": nochange, "edit": edit, "render_per_case": render_per_case,
            "audit_per_case": audit_per_case, "portfolio": portfolio, "portfolio_audit": portfolio_audit,
            "portfolio_rss": portfolio_rss, "portfolio_measured": measured, "audit_all": audit_all,
            "compose_cold": pp["compose_all_cold"], "compose_warm": pp["compose_all_warm"],
            "hit_per_case": hit_per_case, "portfolio_per_case": pb, "portfolio_audit_per_case": ab}


def derive(r: dict) -> dict:
    """Numbers for the tables; a full build's measurement where there is one, else the estimate
    (site-only measurement + PDF part from samples), else None."""
    d: dict = {"est": {}}
    m = pdf_model(r) if "pdfphase" in r else None
    d["model"] = m
    site_key = {"cold": "site_cold", "nochange": "site_nochange", "edit": "site_edit"}
    for key in ("cold", "nochange", "edit"):
        if key in r:
            d[key], d["est"][key] = r[key]["seconds"], False
        elif m is not None and site_key[key] in r:
            d[key], d["est"][key] = r[site_key[key]]["seconds"] + m[key], True
        else:
            d[key], d["est"][key] = None, False
    measured_peaks = [r[k]["tree_peak"] for k in ("cold", "nochange", "edit") if k in r]
    if measured_peaks and "cold" in r:
        d["peak"], d["est"]["peak"] = max(measured_peaks), False
    elif m is not None:
        d["peak"] = max([r[k]["tree_peak"] for k in ("site_cold", "pdfphase") if k in r] + [m["portfolio_rss"]])
        d["est"]["peak"] = True
    else:
        d["peak"], d["est"]["peak"] = None, False
    d["private_s"] = r["cold"]["phases"].get("private", 0.0) if "cold" in r else 0.0
    d["cold_public"] = d["cold"] - d["private_s"] if d["cold"] is not None else None  # like for like
    d["b1"] = r["b1"]["seconds"] if "b1" in r else None
    if "b2" in r:
        b2 = r["b2"]
        d["b2"] = b2["seconds"] * b2["public"] / max(1, b2["rendered"])
        d["b2_estimated"] = b2["rendered"] < b2["public"]
    else:
        d["b2"], d["b2_estimated"] = None, False
    d["baselines"] = d["b1"] + d["b2"] if d["b1"] is not None and d["b2"] is not None else None
    d["speedup"] = (d["baselines"] / d["cold_public"]) if d["baselines"] and d["cold_public"] else None
    d["site_per_case"] = r["site_cold"]["seconds"] / r["n"] if "site_cold" in r else None
    return d


# --------------------------------------------------------------------------
# Report


def fmt_s(x: float | None, est: bool = False) -> str:
    if x is None:
        return "—"
    s = f"{x:.1f} s" if x < 600 else f"{x:.0f} s ({x / 60:.0f} min)"
    return f"~{s} (est.)" if est else s


def fmt_b(x: float | None, est: bool = False) -> str:
    if x is None:
        return "—"
    s = f"{x / MiB:.0f} MiB"
    return f"~{s} (est.)" if est else s


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("casebook", "mkdocs", "mkdocs-material", "weasyprint", "pydyf", "vl-convert-python", "altair",
                "pydantic", "pypdf", "Pillow", "Jinja2", "Markdown"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "—"
    return out


def machine() -> dict[str, str]:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return {"nproc": nproc, "memory": mem, "cpu": cpu, "python": platform.python_version(),
            "os": platform.platform()}


def git_head() -> str:
    return subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()


def report(results: list[dict], opts, command: str, elapsed: float, date: str | None = None,
           git: str | None = None) -> str:
    mach = machine()
    vers = versions()
    git = git or git_head()
    L: list[str] = []
    L += ["# casebook at scale: benchmark results", "",
          "Written by `benchmarks/run.py`; what every number means is in `benchmarks/README.md`.", "",
          "| | |", "| --- | --- |",
          f"| command | `{command}` |",
          f"| date | {date or dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} |",
          f"| code | {opts.source} (uncommitted files included); repository HEAD when the (last) run ended: {git} |",
          f"| machine | `nproc` = {mach['nproc']}, {mach['memory']} RAM, {mach['cpu']} |",
          f"| OS | {mach['os']} |",
          f"| Python | {mach['python']} |",
          f"| packages | {', '.join(f'{k} {v}' for k, v in vers.items())} |",
          f"| PDF workers | {os.environ.get('CASEBOOK_PDF_WORKERS', 'default (min(cores, 4))')} |",
          f"| full PDF builds | for N ≤ {opts.full_pdf_max} |",
          f"| private outputs in the full build | {'yes (`--private`)' if opts.private else 'no'} |",
          f"| total run time | {elapsed / 60:.1f} min |", ""]
    ds = {r["n"]: derive(r) for r in results}

    def site(r: dict, key: str) -> str:
        if key not in r:
            return "—"
        x = r[key]
        if "audit_sampled" in x:
            a = x["audit_sampled"]
            return (f"~{fmt_s(x['seconds'])} (audit est. from {a['sampled_files']} of {a['files']} files; "
                    f"measured part {fmt_s(x['seconds_measured'])})")
        return fmt_s(x["seconds"])

    def cpu(r: dict, key: str) -> str:
        return _cpu_of(r[key]) if key in r else "—"

    L += ["## Results", "",
          "Wall-clock seconds of `casebook.build.build()` in a fresh process (*est.*, in older runs only: "
          "site-only measurement plus the PDF part estimated from samples). CPU = seconds of CPU over the build "
          "and its PDF workers, much less sensitive than wall time to other work on the machine.", "",
          "| N (public / private / reports) | cold build | CPU | no-change rebuild | CPU | one-edit rebuild | CPU | "
          "peak memory | site only: cold | site only: no change | site only: one edit | site only: s per case |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        d = ds[r["n"]]
        e = d["est"]
        per_case = f"{d['site_per_case'] * 1000:.0f} ms" if d["site_per_case"] is not None else "—"
        if "audit_sampled" in r.get("site_cold", {}):
            per_case = "~" + per_case + " (est.)"
        L.append(f"| {r['n']} ({r['public']} / {r['private']} / {r['reports']}) | {fmt_s(d['cold'], e['cold'])} | "
                 f"{cpu(r, 'cold')} | {fmt_s(d['nochange'], e['nochange'])} | {cpu(r, 'nochange')} | "
                 f"{fmt_s(d['edit'], e['edit'])} | {cpu(r, 'edit')} | {fmt_b(d['peak'], e['peak'])} | "
                 f"{site(r, 'site_cold')} | {site(r, 'site_nochange')} | {site(r, 'site_edit')} | {per_case} |")
    L.append("")

    L += ["## Baselines side by side", "",
          "| N | casebook cold build (public part) | baseline 1: `mkdocs build` of Markdown | "
          "baseline 2: WeasyPrint one by one | baselines added | baselines ÷ casebook |",
          "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        d = ds[r["n"]]
        b2 = r.get("b2")
        note = f" ({b2['rendered']} of {b2['public']} rendered, scaled)" if b2 and d["b2_estimated"] else ""
        sp = f"{d['speedup']:.2f}×" if d["speedup"] is not None else "—"
        L.append(f"| {r['n']} | {fmt_s(d['cold_public'], d['est']['cold'])} | {fmt_s(d['b1'])} | "
                 f"{fmt_s(d['b2'], d['b2_estimated'])}{note} | {fmt_s(d['baselines'], d['b2_estimated'])} | {sp} |")
    L.append("")

    # Targets
    L += ["## Targets", "", "| target | measured | verdict |", "| --- | --- | --- |"]
    small = min(results, key=lambda r: abs(r["n"] - 30))
    big = max(results, key=lambda r: r["n"])
    dsm, dbg = ds[small["n"]], ds[big["n"]]

    def judge(value, ok) -> str:
        return "—" if value is None else verdict(ok(value))

    for key, limit, what in (("cold", T_SMALL_COLD, "cold build"), ("nochange", T_SMALL_NOCHANGE, "no-change rebuild"),
                             ("edit", T_SMALL_EDIT, "one-edit rebuild")):
        L.append(f"| {small['n']} cases: {what} < {limit:.0f} s | {fmt_s(dsm[key], dsm['est'][key])} | "
                 f"{judge(dsm[key], lambda v, limit=limit: v < limit)} |")
    sp = dbg["speedup"]
    L.append(f"| {big['n']} cases: cold build ≥ {T_BIG_SPEEDUP:.0f}× faster than baselines 1 + 2 | "
             + (f"{sp:.2f}× ({fmt_s(dbg['baselines'], dbg['b2_estimated'])} vs "
                f"{fmt_s(dbg['cold_public'], dbg['est']['cold'])})" if sp is not None else "—")
             + f" | {judge(sp, lambda v: v >= T_BIG_SPEEDUP)} |")
    L.append(f"| {big['n']} cases: one-edit rebuild < {T_BIG_EDIT:.0f} s | {fmt_s(dbg['edit'], dbg['est']['edit'])} | "
             f"{judge(dbg['edit'], lambda v: v < T_BIG_EDIT)} |")
    L.append(f"| {big['n']} cases: peak memory < 1.5 GiB | {fmt_b(dbg['peak'], dbg['est']['peak'])} | "
             f"{judge(dbg['peak'], lambda v: v < T_BIG_MEM)} |")
    if dbg["site_per_case"] is not None and dsm["site_per_case"]:
        ratio = dbg["site_per_case"] / dsm["site_per_case"]
        L.append(f"| site-only time per case at N={big['n']} within {T_PER_CASE_RATIO}× of N={small['n']} | "
                 f"{dbg['site_per_case'] * 1000:.0f} ms vs {dsm['site_per_case'] * 1000:.0f} ms = {ratio:.2f}× | "
                 f"{verdict(ratio <= T_PER_CASE_RATIO)} |")
        if "cpu_tree" in big.get("site_cold", {}) or "cpu" in big.get("site_cold", {}):
            cb = big["site_cold"].get("cpu_tree", big["site_cold"]["cpu"]) / big["n"]
            cs = small["site_cold"].get("cpu_tree", small["site_cold"]["cpu"]) / small["n"]
            if "audit_sampled" not in big["site_cold"]:
                L.append(f"| the same in CPU seconds (less noisy) | {cb * 1000:.0f} ms vs {cs * 1000:.0f} ms = "
                         f"{cb / cs:.2f}× | {verdict(cb / cs <= T_PER_CASE_RATIO)} |")
            wb = big["site_cold"]["phases"].get("mkdocs_build", 0.0) / big["n"]
            ws = small["site_cold"]["phases"].get("mkdocs_build", 0.0) / small["n"]
            if ws:
                L.append(f"| the same without the leak audit (`mkdocs build` with the plugin only, wall) | "
                         f"{wb * 1000:.0f} ms vs {ws * 1000:.0f} ms = {wb / ws:.2f}× | "
                         f"{verdict(wb / ws <= T_PER_CASE_RATIO)} |")
    L.append("")
    withsite = [r for r in sorted(results, key=lambda r: r["n"]) if "site_cold" in r]
    if len(withsite) >= 2:
        L += ["Site-only marginal cost (removes the fixed start-up cost that flatters the per-case number at "
              "large N):", "", "| from N | to N | extra wall seconds per extra case | extra CPU seconds per extra case |",
              "| --- | --- | --- | --- |"]
        for a, b in zip(withsite, withsite[1:]):
            extra = (b["site_cold"]["seconds"] - a["site_cold"]["seconds"]) / (b["n"] - a["n"])
            ca = a["site_cold"].get("cpu_tree", a["site_cold"].get("cpu", 0))
            cb_ = b["site_cold"].get("cpu_tree", b["site_cold"].get("cpu", 0))
            note = " (the larger size audited a sample only: CPU misses most of its audit)" if "audit_sampled" in \
                b["site_cold"] else ""
            L.append(f"| {a['n']} | {b['n']} | {extra * 1000:.0f} ms | {(cb_ - ca) / (b['n'] - a['n']) * 1000:.0f} ms{note} |")
        L.append("")

    # Breakdown
    L += ["## Where the time goes", "",
          "Phases are timed inside the build subprocess by wrapping casebook's functions from outside. "
          "*case work* = the time the build spends in `CaseWork.start`/`wait`: looking up the cache, "
          "submitting every case page and PDF not in it to the pool of forked workers, and waiting for them "
          "(the workers run while MkDocs renders the other pages, so their own time is not all here); "
          "*rest of the site* = `mkdocs build` minus the case work and the portfolio; *up to date* = the "
          "build found nothing changed and did nothing.", "",
          "| N | build | total | case work: look-ups + waiting | rest of the site | portfolio | "
          "private outputs | leak audit | CPU (all processes) | tree peak RSS | "
          "main process maxrss | load avg before |",
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        for key, label in (("site_cold", "site only, cold"), ("site_nochange", "site only, no change"),
                           ("site_edit", "site only, one edit"), ("cold", "full, cold"),
                           ("nochange", "full, no change"), ("forced", "full, no change, --force"),
                           ("edit", "full, one edit")):
            if key not in r:
                continue
            x = r[key]
            ph = x["phases"]
            if x.get("up_to_date"):
                L.append(f"| {r['n']} | {label} | {x['seconds']:.1f} s | up to date | | | | | {_cpu_of(x)} | "
                         f"{fmt_b(x['tree_peak'])} | {fmt_b(x['maxrss_self'])} | {x.get('load', [0])[0]:.1f} |")
                continue
            private = ph.get("private", 0.0)
            work = ph.get("case_work", ph.get("pdf_render", 0.0))
            # the portfolio's own ensure finds everything made: its case work is a look-up
            rest = ph.get("mkdocs_build", 0.0) - work - ph.get("portfolio", 0.0)
            L.append(f"| {r['n']} | {label} | {x['seconds']:.1f} s | {work:.1f} s | {max(0.0, rest):.1f} s | "
                     f"{ph.get('portfolio', 0.0):.1f} s | {private:.1f} s | "
                     f"{ph.get('audit', 0.0):.1f} s{' (est.)' if 'audit_sampled' in x else ''} | "
                     f"{_cpu_of(x)} | {fmt_b(x['tree_peak'])} | "
                     f"{fmt_b(x['maxrss_self'])} | {x.get('load', [0])[0]:.1f} |")
    L.append("")

    if any(ds[r["n"]]["model"] is not None for r in results):  # older runs' PDF part on samples
        L += ["## The PDF part, measured on samples", "",
              "Every public case's print HTML is composed (all of them after a pass that fills the in-memory chart "
              "cache as the site half of a build does; above --compose-max an evenly spaced sample with that cache "
              "empty, as it is at that size, and scaled); an evenly spaced sample of "
              "case PDFs is rendered through casebook's own job runner (its process pool), then again from the "
              "PDF cache, then scanned with the audit's `pdf_text`; portfolios of a few sizes are rendered in "
              "one process and a straight line through them gives the portfolio of all public cases. "
              "At sizes with a full build the estimate can be checked against the measured build.", "",
              "| N | compose all (cold / warm) | sample | render per case (pool) | cache hit per case | "
              "audit per case PDF | portfolios measured (cases: render s, audit s, pages, maxrss) | "
              "portfolio of all: render / audit | est. PDF part: cold / no change / one edit | measured: cold / "
              "no change / one edit (PDF part + audit of PDFs) |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        m = ds[r["n"]]["model"]
        if m is None:
            continue
        pp = r["pdfphase"]
        ports = "; ".join(f"{p['cases']}: {p['render']:.1f}, {p['audit']:.1f}, {p['pages']} p, "
                          f"{p['maxrss_after'] / MiB:.0f} MiB" for p in pp["portfolios"])
        est = "" if m["portfolio_measured"] else " (est.)"
        if any(k in r for k in ("cold", "nochange", "edit")):
            meas = " / ".join(f"{_pdf_part(r[k]):.1f} s" if k in r else "—" for k in ("cold", "nochange", "edit"))
        else:
            meas = "—"
        scaled = f" (est.: {pp['compose_cases']} composed, scaled)" if pp.get("compose_cases", pp["public"]) < pp["public"] else ""
        L.append(f"| {r['n']} | {m['compose_cold']:.1f} s / {m['compose_warm']:.1f} s{scaled} | {pp['sample']} "
                 f"({pp['sample_pages']} pages) | {m['render_per_case']:.2f} s | {m['hit_per_case'] * 1000:.0f} ms | "
                 f"{m['audit_per_case']:.2f} s | {ports} | {m['portfolio']:.0f} s / {m['portfolio_audit']:.0f} s{est} | "
                 f"{m['cold']:.0f} s / {m['nochange']:.0f} s / {m['edit']:.0f} s | {meas} |")
    L.append("")
    if any("cpu_tree" not in r.get(k, {"cpu_tree": 0}) for r in results for k in ("cold", "nochange", "edit")):
        L += ["\\* CPU without the PDF workers (measured before the benchmark sampled the fork server's "
              "workers from /proc).", ""]
    profiles = []
    workdir = Path(opts.workdir) if getattr(opts, "workdir", None) else None
    for r in results:
        if r.get("profiled") and workdir is not None:
            for kind in ("cold", "nochange"):
                f = workdir / f"profile-{r['n']}-{kind}.txt"
                if f.is_file():
                    profiles.append((r["n"], kind, f))
    if profiles:
        from spysummary import summarise

        L += ["## Profiles", "",
              "py-spy, 20 samples a second over the build and its PDF workers (`benchmarks/spysummary.py`); "
              "shares are of all samples, i.e. of CPU time. These builds ran under the profiler.", ""]
        for n, kind, f in profiles:
            L += [f"### N = {n}, full build, {'cold' if kind == 'cold' else 'no change'}", "",
                  summarise(f, top=25), ""]
    return "\n".join(L) + "\n"


def _cpu_of(x: dict) -> str:
    if "cpu_tree" in x:
        return f"{x['cpu_tree']:.1f} s"
    # older runs: RUSAGE_CHILDREN misses PDF workers that a fork server started
    return f"{x.get('cpu', 0):.1f} s*"


def _pdf_part(x: dict) -> float:
    ph = x["phases"]
    return ph.get("public_pdfs", 0.0) + ph.get("audit_pdf_text", 0.0)


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child_main(argv[1], argv[2])
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 1000], help="numbers of cases (default 30 300 1000)")
    p.add_argument("--full-pdf-max", type=int, default=1000,
                   help="largest N whose full build (with every PDF) is run (default 1000)")
    p.add_argument("--baseline-full-max", type=int, default=100,
                   help="largest N whose baseline 2 renders every public case (default 100)")
    p.add_argument("--baseline-sample", type=int, default=60,
                   help="above --baseline-full-max, baseline 2 renders this many cases and scales (60)")
    p.add_argument("--profile", type=int, nargs="*", default=[],
                   help="sizes whose full cold build and no-change rebuild run under py-spy "
                        "(raw stacks in the work dir; summarise with benchmarks/spysummary.py)")
    p.add_argument("--snapshot", action=argparse.BooleanOptionalAction, default=True,
                   help="measure a copy of casebook/ and theme/ taken at the start (default on)")
    p.add_argument("--private", action=argparse.BooleanOptionalAction, default=True,
                   help="include private outputs (casebook build --private) in the full builds (default on)")
    p.add_argument("--audit-full-max", type=int, default=1000,
                   help="above this N the site-only builds' leak audit scans every --audit-sample-th file and "
                        "its time is scaled by bytes (default 1000)")
    p.add_argument("--audit-sample", type=int, default=10)
    p.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS,
                   help="measurements to make for each size (default: all)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=None, help="where the temporary projects go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the generated projects")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--json", type=Path, default=None, help="also write the raw measurements here")
    p.add_argument("--from-json", type=Path, nargs="+", default=None,
                   help="write RESULTS.md again from a results.json of an earlier run (no measuring)")
    p.add_argument("--command", help=argparse.SUPPRESS)  # with --from-json: what the run was started with
    p.add_argument("--code", help=argparse.SUPPRESS)
    p.add_argument("--date", help=argparse.SUPPRESS)
    p.add_argument("--elapsed", type=float, default=0.0, help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if opts.from_json:
        opts.source = opts.code or "work tree as it is"
        meta: dict = {}
        merged: dict[int, dict] = {}
        for f in opts.from_json:  # several runs: later files add to (and override) earlier ones, size by size
            saved = json.loads(f.read_text("utf-8"))
            meta = saved.get("meta", meta) if isinstance(saved, dict) else meta
            for r in (saved["results"] if isinstance(saved, dict) else saved):
                merged.setdefault(r["n"], {}).update(r)
        results = [merged[n] for n in sorted(merged)]
        given = {"from_json", "out", "json"} | ({"workdir"} if opts.workdir else set()) | \
            ({"source"} if opts.code else set())
        for key, value in meta.get("opts", {}).items():
            if key not in given:
                setattr(opts, key, value)
        text = report(results, opts, opts.command or meta.get("command", "(see results.json)"),
                      opts.elapsed or meta.get("elapsed", 0.0), opts.date or meta.get("date"),
                      meta.get("git"))
        opts.out.write_text(text, "utf-8")
        print(text)
        return 0
    command = "/work/venv/bin/python benchmarks/run.py " + " ".join(argv) if argv else \
        "/work/venv/bin/python benchmarks/run.py"
    work = Path(opts.workdir or tempfile.mkdtemp(prefix="casebook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "bench.log"
    global SNAPSHOT
    opts.source = "work tree as it is"
    if opts.snapshot:
        SNAPSHOT, digest = snapshot_sources(work)
        opts.source = f"snapshot of casebook/ and theme/ taken at the start, sha256 {digest}"
    print(f"work dir {work}; child output in {log}; measuring the {opts.source}", flush=True)
    started = time.perf_counter()
    results = []
    for n in opts.sizes:
        results.append(measure_size(n, opts, work, log))
        raw = opts.json or (work / "results.json")
        meta = {"command": command, "elapsed": time.perf_counter() - started, "git": git_head(),
                "date": dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z'),
                "opts": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()
                         if k not in ("command", "code", "date", "elapsed")}}
        raw.write_text(json.dumps({"meta": meta, "results": results}, indent=1), "utf-8")
        text = report(results, opts, command, time.perf_counter() - started)
        opts.out.write_text(text, "utf-8")
    print(f"\nwrote {opts.out}\n")
    print(text)
    if not opts.keep and opts.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
