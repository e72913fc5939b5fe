"""``Profile``: the specialist (profile.yaml): name, role, bio, contacts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .types import Email, HttpUrl, LocaleId, Markdown, MediaPath, Strict, Text

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
