"""casebook.importers.detect: an export's format is told from its content, never from its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.importers import detect
from casebook.importers.base import Options
from casebook.importers.errors import ImportProblem
from casebook.importers.table import RawFile, collect

HALO = Path(__file__).resolve().parents[1] / "corpus" / "exports" / "halohalo"


def test_each_known_export_goes_to_its_reader_whatever_its_name():
    files = collect([HALO / "facebook" / "Facebook-posts-2025-11.csv", HALO / "facebook" / "Views.csv",
                     HALO / "ads" / "Halo-Halo-Haus-Ads-Nov-2025.csv", HALO / "tiktok" / "TikTok-Studio-analytics.zip"])
    formats = {}
    for f in files:
        renamed = RawFile("export.csv", f.data, f.mtime, container_date=f.container_date)
        platform = None if "TikTok" in f.name else "facebook"  # Meta's daily series does not say which platform
        if not f.name.endswith("Viewers.csv"):  # TikTok's viewer counts: not imported
            formats[f.name.rsplit("/", 1)[-1]] = detect.read_export(renamed, Options(platform=platform)).format
    assert formats["Facebook-posts-2025-11.csv"] == "meta-facebook-posts"
    assert formats["Views.csv"] == "meta-daily"
    assert formats["Halo-Halo-Haus-Ads-Nov-2025.csv"] == "meta-ads"
    assert formats["TikTok-Studio-analytics.zip:Overview.csv"] == "tiktok-overview"
    assert formats["TikTok-Studio-analytics.zip:FollowerHistory.csv"] == "tiktok-followers"
    tiktok = next(f for f in files if f.name.endswith("Overview.csv"))
    with pytest.raises(ImportProblem, match="this export is for tiktok; --platform facebook does not fit it"):
        detect.read_export(tiktok, Options(platform="facebook"))


def test_an_unknown_or_empty_file_says_what_it_saw_and_what_was_tried():
    with pytest.raises(ImportProblem, match=r"not an export casebook knows \(its header: 'Day', 'Sales'\).*--map"):
        detect.read_export(RawFile("sales.csv", b"Day,Sales\n2025-01-01,5\n", 0.0), Options())
    with pytest.raises(ImportProblem, match="empty.csv: the file is empty"):
        detect.read_export(RawFile("empty.csv", b"", 0.0), Options())
