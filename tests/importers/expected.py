"""What the fixture exports add up to, computed here from their rows with the csv module alone.

Nothing here imports casebook: these sums are the independent side of every
comparison in test_import_formats.py.  Each function returns
``{metric: {month: value}}`` for flows and ``{metric: {date: value}}`` (the
day's value) for stocks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from pathlib import Path

EXPORTS = Path(__file__).resolve().parents[1] / "corpus" / "exports"
HALO = EXPORTS / "halohalo"


def _rows(data: bytes, encoding: str, skip: int = 0, delimiter: str = ",") -> list[dict]:
    text = data.decode(encoding)
    lines = text.splitlines()[skip:]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter))


def _month(d: dt.date) -> str:
    return f"{d:%Y-%m}"


def _num(text: str) -> float:
    return float(text) if text.strip() else 0.0


def facebook_posts(files=None) -> dict:
    files = files or sorted((HALO / "facebook").glob("Facebook-posts-*.csv"))
    posts: dict[str, dict] = {}
    for f in files:  # the files in month order: a later file's copy of a post is the newer one
        for row in _rows(f.read_bytes(), "utf-8-sig"):
            posts[row["Post ID"]] = row
    out: dict = defaultdict(lambda: defaultdict(float))
    for row in posts.values():
        month = _month(dt.datetime.strptime(row["Publish time"], "%m/%d/%Y %H:%M").date())
        for column, metric in (("Views", "views"), ("Reach", "reach"), ("Reactions, Comments and Shares", "engagements"),
                               ("Reactions", "likes"), ("Comments", "comments"), ("Shares", "shares"),
                               ("Total clicks", "clicks")):
            out[metric][month] += _num(row[column])
        out["posts"][month] += 1
    return out


def facebook_posts_by_id(files=None) -> dict[str, dict]:
    files = files or sorted((HALO / "facebook").glob("Facebook-posts-*.csv"))
    posts = {}
    for f in files:
        for row in _rows(f.read_bytes(), "utf-8-sig"):
            posts[row["Post ID"]] = row
    return posts


DAILY = {"Facebook follows": "follows", "Facebook visits": "visits", "Facebook link clicks": "clicks",
         "Views": "views", "Viewers": "reach", "Content interactions": "engagements"}


def meta_daily(folder: Path, names=None) -> dict:
    out: dict = defaultdict(lambda: defaultdict(float))
    for f in sorted(folder.glob("*.csv")):
        data = f.read_bytes()
        if data[:2] != b"\xff\xfe" and data[1:2] != b"\x00":
            continue  # not a UTF-16 daily file (the posts exports share the folder)
        text = data.decode("utf-16") if data[:2] == b"\xff\xfe" else data.decode("utf-16-le")
        lines = text.splitlines()
        if not lines or lines[0] != "sep=,":
            continue
        name = lines[1].strip('"')
        if names is not None and name not in names:
            continue
        for row in csv.DictReader(io.StringIO("\n".join(lines[2:]))):
            out[DAILY[name]][row["Date"][:7]] += float(row["Primary"])
    return out


def instagram() -> dict:
    out: dict = defaultdict(lambda: defaultdict(float))
    f = next((HALO / "instagram").glob("Instagram-posts-*.csv"))
    for row in _rows(f.read_bytes(), "utf-8-sig"):
        month = _month(dt.datetime.strptime(row["Publish time"], "%m/%d/%Y %H:%M").date())
        for column in ("Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"):
            out[column.lower()][month] += _num(row[column])
        out["posts"][month] += 1
    # engagements: the page-level daily "Content interactions" file is the more direct source
    out["engagements"] = meta_daily(HALO / "instagram")["engagements"]
    return out


def ads() -> dict:
    out: dict = defaultdict(lambda: defaultdict(float))
    for f in sorted((HALO / "ads").glob("*.csv")):
        for row in _rows(f.read_bytes(), "utf-8-sig"):
            month = row["Reporting starts"][:7]
            assert row["Reporting ends"][:7] == month
            out["spend"][month] += float(row["Amount spent (PHP)"])
            out["impressions"][month] += float(row["Impressions"])
            out["clicks"][month] += float(row["Link clicks"])
            kind = "leads" if "lead" in row["Result type"].lower() else "messages"
            out[kind][month] += float(row["Results"])
            out["leads" if kind == "messages" else "messages"][month] += 0
    return out


EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november", "december"]
RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
      "декабря"]


def _tiktok_date(text: str, first_year: int, last: list) -> dt.date:
    """Dates in file order, starting in first_year; a month smaller than the last one's means a new year."""
    a, b = text.split(" ")
    month, day = (EN.index(a.lower()) + 1, int(b)) if a.lower() in EN else (RU.index(b) + 1, int(a))
    year = first_year if not last else last[-1].year + (month < last[-1].month)
    d = dt.date(year, month, day)
    last.append(d)
    return d


def tiktok(zip_path: Path, first_year: int) -> dict:
    z = zipfile.ZipFile(zip_path)
    out: dict = defaultdict(lambda: defaultdict(float))
    members = {Path(n).stem: n for n in z.namelist()}

    def table(name):
        data = z.read(members[name])
        if members[name].endswith(".xlsx"):
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
            rows = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(values_only=True)]
            return [dict(zip(rows[0], r)) for r in rows[1:]]
        return _rows(data, "utf-8-sig")

    seen: list = []
    for row in table("Overview"):
        month = _month(_tiktok_date(row["Date"], first_year, seen))
        for column, metric in (("Video Views", "views"), ("Profile Views", "visits"), ("Likes", "likes"),
                               ("Comments", "comments"), ("Shares", "shares")):
            out[metric][month] += float(row[column])
        out["engagements"][month] += float(row["Likes"]) + float(row["Comments"]) + float(row["Shares"])
    seen = []
    for row in table("FollowerHistory"):
        out["followers"][_tiktok_date(row["Date"], first_year, seen)] = float(row["Followers"])
    last_day = seen[-1]
    for row in table("Content"):
        a, b = row["Post time"].split(" ")
        month_no = EN.index(a.lower()) + 1 if a.lower() in EN else RU.index(b) + 1
        year = last_day.year if month_no <= last_day.month else last_day.year - 1
        out["posts"][f"{year}-{month_no:02d}"] += 1
    return out


def vk() -> dict:
    out: dict = defaultdict(lambda: defaultdict(float))
    rows = _rows((EXPORTS / "vk" / "vk-community-stats.csv").read_bytes(), "cp1251", delimiter=";")
    for row in rows:
        month = _month(dt.datetime.strptime(row["Дата"], "%d.%m.%Y").date())
        for column, metric in (("Полный охват", "reach"), ("Посетители", "visits"), ("Лайки", "likes"),
                               ("Комментарии", "comments"), ("Репосты", "shares"), ("Вступившие", "follows"),
                               ("Вышедшие", "unfollows")):
            out[metric][month] += float(row[column])
        out["engagements"][month] += float(row["Лайки"]) + float(row["Комментарии"]) + float(row["Репосты"])
    return out


def ga4() -> dict:
    out: dict = defaultdict(lambda: defaultdict(float))
    lines = [ln for ln in (EXPORTS / "ga4" / "ga4-traffic-acquisition.csv").read_text("utf-8").splitlines()
             if not ln.startswith("#")]
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        if row["Session source / medium"] in ("instagram / social", "l.instagram.com / referral"):
            month = f"{row['Date'][:4]}-{row['Date'][4:6]}"
            out["sessions"][month] += float(row["Sessions"])
            out["leads"][month] += float(row["Key events"])
    return out
