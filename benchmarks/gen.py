"""Synthetic SMM cases for the benchmark: N realistic case files in a temporary project.

The mix follows the demo cases in ``cases/``: locales en / ru / en-PH with
their currencies and platforms, 1-3 platforms a case, before/after numbers
that pass every cross-field check, monthly series, goals, actions with all
three kinds of ``when``, testimonials, lessons, media images (small PNGs
made here, a few shared per media folder; private cases and reports have
their own folders, since a public case may not publish a private one's
file), some private cases (NDA) and
monthly client reports (private by default).

Everything is deterministic for a given (N, seed): the same files every run.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

LOCALES = [("en", 0.5), ("ru", 0.3), ("en-PH", 0.2)]
CURRENCY = {"en": ["USD", "USD", "EUR", "GBP"], "ru": ["RUB"], "en-PH": ["PHP"]}
PLATFORMS = {
    "en": ["instagram", "facebook", "tiktok", "linkedin", "youtube", "x", "threads", "pinterest"],
    "ru": ["vk", "telegram", "ok", "dzen", "youtube", "rutube"],
    "en-PH": ["facebook", "tiktok", "instagram", "youtube"],
}
INDUSTRIES = ["food-and-beverage", "beauty", "education", "real-estate", "fashion", "b2b-saas", "fitness",
              "retail", "healthcare", "travel", "automotive", "finance"]
TAGS = ["horeca", "local-business", "vk-ads", "contests", "lead-generation", "skincare", "ecommerce",
        "tiktok-ads", "influencers", "ugc", "b2b", "linkedin-ads", "thought-leadership", "video", "reels",
        "community", "telegram-channel", "seeding", "retargeting", "brand-awareness", "launch", "events",
        "education", "webinars", "real-estate", "lead-forms", "fashion", "giveaways", "shop-ads", "crm",
        "email", "chatbots", "messenger", "pinterest-ads", "youtube-shorts", "podcasts", "employer-brand",
        "recruiting", "charity", "tourism", "fitness", "wellness", "automotive", "fintech", "saas",
        "ppc", "analytics", "monthly-report", "rebranding", "crisis", "reputation", "memes", "live",
        "stories", "carousel", "ab-testing", "lookalike", "geo-targeting", "seasonal", "black-friday"]

# Syllables for client names nobody writes in running text (the loader and the
# audit look for undisclosed names word by word).
SYL_LAT = ["zor", "vel", "kan", "tri", "mox", "lun", "bra", "qui", "dex", "fal", "nor", "pim", "sar", "tov",
           "wex", "yul", "gri", "hap", "jor", "ket"]
SYL_CYR = ["зор", "вел", "кан", "три", "мок", "лун", "бра", "дэк", "фал", "нор", "пим", "сар", "тов",
           "векс", "юл", "гри", "хап", "жор", "кет", "мир"]
KIND_LAT = ["Studio", "Coffee", "Clinic", "Academy", "Homes", "Wear", "Labs", "Fitness", "Travel", "Motors"]
KIND_CYR = ["студия", "кофейня", "клиника", "школа", "девелопмент", "ателье", "лаборатория", "фитнес-клуб"]

TEXT_EN = [
    "We rebuilt the content plan around three pillars and posted on a fixed schedule.",
    "Paid social ran on a small budget first, and only ads that beat the benchmark were scaled.",
    "Every month the client saw leads, cost per lead and revenue, not only likes.",
    "Short videos filmed in batches kept the feed alive without a production team.",
    "Retargeting of video viewers brought the cheapest orders of the campaign.",
    "Comments were answered within an hour, which doubled the reply rate.",
    "A giveaway brought a spike of followers; a third of them left within a month.",
    "Creators were briefed in their own language, and their videos did twice as well.",
]
TEXT_RU = [
    "Пересобрали контент-план вокруг трёх рубрик и публиковались по графику.",
    "Рекламу сначала запускали на малом бюджете и масштабировали только лучшие объявления.",
    "Каждый месяц клиент видел заявки, цену заявки и выручку, а не только лайки.",
    "Короткие видео снимали пачками, поэтому лента жила без продакшена.",
    "Ретаргетинг на зрителей видео дал самые дешёвые заказы за кампанию.",
    "На комментарии отвечали в течение часа, и доля ответов выросла вдвое.",
    "Розыгрыш дал всплеск подписчиков, но треть отписалась за месяц.",
    "Блогерам давали бриф на их языке, и их видео сработали вдвое лучше.",
]
ACTIONS_EN = ["Audit and strategy", "Content pillars and a launch", "Paid social with lead forms",
              "Micro-influencer seeding", "Retargeting of video viewers", "A giveaway for subscribers",
              "Community management", "Shop ads with Messenger checkout", "Webinar series", "UGC contest"]
ACTIONS_RU = ["Аудит и стратегия", "Запуск канала и рубрик", "Таргетированная реклама с лид-формами",
              "Посевы у микроблогеров", "Ретаргетинг на зрителей видео", "Розыгрыш среди подписчиков",
              "Работа с комментариями", "Серия вебинаров", "Конкурс пользовательского контента",
              "Видео со съёмочной площадки"]
COUNT_GOALS = ["followers", "leads", "orders", "reach"]
RATIO_GOALS = ["cpl", "er", "cpa", "romi", "ctr", "cpc"]

MEDIA_FOLDERS = 24  # media/set-XX, each shared by several cases
MEDIA_FILES = ("cover.png", "logo.png", "stats.png", "post.png")


@dataclass
class Generated:
    root: Path
    n: int
    public: int
    private: int
    reports: int
    public_slugs: list[str]


# --------------------------------------------------------------------------
# Images


def _png(width: int, height: int, rng: random.Random, alpha: bool = False) -> bytes:
    """A small PNG: a bar chart on a tinted background, with noise so it does not compress to nothing."""
    from PIL import Image, ImageChops, ImageDraw

    bg = tuple(rng.randrange(200, 256) for _ in range(3))
    fg = tuple(rng.randrange(0, 160) for _ in range(3))
    im = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(im)
    bars = 12
    for b in range(bars):
        h = rng.randrange(height // 5, height - 4)
        x0 = b * width // bars + 2
        draw.rectangle([x0, height - h, x0 + width // bars - 5, height - 1], fill=fg)
    w4, h4 = max(1, width // 4), max(1, height // 4)
    noise = Image.frombytes("L", (w4, h4), bytes(v % 8 for v in rng.randbytes(w4 * h4))).resize((width, height), Image.NEAREST)
    im = ImageChops.add(im, Image.merge("RGB", (noise, noise, noise)))
    if alpha:
        mask = Image.new("L", (width, height), 255)
        ImageDraw.Draw(mask).ellipse([0, 0, width - 1, height - 1], fill=255)
        ImageDraw.Draw(mask).rectangle([0, 0, width // 6, height // 6], fill=0)
        im.putalpha(mask)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def make_media(cases_dir: Path, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(MEDIA_FOLDERS):
        folder = cases_dir / "media" / f"set-{i:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cover.png").write_bytes(_png(480, 270, rng))
        (folder / "logo.png").write_bytes(_png(96, 96, rng, alpha=True))
        (folder / "stats.png").write_bytes(_png(360, 220, rng))
        (folder / "post.png").write_bytes(_png(240, 300, rng))
    other = random.Random(seed + 1)  # the public sets' bytes as before
    for i in range(MEDIA_FOLDERS):
        folder = cases_dir / "media" / f"private-{i:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, (w, h, alpha) in {"cover.png": (480, 270, False), "logo.png": (96, 96, True),
                                    "stats.png": (360, 220, False), "post.png": (240, 300, False)}.items():
            (folder / name).write_bytes(_png(w, h, other, alpha=alpha))


# --------------------------------------------------------------------------
# Cases


def _months(start: dt.date, end: dt.date) -> list[str]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def _month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _metrics(rng: random.Random, platform: str, scale: float, paid: bool, stage: str) -> dict:
    """Numbers for one platform that pass casebook's checks (parts <= wholes)."""
    followers = int(rng.randrange(800, 40_000) * scale)
    reach = int(followers * rng.uniform(1.5, 6.0))
    impressions = int(reach * rng.uniform(1.6, 3.0))
    engagements = int(reach * rng.uniform(0.02, 0.09))
    likes = int(engagements * 0.6)
    comments = int(engagements * 0.12)
    shares = int(engagements * 0.1)
    saves = int(engagements * 0.08)
    m: dict = {"followers": followers, "reach": reach}
    style = rng.random()
    if platform in ("facebook", "instagram", "tiktok", "youtube", "telegram", "threads"):
        m["views"] = impressions
    else:
        m["impressions"] = impressions
    m["engagements"] = engagements
    if style < 0.5:
        m.update({"likes": likes, "comments": comments, "shares": shares})
        if style < 0.25:
            m["saves"] = saves
    if paid and stage != "before":
        m["clicks"] = int(impressions * rng.uniform(0.006, 0.03))
        m["leads"] = max(1, int(m["clicks"] * rng.uniform(0.03, 0.12)))
        m["spend"] = round(m["leads"] * rng.uniform(2, 40) * (90 if scale > 50 else 1), 0)
        if rng.random() < 0.4:
            m["orders"] = max(1, int(m["leads"] * rng.uniform(0.2, 0.8)))
            m["revenue"] = round(m["spend"] * rng.uniform(1.2, 6.0), 0)
    elif stage == "before" and rng.random() < 0.3:
        m["leads"] = rng.randrange(0, 20)
    return m


