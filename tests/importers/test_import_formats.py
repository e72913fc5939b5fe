"""casebook import: every format into a case and into a monthly report, every number against the rows' own sums.

The expected numbers come from tests/importers/expected.py, which reads the
fixture exports with the csv module alone.  Each import is then repeated and
must leave the file byte for byte as it was; the result must pass
``casebook check``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import expected as exp
from casebook.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import"
SERIES = ("followers", "reach", "views", "impressions", "engagements", "posts", "clicks", "leads", "orders",
          "revenue", "spend")
STOCKS = {"followers"}


def _month_end(month: str) -> dt.date:
    y, m = map(int, month.split("-"))
    return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


def _previous(month: str) -> str:
    y, m = map(int, month.split("-"))
    return f"{y - (m == 1)}-{(m - 2) % 12 + 1:02d}"


# name: (exports, extra args, platform, case platforms, currency, month, expected numbers)
FORMATS = {
    "facebook-posts": (lambda: sorted((exp.HALO / "facebook").glob("Facebook-posts-*.csv")), [], "facebook",
                       ["facebook"], "PHP", "2025-11", exp.facebook_posts),
    "meta-daily": (lambda: [p for p in sorted((exp.HALO / "facebook").glob("*.csv")) if "posts" not in p.name],
                   ["--platform", "facebook"], "facebook", ["facebook", "instagram"], "PHP", "2025-11",
                   lambda: exp.meta_daily(exp.HALO / "facebook")),
    "instagram": (lambda: [exp.HALO / "instagram"], ["--platform", "instagram"], "instagram",
                  ["instagram", "facebook"], "PHP", "2025-10", exp.instagram),
    "meta-ads": (lambda: [exp.HALO / "ads"], [], "facebook", ["facebook"], "PHP", "2025-11", exp.ads),
    "tiktok": (lambda: [exp.HALO / "tiktok" / "TikTok-Studio-analytics.zip"], [], "tiktok", ["tiktok"], "PHP",
               "2025-11", lambda: exp.tiktok(exp.HALO / "tiktok" / "TikTok-Studio-analytics.zip", 2025)),
    "tiktok-ru-new-year": (lambda: [exp.EXPORTS / "tiktok-ru" / "tiktok-studio-ru.zip"], [], "tiktok", ["tiktok"],
                           "RUB", "2026-01",
                           lambda: exp.tiktok(exp.EXPORTS / "tiktok-ru" / "tiktok-studio-ru.zip", 2025)),
    "tiktok-xlsx": (lambda: [exp.EXPORTS / "tiktok-xlsx" / "tiktok-studio-xlsx.zip"], [], "tiktok", ["tiktok"],
                    "USD", "2026-01",
                    lambda: exp.tiktok(exp.EXPORTS / "tiktok-xlsx" / "tiktok-studio-xlsx.zip", 2025)),
    "vk-mapping-cp1251": (lambda: [exp.EXPORTS / "vk" / "vk-community-stats.csv"],
                          ["--map", str(DOCS / "vk.map.yaml")], "vk", ["vk"], "RUB", "2025-10", exp.vk),
    "ga4-mapping": (lambda: [exp.EXPORTS / "ga4"], ["--map", str(DOCS / "ga4.map.yaml")], "instagram",
                    ["instagram"], "USD", "2025-11", exp.ga4),
}


def _case_text(kind: str, platforms: list[str], currency: str, month: str) -> str:
    start, end = f"{month}-01", _month_end(month).isoformat()
    text = f"""# yaml-language-server: $schema=../docs/case.schema.json
# A hand-written comment that must survive the import.
slug: imported-{kind}
title: "Imported numbers"          # a comment after a value
kind: {kind}
locale: en
client: {{name: "Acme Dessert Co", disclose_name: true, industry: food-and-beverage}}
role: "Social media manager"
period: {{start: {start}, end: {end}}}
platforms: [{", ".join(platforms)}]
currency: {currency}
lessons: |
  Hand-written lessons, kept as they are.
