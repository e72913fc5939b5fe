"""The scalar types of the case format: ids, dates, money, slugs, text, each with its plain-words check."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import annotated_types
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies, is_currency
from pydantic import AfterValidator, AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from casebook import registry
from casebook.load.media import probe, real_path, real_root


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------
# Scalar types


# What people write for a platform or a metric instead of its id.
PLATFORM_ALIASES = {
    "vkontakte": "vk", "вконтакте": "vk", "вк": "vk", "tg": "telegram", "телеграм": "telegram",
    "odnoklassniki": "ok", "одноклассники": "ok", "zen": "dzen", "дзен": "dzen",
    "fb": "facebook", "ig": "instagram", "insta": "instagram", "twitter": "x",
    "yt": "youtube", "tik-tok": "tiktok",
}
METRIC_ALIASES = registry.metric_aliases()  # data/metrics.yaml, aliases:


def _platform(value: str) -> str:
    known = registry.platforms()
    if value not in known:
        raise ValueError(_unknown("platform", value, known, PLATFORM_ALIASES))
    return value


def _metric(value: str) -> str:
    known = registry.metrics()
    if value not in known:
        raise ValueError(_unknown("metric", value, known, METRIC_ALIASES))
    return value


@lru_cache(maxsize=None)
def _currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes that have been legal tender somewhere since 2004.

    Social networks are younger than that, so an older code (RUR, DEM) or
    a non-money code (XAU, XXX) is a slip, not a case's real currency.
    """

    since, until = dt.date(2004, 1, 1), dt.date(2100, 1, 1)
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, start_date=since, end_date=until, tender=True)
    )


def _successor(code: str) -> str | None:
    """Today's currency of the country an old code belonged to: RUR -> RUB, DEM -> EUR.

    An ISO 4217 code starts with its country's ISO 3166 code.
    """

    entries = get_global("territory_currencies").get(code[:2], ())
    if not any(entry[0] == code for entry in entries):
        return None
    current = [entry[0] for entry in entries if entry[2] is None and entry[3]]
    return current[0] if current else None


def _currency(value: str) -> str:
    if re.fullmatch(r"[A-Za-z]{3}", value) and value != value.upper() and is_currency(value.upper()):
        raise ValueError(f"write the currency code in capitals: {value.upper()!r}")
    if not re.fullmatch(r"[A-Z]{3}", value) or not is_currency(value):
        raise ValueError(f"unknown currency {value!r}; use an ISO 4217 code such as RUB, USD, PHP, EUR")
    if value not in _currencies_in_use():
        successor = _successor(value)
        hint = f"; use {successor!r}" if successor else "; use an ISO 4217 code such as RUB, USD, PHP, EUR"
        raise ValueError(f"{value!r} is not a currency in use since 2004{hint}")
    return value


