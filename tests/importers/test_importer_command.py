"""casebook.importers.command: run_import fills a case from exports; again with the same exports, nothing changes."""

from __future__ import annotations

from pathlib import Path

import yaml

from casebook.importers.command import run_import

ADS = Path(__file__).resolve().parents[1] / "corpus" / "exports" / "halohalo" / "ads" / "Halo-Halo-Haus-Ads-Nov-2025.csv"

CASE = """slug: ads-import
title: "Imported ads"   # kept
locale: en
client: {name: "Acme", disclose_name: true, industry: retail}
role: "Ads specialist"
period: {start: 2025-11-01, end: 2025-11-30}
platforms: [facebook]
currency: PHP
after: {}
"""


def test_import_fills_after_and_series_then_changes_nothing(tmp_path):
    import csv
    import io

    (tmp_path / "cases").mkdir()
    case = tmp_path / "cases" / "ads.yaml"
    case.write_text(CASE, "utf-8")
    said: list[str] = []

    def echo(text="", **_how):  # click.echo's err= and nl=
        said.append(text)

    assert run_import([ADS], case, root=tmp_path, echo=echo, dry_run=True) is True
    assert case.read_text("utf-8") == CASE  # a dry run writes nothing
    assert run_import([ADS], case, root=tmp_path, echo=echo) is True
    data = yaml.safe_load(case.read_text("utf-8"))
    rows = list(csv.DictReader(io.StringIO(ADS.read_text("utf-8-sig"))))
    spend = round(sum(float(r["Amount spent (PHP)"]) for r in rows), 2)
    assert data["after"]["metrics"]["facebook"]["spend"] == spend
    assert data["series"]["facebook.spend"] == {"2025-11": spend}
    assert "# kept" in case.read_text("utf-8")
    before = case.read_text("utf-8")
    assert run_import([ADS], case, root=tmp_path, echo=echo) is False
    assert case.read_text("utf-8") == before


def test_an_edit_saved_during_the_import_is_kept(tmp_path, monkeypatch):
    import pytest

    from casebook.importers import command
    from casebook.importers.errors import ImportProblem

    (tmp_path / "cases").mkdir()
    case = tmp_path / "cases" / "ads.yaml"
    case.write_text(CASE, "utf-8")
    edited = CASE.replace('"Imported ads"', '"Ads, as I typed it a moment ago"')
    checked = command.validate_text

    def saved_meanwhile(text, target, root):  # the user saves in an editor while the exports are read
        case.write_text(edited, "utf-8")
        return checked(text, target, root)

    monkeypatch.setattr(command, "validate_text", saved_meanwhile)
    with pytest.raises(ImportProblem, match="changed while the exports were imported"):
        run_import([ADS], case, root=tmp_path, echo=lambda *a, **k: None)
    assert case.read_text("utf-8") == edited


def test_a_number_the_exports_replace_is_named_with_both_values(tmp_path):
    (tmp_path / "cases").mkdir()
    case = tmp_path / "cases" / "ads.yaml"
    case.write_text(CASE.replace("after: {}", "after: {metrics: {facebook: {spend: 1000}}}"), "utf-8")
    said: list[str] = []
    assert run_import([ADS], case, root=tmp_path, echo=lambda text="", **_how: said.append(text)) is True
    spend = yaml.safe_load(case.read_text("utf-8"))["after"]["metrics"]["facebook"]["spend"]
    assert spend != 1000
    shown = f"{spend:,.0f}" if float(spend).is_integer() else f"{spend:,.2f}"
    assert f"replaced after.metrics.facebook.spend: 1,000 (in the file) -> {shown} (from the exports)" in said
    assert not any(line.startswith("replaced series.") for line in said)  # the file had no series: filled, not replaced


def test_an_edit_saved_between_the_two_reads_is_kept(tmp_path, monkeypatch):
    """The case's model and the document filled came from two reads: an edit between them was filled over."""
    import pytest

    from casebook.importers import command
    from casebook.importers.errors import ImportProblem

    (tmp_path / "cases").mkdir()
    case = tmp_path / "cases" / "ads.yaml"
    case.write_text(CASE, "utf-8")
    edited = CASE.replace('"Imported ads"', '"Ads, saved while the import read the case"')
    read_case = command._read_case

    def saved_meanwhile(target, root):
        model = read_case(target, root)
        case.write_text(edited, "utf-8")
        return model

    monkeypatch.setattr(command, "_read_case", saved_meanwhile)
    with pytest.raises(ImportProblem, match="changed while the exports were imported"):
        run_import([ADS], case, root=tmp_path, echo=lambda *a, **k: None)
    assert case.read_text("utf-8") == edited


def test_import_into_a_linked_case_edits_the_linked_file(tmp_path):
    """A review found an import into cases/x.yaml, a link to drafts/x.yaml, replacing the link by a copy:
    the two files then held different numbers. The linked file is edited and the link stays; a link out of
    the project is refused."""
    import pytest

    from casebook.importers.command import ImportProblem

    (tmp_path / "cases").mkdir()
    (tmp_path / "drafts").mkdir()
    real = tmp_path / "drafts" / "ads.yaml"
    real.write_text(CASE, "utf-8")
    link = tmp_path / "cases" / "ads.yaml"
    link.symlink_to("../drafts/ads.yaml")
    assert run_import([ADS], link, root=tmp_path, echo=lambda *a, **k: None) is True
    assert link.is_symlink() and "spend" in real.read_text("utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(CASE, "utf-8")
    (tmp_path / "cases" / "out.yaml").symlink_to(outside)
    with pytest.raises(ImportProblem):
        run_import([ADS], tmp_path / "cases" / "out.yaml", root=tmp_path, echo=lambda *a, **k: None)
    assert outside.read_text("utf-8") == CASE