"""
    if kind == "report":
        text += "after: {}\nreport:\n  previous: {}\n  why: |\n    Hand-written why.\n"
    else:
        text += "after: {}\n"
    return text


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "cases").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _import(files, extra, target: Path):
    runner = CliRunner()
    return runner.invoke(main, ["import", *map(str, files), *extra, "--into", str(target)], catch_exceptions=False)


@pytest.mark.parametrize("kind", ["case", "report"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_every_number_equals_the_rows_sums(project, name, kind):
    files_of, extra, platform, platforms, currency, month, expect_of = FORMATS[name]
    files = files_of()
    target = project / "cases" / f"imported-{kind}.yaml"
    target.write_text(_case_text(kind, platforms, currency, month), "utf-8")

    result = _import(files, extra, target)
    assert result.exit_code == 0, result.output
    text = target.read_text("utf-8")
    data = yaml.safe_load(text)
    expected = expect_of()

    after = data["after"]["metrics"][platform]
    base = (data["report"]["previous"] if kind == "report" else data["before"])["metrics"][platform]
    previous = _previous(month)
    checked = 0
    for metric, values in expected.items():
        if metric in STOCKS:
            assert after[metric] == values[_month_end(month)], metric
            assert base[metric] == values[_month_end(previous)], metric
        else:
            assert after[metric] == pytest.approx(round(values[month], 2)), metric
            assert base[metric] == pytest.approx(round(values[previous], 2)), metric
        checked += 2
        if metric in SERIES:
            series = data["series"][f"{platform}.{metric}"]
            for point, value in series.items():
                if metric in STOCKS:
                    assert value == values[_month_end(point)], (metric, point)
                else:
                    assert value == pytest.approx(round(values[point], 2)), (metric, point)
    assert checked >= 4

    # provenance: one record per file read, with its sha256
    records = {r["file"]: r for r in data["imports"]}
    for f in files:
        for path in (sorted(p for p in f.iterdir() if p.is_file()) if f.is_dir() else [f]):
            if path.suffix == ".zip":
                continue  # members are recorded one by one: checked below
            assert records[path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert all(r["timezone"] and r["rows"] > 0 for r in records.values())

    # hand-written parts stay as they were
    assert text.startswith("# yaml-language-server: $schema=../docs/case.schema.json\n"
                           "# A hand-written comment that must survive the import.\n")
    assert 'title: "Imported numbers"          # a comment after a value' in text
    assert "lessons: |\n  Hand-written lessons, kept as they are.\n" in text

    # a second import of the same files changes nothing
    again = _import(files, extra, target)
    assert again.exit_code == 0, again.output
    assert target.read_text("utf-8") == text

    check = CliRunner().invoke(main, ["check", str(target)])
    assert check.exit_code == 0, check.output
    assert "warning" not in check.output


def test_duplicates_across_exports_count_once_from_the_newer(project):
    """September's last posts are in the September and the October export, October's with larger lifetime numbers."""
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["facebook"], "PHP", "2025-10"), "utf-8")
    files = sorted((exp.HALO / "facebook").glob("Facebook-posts-*.csv"))
    result = _import(files, [], target)
    assert result.exit_code == 0, result.output
    assert ("4 post(s) of Facebook-posts-2025-09.csv are also in Facebook-posts-2025-10.csv: counted once, "
            "from Facebook-posts-2025-10.csv (the newer export)") in result.output
    data = yaml.safe_load(target.read_text("utf-8"))
    september = data["report"]["previous"]["metrics"]["facebook"]
    only_september = exp.facebook_posts(files[:1])["reach"]["2025-09"]
    assert september["reach"] == exp.facebook_posts()["reach"]["2025-09"] == only_september + 4 * 7
    note = next(r for r in data["imports"] if r["file"] == "Facebook-posts-2025-09.csv")["notes"]
    assert any("counted once" in n for n in note)


def test_top_content_is_the_best_posts_of_the_period(project):
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["facebook"], "PHP", "2025-11"), "utf-8")
    files = sorted((exp.HALO / "facebook").glob("Facebook-posts-*.csv"))
    assert _import(files, [], target).exit_code == 0
    data = yaml.safe_load(target.read_text("utf-8"))
    posts = [p for p in exp.facebook_posts_by_id().values() if p["Publish time"].startswith("11/")]
    by_reach = sorted(posts, key=lambda p: -int(p["Reach"]))
    by_engagement = sorted(posts, key=lambda p: -int(p["Reactions, Comments and Shares"]))
    top = data["report"]["top_content"]
    urls = {item["url"] for item in top}
    assert by_reach[0]["Permalink"] in urls and by_engagement[0]["Permalink"] in urls
    first = next(item for item in top if item["url"] == by_reach[0]["Permalink"])
    assert first["metrics"]["reach"] == int(by_reach[0]["Reach"])
    assert first["date"] == dt.date(2025, 11, int(by_reach[0]["Publish time"][3:5]))
    # a note written by hand on an imported item survives the next import
    lines = target.read_text("utf-8").splitlines(keepends=True)
    at = lines.index(f"      url: {first['url']}\n") + 3  # after date: and metrics:
    assert lines[at - 1].startswith("      metrics: {")
    text = "".join(lines[:at] + ["      note: Boosted for PHP 500.\n"] + lines[at:])
    target.write_text(text, "utf-8")
    assert _import(files, [], target).exit_code == 0
    assert target.read_text("utf-8") == text


def test_dry_run_prints_a_diff_and_writes_nothing(project):
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["tiktok"], "PHP", "2025-11"), "utf-8")
    before = target.read_bytes()
    stamp = target.stat().st_mtime_ns
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "import", "--dry-run", "--into", str(target),
                           str(exp.HALO / "tiktok" / "TikTok-Studio-analytics.zip")],
                          capture_output=True, text=True, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"--- {target}\n+++ {target} (imported)\n")
    assert "\n+    tiktok: {followers: " in proc.stdout
    assert "--dry-run: " in proc.stderr and "was not written" in proc.stderr
    assert target.read_bytes() == before and target.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.yaml"]


def test_partial_months_are_left_out_and_said(project):
    """The undated TikTok zip read with --year; its first month (November 15 to 30) is covered only in part."""
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["tiktok"], "RUB", "2026-01"), "utf-8")
    zip_path = exp.EXPORTS / "tiktok-ru" / "tiktok-studio-undated.zip"
    result = _import([zip_path], ["--year", "2026"], target)
    assert result.exit_code == 0, result.output
    assert "tiktok views: partial month(s) 2025-11 left out of the series" in result.output
    data = yaml.safe_load(target.read_text("utf-8"))
    assert "2025-11" not in data["series"]["tiktok.views"]
    assert set(data["series"]["tiktok.views"]) == {"2025-12", "2026-01"}
    expected = exp.tiktok(zip_path, 2025)
    assert data["after"]["metrics"]["tiktok"]["views"] == expected["views"]["2026-01"]
    record = next(r for r in data["imports"] if r["file"].endswith("Overview.csv"))
    assert any("2025-11 covered only in part" in n for n in record["notes"])
    assert any("--year 2026" in n for n in record["notes"])


def test_a_result_that_fails_the_check_is_not_written(project):
    """Hand-typed impressions fewer than the imported clicks: the check fails, the file stays as it was."""
    target = project / "cases" / "r.yaml"
    text = _case_text("report", ["facebook"], "PHP", "2025-11").replace(
        "after: {}", "after:\n  metrics:\n    facebook: {impressions: 10}")
    target.write_text(text, "utf-8")
    files = sorted((exp.HALO / "facebook").glob("Facebook-posts-2025-11.csv"))
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "import", *map(str, files), "--into", str(target),
                           "--platform", "facebook"], capture_output=True, text=True, cwd=project)
    assert proc.returncode == 1
    assert "fail the check, so it was not written" in proc.stderr
    assert "after.metrics.facebook.clicks: clicks (" in proc.stderr and "are more than impressions (10)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert target.read_text("utf-8") == text
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.yaml"]


def test_cp1251_is_recognised_without_being_named(project):
    """The VK file is cp1251; a mapping that says encoding: auto reads the same numbers as one that names it."""
    mapping = project / "vk-auto.map.yaml"
    mapping.write_text((DOCS / "vk.map.yaml").read_text("utf-8").replace("encoding: cp1251", "encoding: auto"),
                       "utf-8")
    target = project / "cases" / "c.yaml"
    target.write_text(_case_text("case", ["vk"], "RUB", "2025-10"), "utf-8")
    result = _import([exp.EXPORTS / "vk" / "vk-community-stats.csv"], ["--map", str(mapping)], target)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(target.read_text("utf-8"))
    assert data["after"]["metrics"]["vk"]["reach"] == exp.vk()["reach"]["2025-10"]
    assert data["before"]["metrics"]["vk"]["likes"] == exp.vk()["likes"]["2025-09"]


def test_undefined_is_unknown_never_zero(project):
    """One 'undefined' day in October: October's views are left out (series and the previous period), not summed as 0."""
    import csv
    import io
    import zipfile

    rows = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]]
    day = dt.date(2025, 10, 1)
    while day <= dt.date(2025, 11, 30):
        views = "undefined" if day == dt.date(2025, 10, 17) else "1000"
        rows.append([f"{day:%B} {day.day}", views, "10", "100", "5", "3"])
        day += dt.timedelta(days=1)
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    path = project / "tiktok.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("Overview.csv", date_time=(2025, 12, 1, 0, 0, 0)), text.getvalue().encode("utf-8-sig"))
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["tiktok"], "PHP", "2025-11"), "utf-8")
    result = _import([path], [], target)
    assert result.exit_code == 0, result.output
    assert "tiktok report.previous: views not filled: the export does not know views on 2025-10-17 ('undefined')" \
        in result.output
    data = yaml.safe_load(target.read_text("utf-8"))
    assert data["after"]["metrics"]["tiktok"]["views"] == 30 * 1000
    assert "views" not in data["report"]["previous"]["metrics"]["tiktok"]
    assert data["report"]["previous"]["metrics"]["tiktok"]["likes"] == 31 * 100
    assert data["series"]["tiktok.views"] == {"2025-11": 30000}


