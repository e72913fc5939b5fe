"""``casebook new``: a commented case file to start from."""

from __future__ import annotations

import re
from pathlib import Path

from casebook import store
from casebook.settings import SCAFFOLD_DIR

from .model import MAX_SLUG, _locale, _not_reserved


def write_new_case(slug: str, locale: str, directory: Path, report: bool = False) -> Path:
    if len(slug) > MAX_SLUG:
        raise ValueError(f"slug {slug!r} is {len(slug)} characters long; at most {MAX_SLUG} are allowed")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise ValueError(f"slug {slug!r}: use lower-case letters, digits and hyphens")
    _not_reserved(slug)  # a generated file's name would take the case's PDF or page

    _locale(locale)  # raises ValueError with the same words as `casebook check`
    language = locale.split("-")[0]
    kind = "report" if report else "case"
    template = SCAFFOLD_DIR / f"{kind}.{language}.yaml"
    if not template.is_file():
        template = SCAFFOLD_DIR / f"{kind}.en.yaml"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{slug}.yaml"
    text = template.read_text("utf-8").replace("__SLUG__", slug).replace("__LOCALE__", locale)
    try:  # never over a file or a link there; a full disk leaves nothing behind
        store.create_file(target, text.encode("utf-8"))
    except FileExistsError:
        raise ValueError(f"{target} already exists; choose another slug") from None
    return target
