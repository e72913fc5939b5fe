"""``Case``: one case file, the root of the format."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from casebook import registry

from .imports import ImportRecord
from .parts import Action, Client, DateSpan, Goal, Media, Period, Snapshot, Testimonial
from .report import Report
from .types import (
    CaseSlug,
    Currency,
    Date,
    LocaleId,
    Markdown,
    MediaPath,
    MetricId,
    Month,
    Number,
    PlatformId,
    SeriesKey,
    Strict,
    Tag,
    Text,
)

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
    highlights: list[MetricId] = Field(
        default_factory=list, max_length=3,
        description="The two or three results the case page opens with, by metric id; "
                    "chosen from the headline and the goals when absent")
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
