"""Write the fixture exports of tests/corpus/exports/ (run it again to remake them byte for byte).

    .venv/bin/python tests/corpus/exports/make_exports.py

The layouts follow the formats' documentation as cited in each reader's
docstring (casebook/importers/*.py).  The numbers are made up by a seeded
random generator; the captions mix English, Filipino, Russian and emoji.
Where a real export has columns casebook does not read (the negative-feedback
columns that come and go, "Other Clicks" ...), the fixtures carry
placeholders of the same kind so the readers prove they match by name.

Client "Halo-Halo Haus", a dessert café in Cebu (made up), September to
November 2025: Facebook, Instagram and TikTok exports for its monthly
reports.  Also: a Russian TikTok export across New Year (year-less dates),
a VK statistics file in cp1251 read through a mapping, and a GA4 CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = dt.date(2025, 9, 1), dt.date(2025, 11, 30)

FB_BASE = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
           "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels",
           "Funded content status", "Data comment", "Date", "Views", "Reach", "Reactions, Comments and Shares",
           "Reactions", "Comments", "Shares", "Total clicks", "Link Clicks", "Other Clicks",
           "Matched Audience Targeting Consumption (Photo Click)", "Seconds viewed", "Average Seconds viewed"]
FB_NEGATIVE = ["Negative feedback from users: Hide all", "Negative feedback from users: Hide",
               "Negative feedback from users: Report as spam", "Negative feedback from users: Unfollow",
               "Negative feedback from users: Unlike page"]
IG_COLUMNS = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
              "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares",
              "Follows", "Comments", "Saves"]

CAPTIONS = [
    "Halo-halo season is HERE 🍧✨ Ube, leche flan, langka — lahat na!",
    "Bagong flavor alert: Mango Graham Halo-Halo 🥭 Available na sa Banilad branch!",
    "Rainy day? Libre ang extra leche flan this Friday ☔🍮",
    "Behind the scenes: how we make our ube halaya from scratch 💜",
    "Tag your halo-halo buddy 👯 and get 10% off this weekend!",
    "Our crew's favorite combo? Comment your guess below 👇",
    "Pasko na! Christmas menu drops next week 🎄",
    "Thank you, Cebu! 10,000 servings this month 🙏",
    "Ube cheese pandesal + halo-halo = perfect merienda ☕",
    "Weekend hours extended until 10 PM 🌙",
    "Student promo: show your ID, get a free topping 🎒",
    "Мороженое по-филиппински: попробуйте наш halo-halo 🇵🇭",
    "Leche flan overload 🍮🍮🍮 — sino ang game?",
    "New branch in IT Park opening soon 📍",
    "",
]
FB_TYPES = ["Photo", "Reel", "Link", "Text", "Video"]
IG_TYPES = ["IG image", "IG reel", "IG carousel"]
OPENERS = ["", "Sulit Saturday: ", "New today: ", "Throwback: ", "PSA: ", "Hello Cebu! ", "Merienda time! ", "Ngayong linggo: "]


def caption(n: int) -> str:
    """A varied caption: a base text, an opener and, for some posts, a second line of hashtags."""
    base = CAPTIONS[(n * 7) % len(CAPTIONS)]
    if not base:
        return ""
    text = OPENERS[(n // len(CAPTIONS)) % len(OPENERS)] + base
    return text + ("\n#halohalo #cebu #dessert" if n % 4 == 0 else "")


def days(a: dt.date, b: dt.date):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def write_csv(path: Path, header: list[str], rows: list[list], *, encoding="utf-8-sig", quote_all=False,
              preamble: list[str] = (), delimiter=",", newline="\r\n") -> None:
    buf = io.StringIO(newline="")
    for line in preamble:
        buf.write(line + newline)
    w = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                   lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))


# --------------------------------------------------------------------------- Facebook posts


def facebook_posts(rng: random.Random) -> list[dict]:
    posts = []
    n = 0
    for day in days(START, END):
        count = 1 + (rng.random() < 0.3)
        for k in range(count):
            n += 1
            kind = rng.choice(FB_TYPES)
            reach = rng.randint(400, 9000)
            views = reach + rng.randint(50, 6000)
            reactions, comments, shares = rng.randint(5, 400), rng.randint(0, 80), rng.randint(0, 60)
            clicks = rng.randint(0, 300)
            posts.append({
                "id": f"1227{n:08d}", "day": day, "time": f"{9 + (n * 7) % 12:02d}:{(n * 13) % 60:02d}",
                "caption": caption(n), "kind": kind, "views": views, "reach": reach,
                "reactions": reactions, "comments": comments, "shares": shares, "clicks": clicks,
                "link": rng.randint(0, clicks) if kind == "Link" else "",
            })
    return posts


def facebook_row(p: dict, columns: list[str], bump: int = 0) -> list:
    caption = p["caption"]
    in_title = p["kind"] in ("Reel", "Video")
    values = {
        "Post ID": p["id"], "Page ID": "105500000000001", "Page name": "Halo-Halo Haus Cebu",
        "Title": caption if in_title else "", "Description": "" if in_title else caption,
        "Duration (sec)": 31 if in_title else "",
        "Publish time": f"{p['day']:%m/%d/%Y} {p['time']}", "Caption type": "Original" if caption else "",
        "Permalink": f"https://www.facebook.com/105500000000001/posts/{p['id']}",
        "Is crosspost": "No", "Is share": "No", "Post type": p["kind"], "Languages": "en", "Custom labels": "",
        "Funded content status": "", "Data comment": "", "Date": "Lifetime",
        "Views": p["views"] + 3 * bump, "Reach": p["reach"] + bump,
        "Reactions, Comments and Shares": p["reactions"] + p["comments"] + p["shares"] + bump,
        "Reactions": p["reactions"] + bump, "Comments": p["comments"], "Shares": p["shares"],
        # an empty cell where a post has none of it, as Meta writes
        "Total clicks": p["clicks"] if p["clicks"] else "", "Link Clicks": p["link"],
        "Other Clicks": "", "Matched Audience Targeting Consumption (Photo Click)": "",
        "Seconds viewed": "", "Average Seconds viewed": "",
    }
    return [values.get(c, 0) for c in columns]


def make_facebook(rng: random.Random) -> list[dict]:
    posts = facebook_posts(rng)
    folder = HERE / "halohalo" / "facebook"
    # three monthly exports with 32, 34 and 33 columns; October's repeats September's last three days
    # with larger lifetime numbers (it was exported later), which must count once, from October's file
    for month, extra, lo in ((9, 3, dt.date(2025, 9, 1)), (10, 5, dt.date(2025, 9, 28)), (11, 4, dt.date(2025, 11, 1))):
        columns = FB_BASE + FB_NEGATIVE[:extra]
        hi = month_end(dt.date(2025, month, 1))
        chosen = [p for p in posts if lo <= p["day"] <= hi]
        rows = [facebook_row(p, columns, bump=7 if (month == 10 and p["day"].month == 9) else 0) for p in chosen]
        write_csv(folder / f"Facebook-posts-2025-{month:02d}.csv", columns, rows)
    return posts


# --------------------------------------------------------------------------- Meta daily series (UTF-16)


def make_daily(rng: random.Random) -> None:
    folder = HERE / "halohalo" / "facebook"
    series = {
        "Facebook follows": lambda d: rng.randint(5, 60),
        "Facebook visits": lambda d: rng.randint(80, 600),
        "Facebook link clicks": lambda d: rng.randint(10, 140),
    }
    views = {d: rng.randint(3000, 20000) for d in days(START, END)}
    viewers = {d: int(views[d] * rng.uniform(0.4, 0.8)) for d in days(START, END)}
    for name, make in series.items():
        rows = [[f"{d:%Y-%m-%d}T00:00:00", make(d)] for d in days(START, END)]
        daily_file(folder / f"{name.replace(' ', '-')}.csv", name, rows)
    daily_file(folder / "Views.csv", "Views", [[f"{d:%Y-%m-%d}T00:00:00", v] for d, v in views.items()])
    # this one without the byte-order mark: the reader must know UTF-16 LE by its zero bytes
    daily_file(folder / "Viewers.csv", "Viewers", [[f"{d:%Y-%m-%d}T00:00:00", v] for d, v in viewers.items()],
               bom=False)


def daily_file(path: Path, name: str, rows: list[list], bom: bool = True) -> None:
    buf = io.StringIO(newline="")
    buf.write("sep=,\r\n")
    buf.write(f'"{name}"\r\n')
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(["Date", "Primary"])
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xff\xfe" if bom else b"") + buf.getvalue().encode("utf-16-le"))


# --------------------------------------------------------------------------- Instagram


def make_instagram(rng: random.Random) -> None:
    folder = HERE / "halohalo" / "instagram"
    rows = []
    interactions: dict[dt.date, int] = {}
    n = 0
    for day in days(START, END):
        if not (rng.random() < 0.75 or day.day == 1 or day == month_end(day)):
            continue
        n += 1
        reach = rng.randint(300, 7000)
        views = reach + rng.randint(100, 9000)
        cap = reach // 4  # interactions stay below reach, as they do on a real account
        likes, shares, follows, comments, saves = (rng.randint(10, cap // 2), rng.randint(0, cap // 8),
                                                   rng.randint(0, 25), rng.randint(0, cap // 8),
                                                   rng.randint(0, cap // 8))
        interactions[day] = interactions.get(day, 0) + likes + shares + comments + saves
        rows.append([f"18{n:015d}", "17841400000000001", "halohalohaus", "Halo-Halo Haus",
                     caption(n * 2), 24 if n % 3 == 1 else "",
                     f"{day:%m/%d/%Y} {10 + n % 10:02d}:{(n * 17) % 60:02d}",
                     f"https://www.instagram.com/p/HHH{n:05d}x/", IG_TYPES[n % 3], "", "Lifetime",
                     views, reach, likes, shares, follows, comments, saves])
    write_csv(folder / "Instagram-posts-2025-09-01-2025-11-30.csv", IG_COLUMNS, rows)
    # page-level interactions a day: the posts' own plus those on older posts
    daily = [[f"{d:%Y-%m-%d}T00:00:00", interactions.get(d, 0) + rng.randint(20, 300)] for d in days(START, END)]
    daily_file(folder / "Content-interactions.csv", "Content interactions", daily)


# --------------------------------------------------------------------------- Meta Ads


ADS_COLUMNS = ["Campaign name", "Campaign ID", "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Reporting starts",
               "Reporting ends", "Amount spent (PHP)", "Result type", "Results", "Cost per result", "Reach",
               "Impressions", "Frequency", "Post engagements", "Link clicks"]


def make_ads(rng: random.Random) -> None:
    folder = HERE / "halohalo" / "ads"
    ads = []
    for c, (campaign, result) in enumerate((("Leads: catering inquiries", "Leads (form)"),
                                            ("Messages: Banilad branch", "Messaging conversations started"),
                                            ("Leads: catering inquiries", "Leads (form)"))):
        for s in range(2):
            for a in range(2):
                # the same ad names in every ad set: rows are told apart by Ad ID
                ads.append((campaign, f"2385{c}0000", f"Ad set {s + 1}", f"2385{c}{s}000", f"Carousel {a + 1}",
                            f"2385{c}{s}{a}01", result))
    for month in (10, 11):
        first, last = dt.date(2025, month, 1), month_end(dt.date(2025, month, 1))
        rows = []
        for campaign, cid, adset, sid, ad, aid, result in ads:
            spend = round(rng.uniform(800, 9000), 2)
            impressions = rng.randint(8000, 90000)
            reach = int(impressions / rng.uniform(1.2, 2.5))
            results = rng.randint(3, 60)
            rows.append([campaign, cid, adset, sid, ad, aid, f"{first}", f"{last}", f"{spend:.2f}", result, results,
                         f"{spend / results:.2f}", reach, impressions, f"{impressions / reach:.2f}",
                         rng.randint(100, 3000), rng.randint(50, min(2500, impressions))])
        write_csv(HERE / "halohalo" / "ads" / f"Halo-Halo-Haus-Ads-{first:%b}-2025.csv", ADS_COLUMNS, rows)
    folder.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------- TikTok Studio


EN_MONTH = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"]
RU_MONTH = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
            "ноября", "декабря"]


def tiktok_zip(path: Path, start: dt.date, end: dt.date, rng: random.Random, month_names: list[str], russian: bool,
               made: tuple | None, xlsx: bool = False) -> None:
    def shown(d: dt.date) -> str:
        return f"{d.day} {month_names[d.month - 1]}" if russian else f"{month_names[d.month - 1]} {d.day}"

    overview = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]]
    followers = [["Date", "Followers", "Difference in followers from previous day"]]
    count = rng.randint(2000, 6000)
    for i, d in enumerate(days(start, end)):
        overview.append([shown(d), rng.randint(2000, 40000), rng.randint(50, 900), rng.randint(100, 4000),
                         rng.randint(0, 300), rng.randint(0, 250)])
        diff = rng.randint(-15, 120)
        count += diff
        followers.append([shown(d), count, "undefined" if i == 0 else diff])
    content = [["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
                "Total views"]]
    n = 0
    for d in days(start, end):
        if rng.random() < 0.45:
            n += 1
            title = ("Готовим halo-halo дома 🍧 " if russian else "") + caption(n * 2 + 1)
            shares = "undefined" if n == 2 else rng.randint(0, 400)
            content.append([shown(end), title, f"https://www.tiktok.com/@halohalohaus/video/74{n:017d}", shown(d),
                            rng.randint(50, 9000), rng.randint(0, 400), shares, rng.randint(1000, 120000)])
    members = {"Overview": overview, "Content": content, "FollowerHistory": followers,
               "Viewers": [["Date", "Total Viewers", "New Viewers"]] + [[shown(d), 1, 1] for d in days(start, end)]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in members.items():
            if xlsx:
                data = _xlsx(rows)
                info = zipfile.ZipInfo(f"{name}.xlsx", date_time=made or (1980, 1, 1, 0, 0, 0))
            else:
                text = io.StringIO(newline="")
                csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
                data = text.getvalue().encode("utf-8-sig")
                info = zipfile.ZipInfo(f"{name}.csv", date_time=made or (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    # openpyxl stamps the workbook with the time it was made: keep the fixture byte-identical
    return _fixed_xlsx(data)


def _fixed_xlsx(data: bytes) -> bytes:
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2026-02-01T00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 2, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, body)
    return out.getvalue()


# --------------------------------------------------------------------------- VK (cp1251) and GA4, through mappings


def make_vk(rng: random.Random) -> None:
    header = ["Дата", "Охват подписчиков", "Виральный охват", "Рекламный охват", "Полный охват", "Посетители",
              "Лайки", "Комментарии", "Репосты", "Вступившие", "Вышедшие"]
    rows = []
    for d in days(dt.date(2025, 8, 1), dt.date(2025, 10, 31)):
        subs, viral, ads = rng.randint(500, 3000), rng.randint(0, 1500), rng.randint(0, 4000)
        total = subs + viral + ads - rng.randint(0, 300)
        rows.append([f"{d:%d.%m.%Y}", subs, viral, ads, max(total, subs), rng.randint(50, 500), rng.randint(10, 300),
                     rng.randint(0, 60), rng.randint(0, 40), rng.randint(0, 50), rng.randint(0, 20)])
    write_csv(HERE / "vk" / "vk-community-stats.csv", header, rows, encoding="cp1251", delimiter=";")


def make_ga4(rng: random.Random) -> None:
    lines = ["# ----------------------------------------", "# Traffic acquisition: Session source / medium",
             "# Account: Halo-Halo Haus", "# Property: halohalohaus.ph", "# ----------------------------------------",
             "# ", "# Start date: 20251001", "# End date: 20251130"]
    rows = []
    for d in days(dt.date(2025, 10, 1), dt.date(2025, 11, 30)):
        for source in ("instagram / social", "l.instagram.com / referral", "google / organic", "(direct) / (none)"):
            rows.append([f"{d:%Y%m%d}", source, rng.randint(5, 200), rng.randint(0, 12)])
    write_csv(HERE / "ga4" / "ga4-traffic-acquisition.csv", ["Date", "Session source / medium", "Sessions",
                                                             "Key events"], rows, encoding="utf-8",
              preamble=lines, newline="\n")


def main() -> None:
    rng = random.Random(20251130)
    make_facebook(rng)
    make_daily(rng)
    make_instagram(rng)
    make_ads(rng)
    tiktok_zip(HERE / "halohalo" / "tiktok" / "TikTok-Studio-analytics.zip", START, END, rng, EN_MONTH, False,
               (2025, 12, 2, 9, 30, 0))
    # Russian interface, across New Year, dates like "18 января"; the zip says when it was made
    tiktok_zip(HERE / "tiktok-ru" / "tiktok-studio-ru.zip", dt.date(2025, 11, 15), dt.date(2026, 1, 31), rng,
               RU_MONTH, True, (2026, 2, 2, 8, 0, 0))
    # the same kind of export with no date in the zip: the year must come from --year or the case
    tiktok_zip(HERE / "tiktok-ru" / "tiktok-studio-undated.zip", dt.date(2025, 11, 15), dt.date(2026, 1, 31), rng,
               RU_MONTH, True, None)
    tiktok_zip(HERE / "tiktok-xlsx" / "tiktok-studio-xlsx.zip", dt.date(2025, 12, 1), dt.date(2026, 1, 31), rng,
               EN_MONTH, False, (2026, 2, 1, 0, 0, 0), xlsx=True)
    make_vk(rng)
    make_ga4(rng)


if __name__ == "__main__":
    main()