def _not_yes_no(value: Any) -> Any:
    """YAML reads yes, no, on, off, true, false as booleans; a number is meant."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()} (YAML reads yes/no/on/off as true/false)")
    return value


def _locale(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", value):
        raise ValueError(f"unknown locale {value!r}; write it like 'en', 'ru', 'fil' or 'en-PH'")
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown locale {value!r}") from None
    language = value.split("-")[0]
    languages = registry.interface_languages()
    if language not in languages:
        raise ValueError(
            f"no interface texts for locale {value!r}; available: {', '.join(languages)}"
        )
    return value


def _month(value: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"expected a month like 2025-02, got {value!r}")
    _year_in_range(int(m.group(1)))
    return value


# Dates a case may hold: social-media work lies well inside these years, and
# every format a build writes can hold them (the gzip header of
# sitemap.xml.gz stops in 2106; a year 2107 used to crash the build).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _year_in_range(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"the year {year} is outside the years casebook accepts ({FIRST_YEAR} to {LAST_YEAR}); check the date"
        )


def _date_in_range(value: dt.date) -> dt.date:
    _year_in_range(value.year)
    return value


def _no_time(value: Any) -> Any:
    """YAML reads 2025-01-31 10:00 as a timestamp; a case's dates are days.

    A number is refused too: pydantic would read 1700000000 as seconds since 1970.
    """
    if isinstance(value, dt.datetime):
        written = value.isoformat(sep=" ")
        raise ValueError(f"expected a date like 2025-01-31, got a date with a time ({written}); remove the time")
    if isinstance(value, (int, float)):
        shown = str(value).lower() if isinstance(value, bool) else value
        raise ValueError(f"expected a date like 2025-01-31, got the number {shown}")
    return value


def _series_key(value: str) -> str:
    platform, _, metric = value.partition(".")
    if not metric:
        raise ValueError(f"series name {value!r} must be 'platform.metric', e.g. 'vk.followers'")
    if platform != "total":
        _platform(platform)
    if metric not in registry.count_metrics():
        raise ValueError(_unknown("series metric", metric, registry.count_metrics(), METRIC_ALIASES))
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected a web address starting with https://, got {value!r}")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", value):
        raise ValueError(f"expected an e-mail address, got {value!r}")
    return value


def _hex_color(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"expected a colour like #1E88E5, got {value!r}")
    return value.upper()


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


def _media_path(value: str, info: ValidationInfo) -> str:
    """A file next to the case, inside the project, that exists and is an image."""
    ctx = info.context or {}
    if "://" in value or value.startswith(("data:", "file:", "//")):
        raise ValueError(f"media must be a file inside the project, not a URL: {value!r}")
    if Path(value).is_absolute() or value.startswith("~"):
        raise ValueError(f"media path must be relative to the case file, got {value!r}")
    if Path(value).suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(
            f"unsupported image type {Path(value).suffix or '(none)'!r}; use "
            + ", ".join(sorted(IMAGE_SUFFIXES))
        )
    base, root = ctx.get("base_dir"), ctx.get("root")
    if base is None or root is None:
        return value
    target = real_path(base, value)  # a link that leads back to itself: said so, at the value
    root = real_root(root)
    if not target.is_relative_to(root):
        raise ValueError(f"media path {value!r} points outside the project")
    if not target.is_file():
        # a value that climbs out of the case's folder: also the file as the project names it
        where = f" ({target.relative_to(root).as_posix()} in the project)" if ".." in Path(value).parts else ""
        if target.exists():  # stat only: opening a named pipe would wait for a writer forever
            raise ValueError(f"media file {value!r}{where} is not a regular file (a folder, pipe or device); "
                             "use an image file")
        raise ValueError(f"media file {value!r}{where} does not exist")

    problem = probe(target)
    if problem:
        raise ValueError(f"media file {value!r}: {problem}")
    return value


PlatformId = Annotated[str, AfterValidator(_platform), Field(description="Platform id, e.g. vk, telegram, instagram")]
MetricId = Annotated[str, AfterValidator(_metric), Field(description="Metric id, e.g. followers, reach, cpl, er")]
Currency = Annotated[str, AfterValidator(_currency), Field(description="ISO 4217 code: RUB, USD, PHP, EUR")]
LocaleId = Annotated[str, AfterValidator(_locale), Field(description="Locale of the case: en, ru, fil, en-PH ...")]
Month = Annotated[str, AfterValidator(_month), Field(pattern=r"^\d{4}-\d{2}$", description="A month: 2025-02")]
Date = Annotated[dt.date, AfterValidator(_date_in_range), BeforeValidator(_no_time)]
SeriesKey = Annotated[str, AfterValidator(_series_key), Field(pattern=r"^[a-z_]+\.[a-z_]+$")]
HttpUrl = Annotated[str, AfterValidator(_http_url), Field(max_length=2000, pattern=r"^https?://")]
Email = Annotated[str, AfterValidator(_email), Field(max_length=254)]
HexColor = Annotated[str, AfterValidator(_hex_color), Field(pattern=r"^#[0-9a-fA-F]{6}$")]
MediaPath = Annotated[
    str,
    AfterValidator(_media_path),
    Field(max_length=500, description="Image file relative to the case file, inside the project"),
]
MAX_SLUG = 80


def _slug_length(value: Any) -> Any:
    """Say the limit: the pattern alone would answer "use lower-case letters..." to a long slug."""
    if isinstance(value, str) and len(value.strip()) > MAX_SLUG:
        raise ValueError(f"is {len(value.strip())} characters long; at most {MAX_SLUG} are allowed")
    return value


# Names the site gives its own files and folders where a case's slug goes
# (cases/<slug>/, pdf/<slug>.pdf, media/<slug>/) or beside them: a case with
# one of these would lose its PDF or page to the generated one.
RESERVED_SLUGS = {
    "portfolio": "pdf/portfolio.pdf is the portfolio of all cases",
    "profile": "media/profile/ holds the profile photo",
    "index": "cases/index is the folder's own page",
    "about": "about/ is the About page",
    "tags": "tags/ holds the tag pages",
    "assets": "assets/ holds the site's styles and scripts",
    "search": "search/ holds the search index",
    "sitemap": "sitemap.xml lists the pages",
    "404": "404.html is the page-not-found page",
    "pdf": "pdf/ holds the PDFs",
    "media": "media/ holds the images",
    "cases": "cases/ holds the case pages",
    "charts": "assets/casebook/charts/ holds the charts",
}


def _not_reserved(value: str) -> str:
    if value in RESERVED_SLUGS:
        raise ValueError(
            f"{value!r} is a name the site uses for its own files ({RESERVED_SLUGS[value]}); choose another slug"
        )
    return value


Slug = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", description="lower-case letters, digits and hyphens"),
    BeforeValidator(_slug_length),
]
CaseSlug = Annotated[Slug, AfterValidator(_not_reserved)]
Tag = Annotated[str, Field(pattern=r"^[\w][\w-]{0,39}$", description="a short tag: letters, digits, hyphens")]
Text = Annotated[str, Field(min_length=1, max_length=300)]
Markdown = Annotated[str, Field(max_length=20_000, description="Markdown text")]
# A ceiling far above any real count or budget (a quadrillion) keeps every
# derived number a finite float: 10**400 followers would overflow a division.
# The yes/no guard comes last in each Annotated so that it runs first and the
# constraints stay plain JSON-schema keywords (minimum, maximum).
MAX_NUMBER = 10**15
Count = Annotated[
    int,
    Field(ge=0, le=MAX_NUMBER, description="a whole number, 0 or more"),
    BeforeValidator(_not_yes_no),
]
Money = Annotated[
    float,
    Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False, description="an amount in the case's currency"),
    BeforeValidator(_not_yes_no),
]
Number = Annotated[float, annotated_types.Le(MAX_NUMBER), AllowInfNan(False), BeforeValidator(_not_yes_no)]


def _unknown(what: str, value: str, known, aliases: dict[str, str] | None = None) -> str:
    alias = (aliases or {}).get(str(value).lower())
    if alias in known:
        return f"unknown {what} {value!r}; did you mean {alias!r}?"
    if str(value).lower() in known:
        return f"unknown {what} {value!r}; did you mean {str(value).lower()!r}?"
    close = difflib.get_close_matches(str(value), list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} {value!r}{hint}"
