"""casebook.importers.meta_ads: Meta Ads Manager reports, one row an ad and reporting period."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from casebook.importers import detect, meta_ads
from casebook.importers.base import Options
from casebook.importers.table import collect

ADS = Path(__file__).resolve().parents[1] / "corpus" / "exports" / "halohalo" / "ads" / "Halo-Halo-Haus-Ads-Nov-2025.csv"


def test_spend_results_and_clicks_of_each_ad_in_the_report_currency():
    table = detect.table_of(collect([ADS])[0])
    assert meta_ads.matches(table.header)
    export = meta_ads.read(table, Options(platform="facebook"))
    assert export.currency == "PHP" and export.format == "meta-ads"
    first = export.rows[0]
    # Carousel 1 of "Leads: catering inquiries": 1432.41 spent, 46 form leads, 35279 impressions, 870 link clicks
    assert (first.kind, first.start, first.end) == ("span", dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    assert first.values == {"spend": 1432.41, "impressions": 35279, "clicks": 870, "leads": 46, "messages": 0}
    assert first.key[2] == "238500001"  # told apart by Ad ID
    # every ad row, and the spend adds up to the file's own column
    rows = list(csv.DictReader(io.StringIO(ADS.read_text("utf-8-sig"))))
    assert len(export.rows) == len(rows)
    assert abs(sum(r.values["spend"] for r in export.rows) - sum(float(r["Amount spent (PHP)"]) for r in rows)) < 1e-6
