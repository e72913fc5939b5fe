"""The case format: strict pydantic models.

Unknown keys are rejected everywhere (``extra="forbid"``).  Checks that
need a file system (media paths) read the validation context:
``{"base_dir": Path, "root": Path}``.  Checks that compare several fields
(part larger than its whole, dates in order) live in
:mod:`casebook.checks` so that each problem points at the exact field.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union
from urllib.parse import urlsplit

import annotated_types
from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    model_validator,
)

from . import registry


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
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

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
    from babel.core import get_global

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
    target = (Path(base) / value).resolve()
    root = Path(root).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"media path {value!r} points outside the project")
    if not target.is_file():
        # a value that climbs out of the case's folder: also the file as the project names it
        where = f" ({target.relative_to(root).as_posix()} in the project)" if ".." in Path(value).parts else ""
        if target.exists():  # stat only: opening a named pipe would wait for a writer forever
            raise ValueError(f"media file {value!r}{where} is not a regular file (a folder, pipe or device); "
                             "use an image file")
        raise ValueError(f"media file {value!r}{where} does not exist")
    from .media import probe

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
    import difflib

    alias = (aliases or {}).get(str(value).lower())
    if alias in known:
        return f"unknown {what} {value!r}; did you mean {alias!r}?"
    if str(value).lower() in known:
        return f"unknown {what} {value!r}; did you mean {str(value).lower()!r}?"
    close = difflib.get_close_matches(str(value), list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} {value!r}{hint}"


# --------------------------------------------------------------------------
# Parts of a case


class Client(Strict):
    name: Text = Field(description="The client's real name; shown only when disclose_name is true")
    disclose_name: bool = Field(False, description="May the name be shown in public output?")
    description: Text | None = Field(None, description="Anonymous description: 'a coffee-shop chain in Kazan'")
    industry: Slug = Field(description="Industry id, e.g. food-and-beverage, fashion, education")
    logo: MediaPath | None = None
    website: HttpUrl | None = None

    @model_validator(mode="after")
    def _needs_description(self) -> "Client":
        if not self.disclose_name and not self.description:
            raise ValueError(
                "an undisclosed client needs a 'description' (e.g. 'a coffee-shop chain in Kazan')"
            )
        return self


class Period(Strict):
    start: Date
    end: Date


class _MetricFields(Strict):
    """Numbers for one platform at one moment or over one period.

    The fields are the counts of data/metrics.yaml (see :class:`Metrics`).
    """

    def values(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


def _metrics_model() -> type[_MetricFields]:
    """One optional field per count of the registry: whole numbers, or money."""
    fields: dict[str, Any] = {}
    for info in registry.metrics().values():
        if not info.derived:
            kind = Money if info.unit == "money" else Count
            fields[info.id] = (Optional[kind], Field(None, description=info.description))
    made = create_model("Metrics", __base__=_MetricFields, __module__=__name__, **fields)
    made.__doc__ = _MetricFields.__doc__
    return made


Metrics = _metrics_model()


class DateSpan(Strict):
    start: Date
    end: Date


class Snapshot(Strict):
    as_of: Date | None = Field(None, description="Date the numbers were taken (what stocks such as followers are measured at)")
    period: DateSpan | None = Field(
        None, description="The days the other numbers (reach, leads, spend...) were counted over. "
        "Default: the case's period for 'after'; for a report's 'previous', as many months right before it. "
        "A 'before' with flows needs it for a change to be shown")
    summary: Markdown | None = None
    metrics: dict[PlatformId, Metrics] = Field(default_factory=dict)


class Goal(Strict):
    metric: MetricId
    target: Number = Field(ge=0)
    platform: PlatformId | None = None
    by: Date | None = Field(None, description="Deadline")
    label: Text | None = None


When = Union[Date, Month, DateSpan]


class Action(Strict):
    title: Text
    when: When | None = Field(None, description="A date, a month (2025-03) or {start, end}")
    platform: PlatformId | None = None
    spend: Money | None = None
    text: Markdown | None = None


class Testimonial(Strict):
    quote: Markdown = Field(min_length=1)
    author: Text
    role: Text | None = None
    source: HttpUrl | None = None


class Media(Strict):
    src: MediaPath | None = Field(None, description="An image file")
    video: HttpUrl | None = Field(None, description="A link to a video")
    alt: Text | None = Field(None, description="What the image shows, for screen readers")
    caption: Text | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Media":
        if (self.src is None) == (self.video is None):
            raise ValueError("a media item has either 'src' (an image) or 'video' (a link), not both or neither")
        if self.src is not None and not self.alt:
            raise ValueError("an image needs 'alt': a few words on what it shows")
        return self


class ContentItem(Strict):
    title: Text
    platform: PlatformId
    url: HttpUrl | None = None
    date: Date | None = None
    metrics: Metrics = Field(default_factory=Metrics)
    note: Markdown | None = None


class Branding(Strict):
    name: Text | None = Field(None, description="Agency or client name on the report")
    logo: MediaPath | None = None
    color: HexColor | None = None


class Report(Strict):
    """What only a client report has."""

    previous: Snapshot = Field(description="The previous period's numbers")
    why: Markdown | None = Field(None, description="Why it happened: outliers, experiments")
    plan: Markdown | None = Field(None, description="Plan for the next period")
    asks: Markdown | None = Field(None, description="What is needed from the client")
    top_content: list[ContentItem] = Field(default_factory=list)
    branding: Branding | None = None


class ImportRecord(Strict):
    """Where imported numbers came from: written by ``casebook import``, one entry an export file."""

    file: Text = Field(description="The export's file name (a zip's member as zip:member)")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the export's bytes")]
    format: Text = Field(description="The export format it was read as")
    platform: PlatformId
    rows: Count = Field(description="Rows that counted (after duplicates across exports were dropped)")
    dates: DateSpan = Field(description="The first and last day of the export's rows")
    timezone: Text = Field(description="The time zone assumed for its dates")
    fills: list[Text] = Field(default_factory=list, description="The blocks of this file it filled")
    notes: list[Markdown] = Field(default_factory=list, description="What the numbers mean (e.g. reach is a sum), "
                                  "months covered only in part, duplicates dropped")


ErDefinition = Literal[tuple(registry.er_definitions())]  # by_followers, by_reach, by_views, by_post


class Case(Strict):
    slug: CaseSlug
    title: Text
    kind: Literal["case", "report"] = "case"
    locale: LocaleId = "en"
    visibility: Literal["public", "private"] = "public"
    headline: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        None, description="The result in one line; made from the numbers when absent"
    )
    summary: Markdown | None = Field(None, description="Two or three sentences for the card and the PDF")
    client: Client
    role: Text
    team: list[Text] = Field(default_factory=list)
    period: Period
    platforms: list[PlatformId] = Field(min_length=1)
    currency: Currency
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    cover: MediaPath | None = None
    goals: list[Goal] = Field(default_factory=list)
    before: Snapshot | None = None
    actions: list[Action] = Field(default_factory=list)
    after: Snapshot | None = None
    series: dict[SeriesKey, dict[Union[Date, Month], Number]] = Field(default_factory=dict)
    engagement_rate: ErDefinition = Field(
        "by_reach", description="Which ER the case uses: " + ", ".join(registry.er_definitions())
    )
    testimonial: Testimonial | None = None
    media: list[Media] = Field(default_factory=list)
    lessons: Markdown | None = None
    report: Report | None = None
    imports: list[ImportRecord] = Field(
        default_factory=list, description="Provenance of imported numbers (written by casebook import)")

    @model_validator(mode="before")
    @classmethod
    def _report_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "report" and "visibility" not in data:
            data = {**data, "visibility": "private"}
        return data

    @model_validator(mode="after")
    def _kind_fields(self) -> "Case":
        if self.kind == "report" and self.report is None:
            raise ValueError("a client report needs a 'report' section with the previous period")
        if self.kind == "case" and self.report is not None:
            raise ValueError("'report' belongs to client reports: set 'kind: report' or remove it")
        if self.kind == "case" and self.after is None:
            raise ValueError("a case needs an 'after' section with the results")
        return self

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    @property
    def baseline(self) -> Snapshot | None:
        """What the results are compared with: before, or a report's previous period."""
        if self.kind == "report" and self.report is not None:
            return self.report.previous
        return self.before

    @property
    def after_period(self) -> "DateSpan":
        """The days the after snapshot's flows cover: its own period, else the case's."""
        if self.after is not None and self.after.period is not None:
            return self.after.period
        return DateSpan(start=self.period.start, end=self.period.end)

    @property
    def baseline_period(self) -> "DateSpan | None":
        """The days the baseline's flows cover; for a report, as many whole months right before it."""
        base = self.baseline
        if base is not None and base.period is not None:
            return base.period
        if self.kind == "report" and base is not None:
            p = self.period
            if p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1:
                n = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
                index = p.start.year * 12 + p.start.month - 1 - n
                start = dt.date(index // 12, index % 12 + 1, 1)
                return DateSpan(start=start, end=p.start - dt.timedelta(days=1))
            days = (p.end - p.start).days + 1
            return DateSpan(start=p.start - dt.timedelta(days=days), end=p.start - dt.timedelta(days=1))
        return None

    def client_label(self) -> str:
        """The client as public output may name it."""
        if self.client.disclose_name:
            return self.client.name
        return self.client.description or ""


# --------------------------------------------------------------------------
# The specialist


class Contacts(Strict):
    email: Email | None = None
    telegram: Annotated[str, Field(pattern=r"^@?[A-Za-z0-9_]{4,32}$")] | None = None
    website: HttpUrl | None = None
    resume: HttpUrl | None = None
    linkedin: HttpUrl | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{5,20}$")] | None = None


class Profile(Strict):
    name: Text
    role: Text
    photo: MediaPath | None = None
    bio: Markdown | None = None
    location: Text | None = None
    services: list[Text] = Field(default_factory=list)
    contacts: Contacts = Field(default_factory=Contacts)
    locale: LocaleId = "en"
    site_url: HttpUrl | None = Field(None, description="Public address of the portfolio, for PDF links")
