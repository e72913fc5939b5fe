"""The demo's private monthly report is made entirely by casebook import from the fixture exports, and it renders.

The report file (cases/halohalo-haus-report-2025-11.yaml) holds hand-written
text and imported numbers.  Importing the same exports into it again must
change nothing: proof that every number in it is what the exports give.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from casebook.cli import main
from sitebuild import REPO, copy_demo

REPORT = REPO / "cases" / "halohalo-haus-report-2025-11.yaml"
HALO = REPO / "tests" / "corpus" / "exports" / "halohalo"
IMPORTS = [
    [str(HALO / "facebook"), str(HALO / "ads"), "--platform", "facebook"],
    [str(HALO / "instagram"), "--platform", "instagram"],
    [str(HALO / "tiktok" / "TikTok-Studio-analytics.zip")],
]


def test_the_demo_report_is_what_its_exports_give(tmp_path, monkeypatch):
    (tmp_path / "cases").mkdir()
    target = tmp_path / "cases" / REPORT.name
    shutil.copy2(REPORT, target)
    monkeypatch.chdir(tmp_path)
    for args in IMPORTS:
        result = CliRunner().invoke(main, ["import", *args, "--into", str(target)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "already up to date; nothing to change" in result.output
    assert target.read_bytes() == REPORT.read_bytes()
    text = REPORT.read_text("utf-8")
    assert "visibility: private" in text and "kind: report" in text
    for name in ("Facebook-posts-2025-11.csv", "Halo-Halo-Haus-Ads-Nov-2025.csv",
                 "TikTok-Studio-analytics.zip:Overview.csv", "Instagram-posts-2025-09-01-2025-11-30.csv"):
        assert f"  - file: {name}\n" in text


@pytest.mark.slow
def test_the_demo_report_renders_privately_with_its_imported_numbers(tmp_path):
    import pypdf

    from casebook.build import build

    root = copy_demo(tmp_path / "project")
    result = build(root / "mkdocs.yml", pdf=True, private=True, quiet=True)
    pdf = result.private_dir / "halo-halo-haus" / "halohalo-haus-report-2025-11.pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Top content" in text and "Raw data" in text
    for number in ("206,885", "₱55,615", "710,874"):  # reach, spend, TikTok views of November, from the exports
        assert number in text, number
    public = [p for p in result.site_dir.rglob("*") if p.is_file()]
    assert not any("halohalo-haus" in p.name for p in public)
