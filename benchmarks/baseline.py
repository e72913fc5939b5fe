#!/usr/bin/env python
"""The hand-written stack: casebook's kind of output made the way a specialist would script it.

    python benchmarks/baseline.py PROJECT OUT

Imports nothing from casebook.  Reads every case file of PROJECT/cases with
PyYAML; per case draws the before/after bars of each platform and one line
chart per monthly series with Altair, turned into SVG by vl-convert; writes
one Markdown page per public case and an index, runs `mkdocs build` (Material,
the repo's theme options, search); then renders one PDF per case (public into
the site's pdf/, private cases and client reports into OUT/private/) from the
same Markdown as HTML, with WeasyPrint, one after the other in this process.
No caching and no incremental mode: every run does everything.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import altair as alt
import markdown
import vl_convert as vlc
import yaml
from weasyprint import HTML

METRICS = ["followers", "reach", "impressions", "views", "engagements", "likes", "comments", "shares",
           "saves", "clicks", "leads", "orders", "spend", "revenue"]
BEFORE, AFTER = "#9aa5b1", "#3f51b5"

MKDOCS_YML = """\
site_name: {site_name}
site_url: https://example.com/
docs_dir: docs
site_dir: site
use_directory_urls: true
nav:
  - Cases: index.md
theme:
  name: material
  language: en
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle: {{icon: material/brightness-7, name: Dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle: {{icon: material/brightness-4, name: Light mode}}
  features:
    - navigation.tabs
    - search.highlight
plugins:
  - search:
      lang: [en, ru]
"""

PDF_CSS = """
@page { size: A4; margin: 16mm 14mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #222; }
h1 { font-size: 18pt; color: #3f51b5; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 0.5pt solid #ccc; padding: 1.5mm 2mm; text-align: left; }
td:nth-child(n+3) { text-align: right; }
img { max-width: 100%; } img[src$=".svg"] { width: 100%; page-break-inside: avoid; }
blockquote { border-left: 2pt solid #3f51b5; margin: 3mm 0; padding-left: 4mm; font-style: italic; }
"""


def is_public(case: dict) -> bool:
    return case.get("visibility", "private" if case.get("kind") == "report" else "public") == "public"


def before_of(case: dict) -> dict:
    return (case["report"]["previous"] if case.get("kind") == "report" else case.get("before")) or {}


def num(v) -> str:
    return f"{v:,.0f}" if isinstance(v, (int, float)) else "–"


def kpi_rows(case: dict) -> list[tuple[str, str, object, object]]:
    before, after = before_of(case).get("metrics", {}), case["after"].get("metrics", {})
    rows = []
    for p in case["platforms"]:
        b, a = before.get(p, {}), after.get(p, {})
        rows += [(p, m, b.get(m), a.get(m)) for m in METRICS if m in a or m in b]
    return rows


def change(b, a) -> str:
    return f"{(a - b) / b * 100:+.0f} %" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else ""


def goal_actual(case: dict, goal: dict) -> float | None:
    """What a goal reached: the after value (summed over platforms, or of its platform), or a ratio of sums."""
    after = case["after"].get("metrics", {})
    platforms = [goal["platform"]] if goal.get("platform") else case["platforms"]

    def total(m: str) -> float:
        return sum(after.get(p, {}).get(m) or 0 for p in platforms)

    ratios = {"cpl": ("spend", "leads", 1), "cpa": ("spend", "orders", 1), "cpc": ("spend", "clicks", 1),
              "ctr": ("clicks", "impressions", 100), "er": ("engagements", "reach", 100)}
    if goal["metric"] in ratios:
        top, bottom, scale = ratios[goal["metric"]]
        return total(top) / total(bottom) * scale if total(bottom) else None
    if goal["metric"] == "romi":
        return (total("revenue") - total("spend")) / total("spend") * 100 if total("spend") else None
    return total(goal["metric"]) or None


def bars(data: list[dict], y: str, title: str, x_format: str = ",.0f") -> alt.LayerChart:
    base = alt.Chart(alt.Data(values=data)).encode(y=alt.Y(f"{y}:N", sort=None, title=None),
                                                     x=alt.X("value:Q", title=None, axis=alt.Axis(format=x_format)))
    return alt.layer(base.mark_bar(color=AFTER), base.mark_text(align="left", dx=4).encode(text="label:N")).properties(
        title=title, width=520)


def chart_specs(case: dict) -> dict[str, alt.TopLevelMixin]:
    """The case's charts: before/after bars and a funnel per platform, series lines per metric, goals, spend."""
    out = {}
    rows = kpi_rows(case)
    for p in case["platforms"]:
        data = [{"metric": m, "period": period, "value": v, "label": num(v)}
                for pp, m, b, a in rows if pp == p and b is not None and a is not None
                for period, v in (("before", b), ("after", a))]
        if not data:
            continue
        base = alt.Chart(alt.Data(values=data)).encode(
            y=alt.Y("metric:N", title=None, sort=METRICS), yOffset=alt.YOffset("period:N", sort=["before", "after"]),
            x=alt.X("value:Q", title=None))
        pair = base.mark_bar().encode(color=alt.Color("period:N", sort=["before", "after"],
                                                      scale=alt.Scale(range=[BEFORE, AFTER]), legend=alt.Legend(title=None)))
        out[f"before-after-{p}"] = alt.layer(pair, base.mark_text(align="left", dx=4).encode(text="label:N")).properties(
            title=f"{p}: before / after", width=520)
    after = case["after"].get("metrics", {})
    for p in case["platforms"]:  # funnel: the first of reach/impressions/views, then clicks, leads, orders
        a = after.get(p, {})
        top = next((m for m in ("reach", "impressions", "views") if a.get(m)), None)
        stages = ([top] if top else []) + [m for m in ("clicks", "leads", "orders") if a.get(m) is not None]
        if len(stages) >= 3:
            out[f"funnel-{p}"] = bars([{"stage": m, "value": a[m], "label": num(a[m])} for m in stages], "stage",
                                      f"{p}: " + " → ".join(stages))
    goals = [(g.get("label", g["metric"]), goal_actual(case, g), g["target"]) for g in case.get("goals", [])]
    goals = [{"goal": name, "value": actual / target, "label": f"{actual:,.1f} / {target:,}"}
             for name, actual, target in goals if actual is not None and target]
    if goals:
        rule = alt.Chart(alt.Data(values=[{"x": 1}])).mark_rule(color="#444").encode(x="x:Q")
        out["goals"] = alt.layer(bars(goals, "goal", "Goals: reached / target", ".0%"), rule)
    spend = [{"item": a["title"], "value": a["spend"]} for a in case.get("actions", []) if a.get("spend")]
    if len(spend) < 2:
        spend = [{"item": p, "value": after[p]["spend"]} for p in case["platforms"] if after.get(p, {}).get("spend")]
    if len(spend) >= 2:
        out["spend"] = bars([{**d, "item": f"{i + 1}. {d['item']}", "label": num(d["value"])} for i, d in enumerate(spend)],
                            "item", f"Budget: {num(sum(d['value'] for d in spend))} {case.get('currency', '')}")
    by_metric: dict[str, list[dict]] = {}
    for key, months in (case.get("series") or {}).items():
        platform, metric = key.split(".", 1)
        by_metric.setdefault(metric, []).extend(
            {"platform": platform, "month": f"{month}-01", "value": value} for month, value in months.items())
    for metric, data in by_metric.items():
        out[f"series-{metric}"] = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")), y=alt.Y("value:Q", title=metric),
            color=alt.Color("platform:N", legend=alt.Legend(title=None)),
            tooltip=["platform:N", "month:T", "value:Q"]).properties(title=f"{metric} by month", width=520, height=200)
    return out


def write_charts(case: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, chart in chart_specs(case).items():
        path = folder / f"{case['slug']}-{name}.svg"
        path.write_text(vlc.vegalite_to_svg(chart.to_dict()), encoding="utf-8")
        paths.append(path)
    return paths


def page_markdown(case: dict, charts: list[Path], chart_prefix: str, media_prefix: str) -> str:
    client = case["client"]
    who = client["name"] if client.get("disclose_name") else client.get("description", client.get("industry", ""))
    period = case["period"]
    md = [f"# {case['title']}", "", f"**{case.get('headline', '')}**", "",
          f"{who} · {period['start']} – {period['end']} · {', '.join(case['platforms'])} · {case.get('role', '')}", ""]
    if case.get("cover"):
        md += [f"![cover]({media_prefix}{case['cover']})", ""]
    md += [case["summary"].strip(), "", "## Results", "", "| Platform | Metric | Before | After | Change |",
           "| --- | --- | ---: | ---: | ---: |"]
    md += [f"| {p} | {m} | {num(b)} | {num(a)} | {change(b, a)} |" for p, m, b, a in kpi_rows(case)]
    md += [""] + [f"![{c.stem}]({chart_prefix}{c.name})" for c in charts] + [""]
    if case.get("goals"):
        md += ["## Goals", ""] + [f"- {g.get('label', g['metric'])}: {num(g['target'])}"
                                  + (f" by {g['by']}" if g.get("by") else "") for g in case["goals"]] + [""]
    if case.get("actions"):
        md += ["## What was done", ""]
        for a in case["actions"]:
            when = a["when"] if not isinstance(a["when"], dict) else f"{a['when']['start']} – {a['when']['end']}"
            md += [f"### {a['title']}", "", f"*{when}{' · ' + a['platform'] if a.get('platform') else ''}*", "",
                   a.get("text", ""), ""]
    for key, heading in (("why", "Why"), ("plan", "Plan"), ("asks", "What we need from you")):
        if case.get("report", {}).get(key):
            md += [f"## {heading}", "", case["report"][key], ""]
    if case.get("testimonial"):
        t = case["testimonial"]
        md += [f"> {t['quote']}", ">", f"> — {t['author']}, {t.get('role', '')}", ""]
    if case.get("lessons"):
        md += ["## Lessons", "", case["lessons"], ""]
    for m in case.get("media", []):
        if m.get("src"):
            md += [f"![{m.get('alt', '')}]({media_prefix}{m['src']})", "", f"*{m.get('caption', '')}*", ""]
        elif m.get("video"):
            md += [f"[{m.get('caption', 'Video')}]({m['video']})", ""]
    return "\n".join(md) + "\n"


def render_pdf(md: str, title: str, base: Path, target: Path) -> None:
    body = markdown.markdown(md, extensions=["tables"])
    doc = (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f"<style>{PDF_CSS}</style></head><body>{body}</body></html>")
    target.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=doc, base_url=base.as_uri() + "/").write_pdf(target)


def main(project: Path, out: Path) -> None:
    started = time.perf_counter()
    cases = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((project / "cases").glob("*.yaml"))]
    public = [c for c in cases if is_public(c)]
    site_name = yaml.safe_load((project / "profile.yaml").read_text("utf-8"))["name"]
    if out.exists():
        shutil.rmtree(out)
    docs, private = out / "docs", out / "private"
    shutil.copytree(project / "cases" / "media", docs / "media")
    pages = {}  # slug -> (markdown for the PDF, folder the PDF's relative links start from)
    for case in cases:
        if is_public(case):  # a page in docs/cases/, charts in docs/charts/, media in docs/media/
            charts = write_charts(case, docs / "charts")
            md = page_markdown(case, charts, "../charts/", "../")
            (docs / "cases").mkdir(exist_ok=True)
            (docs / "cases" / f"{case['slug']}.md").write_text(md, encoding="utf-8")
            pages[case["slug"]] = (md, docs / "cases")
        else:  # private: charts and the PDF only, never in docs/
            charts = write_charts(case, private / "charts")
            media = (project / "cases").as_uri() + "/"
            pages[case["slug"]] = (page_markdown(case, charts, "../charts/", media), private / "cases")
    charted = time.perf_counter()
    index = [f"# {site_name}", "", "| Case | Result | Period |", "| --- | --- | --- |"]
    index += [f"| [{c['title']}](cases/{c['slug']}.md) | {c.get('headline', '')} | {c['period']['start']} |"
              for c in sorted(public, key=lambda c: str(c["period"]["end"]), reverse=True)]
    (docs / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (out / "mkdocs.yml").write_text(MKDOCS_YML.format(site_name=site_name), encoding="utf-8")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    subprocess.run([str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "-q", "-f", str(out / "mkdocs.yml")],
                   check=True)
    built = time.perf_counter()
    (private / "cases").mkdir(parents=True, exist_ok=True)
    for case in cases:
        md, base = pages[case["slug"]]
        target = (out / "site" / "pdf" if is_public(case) else private) / f"{case['slug']}.pdf"
        render_pdf(md, case["title"], base, target)
    timings = {"read, charts, Markdown": charted - started, "mkdocs build": built - charted,
               "PDFs": time.perf_counter() - built}
    (out / "timings.json").write_text(json.dumps(timings), encoding="utf-8")  # for run.py's report
    print(f"baseline: {len(public)} pages, {len(cases)} PDFs ({len(cases) - len(public)} private) into {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: baseline.py PROJECT OUT")
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