def test_a_mapping_with_an_unknown_metric_is_refused(project):
    mapping = project / "bad.map.yaml"
    mapping.write_text("format: VK\nplatform: vk\ndate: {column: Дата, format: '%d.%m.%Y'}\n"
                       "metrics:\n  coverage: Полный охват\n", "utf-8")
    target = project / "cases" / "c.yaml"
    target.write_text(_case_text("case", ["vk"], "RUB", "2025-10"), "utf-8")
    before = target.read_text("utf-8")
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "import", str(exp.EXPORTS / "vk"), "--map",
                           str(mapping), "--into", str(target)], capture_output=True, text=True, cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1].startswith(f"casebook: {mapping}: metrics: 'coverage' is not a casebook count;")
    assert target.read_text("utf-8") == before


def test_instagram_engagements_without_a_daily_file_are_the_posts_interactions(project):
    """Without the page-level file, engagements are likes + comments + shares + saves of the period's posts."""
    target = project / "cases" / "c.yaml"
    target.write_text(_case_text("case", ["instagram"], "PHP", "2025-11"), "utf-8")
    posts = next((exp.HALO / "instagram").glob("Instagram-posts-*.csv"))
    assert _import([posts], [], target).exit_code == 0
    data = yaml.safe_load(target.read_text("utf-8"))
    numbers = exp.instagram()
    expected = sum(numbers[m]["2025-11"] for m in ("likes", "comments", "shares", "saves"))
    assert data["after"]["metrics"]["instagram"]["engagements"] == expected
    assert data["before"]["metrics"]["instagram"]["engagements"] == sum(
        numbers[m]["2025-10"] for m in ("likes", "comments", "shares", "saves"))


