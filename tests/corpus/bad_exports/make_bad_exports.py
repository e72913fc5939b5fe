"""Write the bad-import collection (run it again to remake the files byte for byte).

    .venv/bin/python tests/corpus/bad_exports/make_bad_exports.py

Each NAME (a file or a folder) goes with NAME.expect: the exact last line
``casebook import`` prints (after "casebook: "), and optionally NAME.args:
extra arguments, one a line ({docs} stands for docs/import).  Every one is imported into the same monthly
report (November 2025; Facebook, Instagram and TikTok; PHP): see
tests/importers/test_bad_exports.py.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

FB = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time", "Caption type",
      "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels", "Funded content status",
      "Data comment", "Date", "Views", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares",
      "Total clicks", "Link Clicks"]
ADS = ["Campaign name", "Campaign ID", "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Reporting starts",
       "Reporting ends", "Amount spent (PHP)", "Result type", "Results", "Cost per result", "Reach", "Impressions",
       "Frequency", "Post engagements", "Link clicks"]


def fb_row(post: str, when: str = "11/05/2025 10:00", reach="1200", **over) -> list[str]:
    row = {"Post ID": post, "Page ID": "1055", "Page name": "Halo-Halo Haus", "Description": "Ube 🍧 halo-halo",
           "Publish time": when, "Permalink": f"https://www.facebook.com/1055/posts/{post}", "Post type": "Photo",
           "Date": "Lifetime", "Views": "2500", "Reach": reach, "Reactions, Comments and Shares": "60",
           "Reactions": "40", "Comments": "12", "Shares": "8", "Total clicks": "30", "Link Clicks": ""}
    row.update(over)
    return [row.get(c, "") for c in FB]


def csv_bytes(header, rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def daily(name: str, rows: list[tuple[str, str]]) -> bytes:
    text = "sep=,\r\n" + f'"{name}"\r\n' + '"Date","Primary"\r\n' + "".join(f'"{d}","{v}"\r\n' for d, v in rows)
    return b"\xff\xfe" + text.encode("utf-16-le")


def ads_row(ad: str, start="2025-11-01", end="2025-11-30", spend="1500.00") -> list[str]:
    return ["Leads", "101", "Set A", "201", "Carousel 1", ad, start, end, spend, "Leads (form)", "10", "150.00",
            "5000", "9000", "1.8", "300", "400"]


def tiktok_zip(overview: list[list[str]], dated: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        text = io.StringIO(newline="")
        csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]] + overview)
        info = zipfile.ZipInfo("Overview.csv", date_time=(2025, 12, 2, 0, 0, 0) if dated else (1980, 1, 1, 0, 0, 0))
        z.writestr(info, text.getvalue().encode("utf-8-sig"))
    return buf.getvalue()


def days(month: str, first: int, last: int) -> list[list[str]]:
    return [[f"{month} {d}", "1000", "20", "100", "5", "3"] for d in range(first, last + 1)]


BAD: dict[str, tuple[bytes | dict[str, bytes], str, list[str]]] = {
    "not-an-export.csv": (
        csv_bytes(["Name", "Value"], [["a", "1"]], encoding="utf-8"),
        "exports/not-an-export.csv: not an export casebook knows (its header: 'Name', 'Value'); tried: "
        "Meta Business Suite: Facebook posts (Post ID, Page ID, Publish time, Permalink, Reach); "
        "Meta Business Suite: Instagram posts (Post ID, Account ID, Account username, Publish time, Permalink, Reach); "
        "Meta Business Suite: page-level daily series (sep=, line, the metric's name, Date, Primary); "
        "Meta Ads Manager report (Ad ID, Reporting starts, Reporting ends, Amount spent (CUR)); "
        "TikTok Studio: Overview (Date, Video Views, Profile Views, Likes, Comments, Shares); "
        "TikTok Studio: Content (Video title, Video link, Post time, Total likes, Total comments, Total shares, "
        "Total views); TikTok Studio: FollowerHistory (Date, Followers, Difference in followers from previous day); "
        "for another platform's export write a mapping file (--map)", []),
    "empty.csv": (b"", "exports/empty.csv: the file is empty", []),
    "binary.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                   "exports/binary.png: a binary file, not a text or spreadsheet export", []),
    "fb-posts-bad-number.csv": (
        csv_bytes(FB, [fb_row("1"), fb_row("2", reach="12a")]),
        "exports/fb-posts-bad-number.csv:3:19: Reach: '12a' is not a number", []),
    "fb-posts-negative.csv": (
        csv_bytes(FB, [fb_row("1", reach="-5")]),
        "exports/fb-posts-negative.csv:2:19: Reach: '-5' is negative; a count cannot be", []),
    "fb-posts-fraction.csv": (
        csv_bytes(FB, [fb_row("1", reach="12.5")]),
        "exports/fb-posts-fraction.csv:2:19: Reach: '12.5' is not a whole number", []),
    "fb-posts-day-month.csv": (
        csv_bytes(FB, [fb_row("1"), fb_row("2", when="31/10/2025 10:00")]),
        "exports/fb-posts-day-month.csv:3:7: Publish time: '31/10/2025 10:00' reads as day/month/year; this export "
        "writes month/day/year: check the file was not re-saved with another date format", []),
    "fb-posts-empty-id.csv": (
        csv_bytes(FB, [fb_row("1"), fb_row("")]),
        "exports/fb-posts-empty-id.csv:3:1: Post ID: the cell is empty; every post row has an id "
        "(the file may be cut short)", []),
    "fb-posts-twice.csv": (
        csv_bytes(FB, [fb_row("1"), fb_row("2"), fb_row("1")]),
        "exports/fb-posts-twice.csv:4: Post ID '1' appears twice in the file (also on line 2); export it again", []),
    "fb-posts-truncated.csv": (
        csv_bytes(FB, [fb_row("1")]) + b'2,1055,Halo-Halo Haus,,"Ube \xf0\x9f\x8d\xa7 and the rest of the capt',
        "exports/fb-posts-truncated.csv:3: the last row ends inside a quoted value; the file was cut short: "
        "download the export again", []),
    "fb-posts-header-only.csv": (
        csv_bytes(FB, []), "exports/fb-posts-header-only.csv: the export has a header but no rows", []),
    "fb-posts-no-metrics.csv": (
        csv_bytes(["Post ID", "Page ID", "Page name", "Publish time", "Permalink"],
                  [["1", "1055", "Halo", "11/05/2025 10:00", "https://www.facebook.com/1055/posts/1"]]),
        "exports/fb-posts-no-metrics.csv:1: a Meta Business Suite: Facebook posts export needs at least one of the "
        "columns 'Views', 'Reach', 'Reactions, Comments and Shares', 'Reactions', 'Comments', 'Shares', "
        "'Total clicks'", []),
    "fb-posts-latin1.csv": (
        "Post ID,Page ID,Publish time,Reach\r\n1,1055,11/05/2025 10:00,12\r\n2,1055,11/06/2025 10:00,5 Café\r\n"
        .encode("latin-1"),
        "exports/fb-posts-latin1.csv: the text is neither UTF-8, UTF-16 nor Windows-1251 (cp1251); save it as "
        "UTF-8 or name its encoding in a mapping file", []),
    "fb-posts-broken-utf8.csv": (
        b"\xef\xbb\xbf" + csv_bytes(FB, [fb_row("1")], encoding="utf-8") + b"2,1055,\xff\xfe\r\n",
        "exports/fb-posts-broken-utf8.csv:3: the file says it is UTF-8 but byte 442 is not; it was changed by "
        "another program or cut; export it again", []),
    "instagram-for-tiktok-platform.csv": (
        csv_bytes(["Post ID", "Account ID", "Account username", "Account name", "Description", "Publish time",
                   "Permalink", "Post type", "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"],
                  [["1", "17841", "halo", "Halo", "🍧", "11/05/2025 10:00", "https://www.instagram.com/p/x/",
                    "IG image", "900", "500", "40", "2", "1", "3", "4"]]),
        "exports/instagram-for-tiktok-platform.csv: this export is for instagram; --platform tiktok does not fit it",
        ["--platform", "tiktok"]),
    "meta-daily-unknown-metric.csv": (
        daily("Page likes", [("2025-11-01T00:00:00", "20")]),
        "exports/meta-daily-unknown-metric.csv:2: the metric 'Page likes' is not one casebook knows in a daily "
        "Meta file; known: 'Facebook follows', 'Content interactions', 'Facebook visits', 'Views', 'Viewers', "
        "'Facebook link clicks'; "
        "use a mapping file (--map) for others", []),
    "meta-daily-which-platform.csv": (
        daily("Views", [("2025-11-01T00:00:00", "20")]),
        "exports/meta-daily-which-platform.csv: a Meta 'Views' series can be Facebook or Instagram and the file "
        "does not say which; add --platform facebook or --platform instagram", []),
    "meta-daily-day-twice.csv": (
        daily("Facebook follows", [("2025-11-01T00:00:00", "20"), ("2025-11-02T00:00:00", "3"),
                                   ("2025-11-01T00:00:00", "20")]),
        "exports/meta-daily-day-twice.csv:6: the day 2025-11-01 appears twice (also on line 4); export it again", []),
    "meta-daily-utf16-cut.csv": (
        daily("Facebook follows", [("2025-11-01T00:00:00", "20")])[:-1],
        "exports/meta-daily-utf16-cut.csv: starts like UTF-16 text but is cut or damaged; download the export again",
        []),
    "ads-other-currency.csv": (
        csv_bytes([h.replace("(PHP)", "(USD)") for h in ADS], [ads_row("301")]),
        "exports/ads-other-currency.csv:1:9: Amount spent (USD): the spend is in USD but the case's currency is PHP; "
        "export the report in PHP or import it into a USD case", []),
    "ads-mixed-currencies.csv": (
        csv_bytes(ADS + ["Amount spent (USD)"], [ads_row("301") + ["30.00"]]),
        "exports/ads-mixed-currencies.csv:1: the export mixes currencies (PHP, USD); export each ad account on its "
        "own", []),
    "ads-no-ad-id.csv": (
        csv_bytes([h for h in ADS if h != "Ad ID"], [[v for i, v in enumerate(ads_row("301")) if i != 5]]),
        "exports/ads-no-ad-id.csv:1: a Meta Ads Manager report needs the column 'Ad ID' (ad names repeat, so rows "
        "are told apart by their id); add it in Ads Manager: Columns > Customise columns > Ad ID, and export again",
        []),
    "ads-ends-before-starts.csv": (
        csv_bytes(ADS, [ads_row("301", start="2025-11-30", end="2025-11-01")]),
        "exports/ads-ends-before-starts.csv:2:8: Reporting ends: 2025-11-01 is before Reporting starts (2025-11-30)",
        []),
    "ads-two-breakdowns": (
        {"month.csv": csv_bytes(ADS, [ads_row("301")]),
         "days.csv": csv_bytes(ADS, [ads_row("301", "2025-11-05", "2025-11-05", "50.00")])},
        "exports/ads-two-breakdowns/days.csv:2: ad 301 covers 2025-11-05 to 2025-11-05, overlapping its row "
        "2025-11-01 to 2025-11-30 in exports/ads-two-breakdowns/month.csv:2; its spend would count twice: export "
        "every report with the same time breakdown", []),
    "vk-into-a-meta-report.csv": (
        "Дата;Полный охват;Посетители;Лайки;Комментарии;Репосты;Вступившие;Вышедшие\r\n"
        "01.11.2025;1200;80;30;4;2;5;1\r\n".encode("cp1251"),
        "exports/vk-into-a-meta-report.csv: a vk export, but the case's platforms are facebook, instagram, tiktok; "
        "add vk to 'platforms' or import it into another case", ["--map", "{docs}/vk.map.yaml"]),
    "tiktok-no-year-fits.zip": (
        tiktok_zip(days("March", 1, 31), dated=False),
        "exports/tiktok-no-year-fits.zip:Overview.csv: the dates have no year (March 1 to March 31) and no year puts "
        "them inside the case's periods; pass --year with the year of the export's latest date", []),
    "tiktok-feb-29.zip": (
        tiktok_zip(days("February", 27, 29), dated=False),
        "exports/tiktok-feb-29.zip:Overview.csv:4:1: Date: February 29 does not exist in 2025; check --year",
        ["--year", "2025"]),
    "tiktok-bad-date.zip": (
        tiktok_zip(days("November", 1, 3) + [["Smarch 4", "1", "1", "1", "1", "1"]]),
        "exports/tiktok-bad-date.zip:Overview.csv:5:1: Date: 'Smarch 4' is not a date (expected e.g. 'January 18' "
        "or '18 января')", []),
    "tiktok-bad-number.zip": (
        tiktok_zip(days("November", 1, 3) + [["November 4", "12k", "1", "1", "1", "1"]]),
        "exports/tiktok-bad-number.zip:Overview.csv:5:2: Video Views: '12k' is not a number", []),
    "tiktok-cut.zip": (
        tiktok_zip(days("November", 1, 30))[:300],
        "exports/tiktok-cut.zip: not a readable zip file (File is not a zip file); download the export again", []),
}


def main() -> None:
    for name, (content, message, args) in BAD.items():
        path = HERE / name
        if isinstance(content, dict):
            path.mkdir(exist_ok=True)
            for member, data in content.items():
                (path / member).write_bytes(data)
        else:
            path.write_bytes(content)
        (HERE / f"{name}.expect").write_text(message + "\n", "utf-8")
        if args:
            (HERE / f"{name}.args").write_text("\n".join(args) + "\n", "utf-8")


if __name__ == "__main__":
    main()