def _client_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(latin name, cyrillic name) pairs, unique, made of invented words."""
    seen = set()
    out = []
    while len(out) < count:
        a, b, c = rng.sample(range(len(SYL_LAT)), 3)
        k = rng.randrange(len(KIND_LAT))
        lat = f"{SYL_LAT[a].capitalize()}{SYL_LAT[b]}{SYL_LAT[c]} {KIND_LAT[k]}"
        cyr = f"{KIND_CYR[k % len(KIND_CYR)].capitalize()} «{SYL_CYR[a].capitalize()}{SYL_CYR[b]}{SYL_CYR[c]}»"
        if lat in seen:
            continue
        seen.add(lat)
        out.append((lat, cyr))
    return out


def make_case(i: int, rng: random.Random, client: tuple[str, str], kind: str, visibility: str) -> dict:
    locale = rng.choices([l for l, _ in LOCALES], [w for _, w in LOCALES])[0]
    ru = locale == "ru"
    currency = rng.choice(CURRENCY[locale])
    scale = 90.0 if currency == "RUB" else (50.0 if currency == "PHP" else 1.0)
    pool = PLATFORMS[locale]
    platforms = rng.sample(pool, rng.choice([1, 1, 2, 2, 2, 3]))
    name = client[1] if ru else client[0]
    disclose = rng.random() < 0.5 and kind != "report" or (kind == "report" and rng.random() < 0.7)
    industry = rng.choice(INDUSTRIES)
    # private cases and reports keep their own images: a public case may not publish a private one's file
    folder = f"media/{'private' if visibility == 'private' else 'set'}-{rng.randrange(MEDIA_FOLDERS):02d}"
    texts = TEXT_RU if ru else TEXT_EN

    year = rng.choice([2023, 2024, 2025])
    if kind == "report":
        m = rng.randrange(1, 13)
        start, end = dt.date(year, m, 1), _month_end(year, m)
    else:
        m = rng.randrange(1, 8)
        months = rng.randrange(3, 9)
        start = dt.date(year, m, 1)
        em = m + months - 1
        end = _month_end(year + (em - 1) // 12, (em - 1) % 12 + 1)
    slug = f"bench-{i:05d}-{'report' if kind == 'report' else 'case'}"
    what = "заявки" if ru else "leads"
    desc = (f"{rng.choice(KIND_CYR)} в городе-миллионнике" if ru else f"a {industry.replace('-', ' ')} business, 3 locations")
    paid = rng.random() < 0.75
    case: dict = {
        "slug": slug,
        "title": (f"{name}: " if disclose else "") + (
            f"Кейс {i}: охват ×{rng.randrange(2, 6)} и {what} по {rng.randrange(90, 900)} ₽" if ru else
            f"Case {i}: reach x{rng.randrange(2, 6)} and {what} at {rng.randrange(3, 60)} {currency} each"),
        "headline": (f"Охват ×{rng.randrange(2, 6)} за {rng.randrange(3, 9)} мес." if ru
                     else f"Reach x{rng.randrange(2, 6)} in {rng.randrange(3, 9)} months"),
        "summary": " ".join(rng.sample(texts, 3)),
        "locale": locale,
    }
    if kind == "report":
        case["kind"] = "report"
    else:
        case["visibility"] = visibility
    case["client"] = {"name": name, "disclose_name": disclose, "industry": industry}
    if not disclose:
        case["client"]["description"] = desc
    if rng.random() < 0.6:
        case["client"]["logo"] = f"{folder}/logo.png"
    case.update({
        "role": "SMM-менеджер, таргетолог" if ru else "Social media manager and paid social specialist",
        "team": (["дизайнер (частично)"] if ru else ["designer (part-time)"]) if rng.random() < 0.5 else [],
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "platforms": platforms,
        "currency": currency,
        "tags": rng.sample(TAGS, rng.randrange(2, 7)),
    })
    if rng.random() < 0.8:
        case["cover"] = f"{folder}/cover.png"
    goals = []
    for _ in range(rng.randrange(1, 5)):
        if rng.random() < 0.5:
            metric = rng.choice(COUNT_GOALS)
            g = {"metric": metric, "target": rng.randrange(100, 50_000)}
            if metric in ("followers", "reach"):
                g["platform"] = rng.choice(platforms)
            if rng.random() < 0.5:
                g["by"] = end.isoformat()
        else:
            metric = rng.choice(RATIO_GOALS)
            target = {"cpl": 300.0, "er": 5.5, "cpa": 400.0, "romi": 250.0, "ctr": 1.5, "cpc": 30.0}[metric]
            g = {"metric": metric, "target": round(target * (scale / 10 if metric in ("cpl", "cpa", "cpc") else 1), 1)}
        if rng.random() < 0.4:
            g["label"] = (f"Цель {len(goals) + 1}: {metric}" if ru else f"Goal {len(goals) + 1}: {metric}")
        goals.append(g)
    case["goals"] = goals

    before = {p: _metrics(rng, p, scale if p == "x" else 1, paid, "before") for p in platforms}
    after = {}
    for p in platforms:
        a = _metrics(rng, p, 1, paid, "after")
        a["followers"] = int(before[p]["followers"] * rng.uniform(1.1, 3.5))
        a["reach"] = max(a["reach"], int(before[p]["reach"] * rng.uniform(0.9, 3.4)))
        whole = "views" if "views" in a else "impressions"
        a[whole] = max(a[whole], int(a["reach"] * 1.8))
        if "clicks" in a and "impressions" in a:
            a["clicks"] = min(a["clicks"], a["impressions"])
        a["engagements"] = max(a["engagements"], sum(a.get(k, 0) for k in ("likes", "comments", "shares", "saves")))
        a["engagements"] = min(a["engagements"], a["reach"])
        for k in ("likes", "comments", "shares", "saves"):
            if k in a and a[k] > a["engagements"]:
                a[k] = a["engagements"] // 5
        after[p] = a
    snap_before = {"as_of": (start - dt.timedelta(days=1)).isoformat(),
                   "summary": " ".join(rng.sample(texts, 2)), "metrics": before}
    snap_after = {"as_of": end.isoformat(), "summary": " ".join(rng.sample(texts, 2)), "metrics": after}

    months = _months(start, end)
    actions = []
    for k in range(rng.randrange(2, 6)):
        a = {"title": rng.choice(ACTIONS_RU if ru else ACTIONS_EN)}
        style = k % 3
        if style == 0:
            a["when"] = rng.choice(months)
        elif style == 1:
            a["when"] = {"start": start.isoformat(), "end": end.isoformat()}
        else:
            a["when"] = (start + dt.timedelta(days=rng.randrange(0, max(1, (end - start).days)))).isoformat()
        if rng.random() < 0.6:
            a["platform"] = rng.choice(platforms)
        if paid and rng.random() < 0.4 and "platform" in a and "spend" in after[a["platform"]]:
            a["spend"] = after[a["platform"]]["spend"]
        a["text"] = " ".join(rng.sample(texts, 2))
        actions.append(a)
    case["actions"] = actions
    case["after"] = snap_after
    if kind == "report":
        prev = {}
        for p in platforms:
            pm = dict(after[p])
            for key in ("followers", "reach", "engagements", "clicks", "leads"):
                if key in pm:
                    pm[key] = max(0, int(pm[key] * rng.uniform(0.7, 0.98)))
            for key in ("likes", "comments", "shares", "saves"):
                if key in pm:
                    pm[key] = min(pm[key], pm["engagements"] // 4)
            if "clicks" in pm and "impressions" in pm:
                pm["clicks"] = min(pm["clicks"], pm["impressions"])
            prev[p] = pm
        pstart = start - dt.timedelta(days=1)
        top = []
        for k in range(rng.randrange(1, 4)):
            p = rng.choice(platforms)
            reach = rng.randrange(2000, 20000)
            top.append({"title": rng.choice(ACTIONS_RU if ru else ACTIONS_EN) + f" #{k + 1}", "platform": p,
                        "date": (start + dt.timedelta(days=rng.randrange(0, 27))).isoformat(),
                        "metrics": {"reach": reach, "engagements": reach // rng.randrange(12, 30)},
                        **({"note": rng.choice(texts)} if rng.random() < 0.5 else {})})
        case["report"] = {
            "previous": {"as_of": pstart.isoformat(), "summary": rng.choice(texts), "metrics": prev},
            "why": "\n".join(f"- **{t.split(' ')[0]}** {t}" for t in rng.sample(texts, 3)),
            "plan": "\n".join(f"{n + 1}. {t}" for n, t in enumerate(rng.sample(texts, 3))),
            "asks": "\n".join(f"- {t}" for t in rng.sample(texts, 2)),
            "top_content": top,
            "branding": {"name": ("Отчёт SMM" if ru else "SMM report") + (f" · {name}" if disclose else ""),
                         "logo": f"{folder}/logo.png", "color": "#%06X" % rng.randrange(0x222222, 0xDDDDDD)},
        }
    else:
        case["before"] = snap_before
    series = {}
    series_months = months if len(months) > 1 else _months(start - dt.timedelta(days=150), end)
    for p in rng.sample(platforms, min(len(platforms), rng.randrange(1, 3))):
        for metric in rng.sample(["followers", "reach", "leads"] if paid else ["followers", "reach"],
                                 rng.randrange(1, 3)):
            lo = (before[p].get(metric) or 10) if kind != "report" else int(after[p].get(metric, 100) * 0.6)
            hi = after[p].get(metric) or lo * 2
            steps = len(series_months)
            series[f"{p}.{metric}"] = {mo: int(lo + (hi - lo) * (j + 1) / steps * rng.uniform(0.85, 1.0))
                                       for j, mo in enumerate(series_months)}
    case["series"] = series
    case["engagement_rate"] = rng.choice(["by_reach", "by_reach", "by_followers", "by_views"])
    if rng.random() < 0.5:
        case["testimonial"] = {"quote": rng.choice(texts), "author": "Анна К." if ru else "Maria S.",
                               "role": "управляющая" if ru else "founder"}
    media = []
    for src, alt in (("stats.png", "Статистика по месяцам" if ru else "Analytics: followers by month"),
                     ("post.png", "Лучший пост периода" if ru else "The best post of the period")):
        if rng.random() < 0.6:
            media.append({"src": f"{folder}/{src}", "alt": alt, "caption": alt})
    if rng.random() < 0.3:
        media.append({"video": f"https://video.example.com/v/{i}", "caption": "Видео" if ru else "The video"})
    case["media"] = media
    if rng.random() < 0.7:
        case["lessons"] = " ".join(rng.sample(texts, 2))
    return case


def generate(root: Path, n: int, seed: int = 1, private_share: float = 0.07, report_share: float = 0.08) -> Generated:
    """A project at ``root``: mkdocs.yml, profile.yaml, pages/ from the repo; N generated cases."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy2(REPO / "profile.yaml", root / "profile.yaml")
    shutil.copytree(REPO / "pages", root / "pages")
    cases_dir = root / "cases"
    # the profile's photo lives under cases/media/profile in the demo
    shutil.copytree(REPO / "cases" / "media" / "profile", cases_dir / "media" / "profile")
    make_media(cases_dir, seed)
    rng = random.Random(seed * 7919 + n)
    clients = _client_names(rng, max(3, n // 3 + 1))
    public = private = reports = 0
    slugs = []
    for i in range(n):
        r = rng.random()
        if r < report_share:
            kind, vis = "report", "private"
            reports += 1
        elif r < report_share + private_share:
            kind, vis = "case", "private"
            private += 1
        else:
            kind, vis = "case", "public"
            public += 1
        case = make_case(i, rng, rng.choice(clients), kind, vis)
        if vis == "public":
            slugs.append(case["slug"])
        text = "# yaml-language-server: $schema=../docs/case.schema.json\n" + yaml.safe_dump(
            _dates(case), allow_unicode=True, sort_keys=False, width=100)
        (cases_dir / f"{case['slug']}.yaml").write_text(text, encoding="utf-8")
    _set_cache_dir(root / "mkdocs.yml")
    return Generated(root, n, public, private, reports, slugs)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dates(value):
    """ISO date strings back to dates, so the YAML reads 2025-02-01, not '2025-02-01'."""
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and _DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def _set_cache_dir(config: Path) -> None:
    """Put the plugin's cache inside the temporary project (a fresh project = a cold cache)."""
    text = config.read_text("utf-8")
    needle = "      profile: profile.yaml\n"
    if needle not in text:
        raise SystemExit(f"{config}: cannot find the casebook plugin options to add cache_dir")
    text = text.replace(needle, needle + "      cache_dir: .casebook-cache\n", 1)
    config.write_text(text, encoding="utf-8")


def edit_one_case(root: Path, slug: str) -> Path:
    """Change one public case the way a person would: a number in the title and a sentence."""
    path = Path(root) / "cases" / f"{slug}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["summary"] = data["summary"] + " Edited."
    data["after"]["metrics"][data["platforms"][0]]["followers"] += 17
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover - handy by hand
    import sys

    g = generate(Path(sys.argv[1]), int(sys.argv[2]))
    print(g)
