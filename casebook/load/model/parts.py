"""The parts of a case: client, period, snapshots, goals, actions, testimonials, media, top content."""

from __future__ import annotations

from typing import Union

from pydantic import Field, model_validator

from .metrics import Metrics
from .types import Date, HttpUrl, Markdown, MediaPath, MetricId, Money, Month, Number, PlatformId, Slug, Strict, Text


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