def test_the_year_of_year_less_dates_comes_from_the_case_when_nothing_else_says(project):
    """No date in the zip and no --year: only 2026 puts 'November 15' to '31 января' inside the report's periods."""
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["tiktok"], "RUB", "2026-01"), "utf-8")
    zip_path = exp.EXPORTS / "tiktok-ru" / "tiktok-studio-undated.zip"
    result = _import([zip_path], [], target)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(target.read_text("utf-8"))
    expected = exp.tiktok(zip_path, 2025)
    assert data["after"]["metrics"]["tiktok"]["likes"] == expected["likes"]["2026-01"]
    assert data["report"]["previous"]["metrics"]["tiktok"]["likes"] == expected["likes"]["2025-12"]
    assert data["after"]["metrics"]["tiktok"]["followers"] == expected["followers"][dt.date(2026, 1, 31)]


def test_lines_the_import_does_not_change_keep_their_spacing(project):
    """A series aligned by hand for another platform keeps its spaces; only the imported blocks are new."""
    target = project / "cases" / "r.yaml"
    text = _case_text("report", ["tiktok", "vk"], "PHP", "2025-11") + (
        "series:\n  vk.reach:     {2025-10: 1200, 2025-11: 1500}   # typed from VK\n")
    target.write_text(text, "utf-8")
    assert _import([exp.HALO / "tiktok" / "TikTok-Studio-analytics.zip"], [], target).exit_code == 0
    after = target.read_text("utf-8")
    assert "\n  vk.reach:     {2025-10: 1200, 2025-11: 1500}   # typed from VK\n" in after
    assert after.startswith(text.split("series:")[0].split("after: {}")[0])


def test_top_content_without_links_is_replaced_not_repeated(project):
    """Videos exported without a link are found again by title and date: a second import adds no copies."""
    import csv
    import io
    import zipfile

    source = zipfile.ZipFile(exp.HALO / "tiktok" / "TikTok-Studio-analytics.zip")
    path = project / "nolinks.zip"
    with zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "Content.csv":
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                for row in rows[1:]:
                    if row[1].strip():
                        row[2] = ""
                text = io.StringIO()
                csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
                data = text.getvalue().encode("utf-8-sig")
            out.writestr(info, data)
    target = project / "cases" / "r.yaml"
    target.write_text(_case_text("report", ["tiktok"], "PHP", "2025-11"), "utf-8")
    assert _import([path], [], target).exit_code == 0
    first = target.read_text("utf-8")
    top = yaml.safe_load(first)["report"]["top_content"]
    assert len(top) == 3 and any("url" not in item for item in top)
    assert _import([path], [], target).exit_code == 0
    assert target.read_text("utf-8") == first
