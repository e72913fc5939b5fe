"""Generate docs/reference.md and docs/case.schema.json from the model.

The reference walks the pydantic models of :mod:`casebook.load.model` field by
field (path, type, required, default, description) and lists the platforms
and metrics of :mod:`casebook.registry`, so it never drifts from what the
loader accepts.  Tests compare the committed files with fresh output.

    python -m casebook.render.reference            # rewrite both files
    python -m casebook.render.reference --check    # exit 1 when either is stale
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from casebook import registry
from casebook.compute import facts as compute
from casebook.load import model
from casebook.load.schema import case_schema
from casebook.settings import PACKAGE_DIR

from .i18n import translator
from .views import definition

DOCS_DIR = PACKAGE_DIR.parent / "docs"
REFERENCE = "reference.md"
SCHEMA = "case.schema.json"

# What a validator function checks, in words.
VALIDATOR_TYPES = {
    "_platform": "platform id (see [Platforms](#platforms))",
    "_metric": "metric id (see [Metrics](#metrics))",
    "_currency": "currency code (ISO 4217, e.g. RUB, USD, PHP, EUR)",
    "_locale": "locale (`en`, `ru`, `fil`, `en-PH` …)",
    "_month": "month `YYYY-MM`",
    "_series_key": "`platform.metric`, e.g. `vk.followers`",
    "_http_url": "web address `https://…`",
    "_email": "e-mail address",
    "_hex_color": "colour `#RRGGBB`",
    "_media_path": "image file (png, jpg, jpeg, webp, gif) relative to the YAML file, inside the project",
}

# Placeholder shown in a path for the keys of a mapping.
KEY_NAMES = {"_platform": "<platform>", "_series_key": "<platform.metric>", "_month": "<month>"}

# Descriptions for fields whose model carries none.
FALLBACK = {
    ("Case", "slug"): "Address of the case's page and PDF; unique across the project",
    ("Case", "title"): "The case's title: the client (or its description) and the result",
    ("Case", "locale"): "Language of the case, and the format of its numbers, money and dates",
    ("Case", "kind"): "`case` for the portfolio, `report` for a client report of one period",
    ("Case", "visibility"): "`private` cases and reports never reach the public site",
    ("Case", "client"): "Who the work was for",
    ("Case", "role"): "What the specialist did on the project",
    ("Case", "team"): "Others who worked on it",
    ("Case", "period"): "When the work ran",
    ("Case", "platforms"): "Platforms of the case; every platform named elsewhere must be listed here",
    ("Case", "currency"): "Currency of every amount in the case",
    ("Case", "tags"): "Short words that help find the case",
    ("Case", "cover"): "A wide picture for the card (1200×630 works well)",
    ("Case", "goals"): "What was to be reached, agreed before the work; a report's targets",
    ("Case", "before"): "The starting point",
    ("Case", "actions"): "What was done: strategy, content, ads, contests",
    ("Case", "after"): "The results, with the same definitions as `before`; required for a case",
    ("Case", "series"): "Monthly (or dated) values for charts; the last should match `after`",
    ("Case", "testimonial"): "The client's word",
    ("Case", "media"): "Screenshots of statistics and posts, or links to videos",
    ("Case", "lessons"): "What did not work and what would be done differently",
    ("Case", "report"): "What only a client report has; required when `kind: report`",
    ("Client", "logo"): "The client's logo",
    ("Client", "website"): "The client's site",
    ("Period", "start"): "First day",
    ("Period", "end"): "Last day; not before `start`",
    ("DateSpan", "start"): "First day",
    ("DateSpan", "end"): "Last day; not before `start`",
    ("Snapshot", "summary"): "What the numbers say: the problem before, the change after",
    ("Snapshot", "metrics"): "Counts per platform; derived metrics (ER, CTR, CPL …) are computed, never written",
    ("Goal", "metric"): "What the goal is on; the tool knows whether higher or lower is better",
    ("Goal", "target"): "The number to reach",
    ("Goal", "platform"): "The platform; without it the goal is for all platforms together",
    ("Goal", "label"): "The goal in words, shown instead of the metric name",
    ("Action", "title"): "What was done, in a few words",
    ("Action", "platform"): "The platform it was done on",
    ("Action", "spend"): "What it cost, in the case's currency",
    ("Action", "text"): "How and why",
    ("Testimonial", "quote"): "The client's words",
    ("Testimonial", "author"): "Who said it",
    ("Testimonial", "role"): "Their role",
    ("Testimonial", "source"): "Where the quote was published",
    ("Media", "caption"): "A caption under the image or link",
    ("ContentItem", "title"): "The post in a few words",
    ("ContentItem", "platform"): "Where it was posted",
    ("ContentItem", "url"): "Link to the post",
    ("ContentItem", "date"): "When it was posted",
    ("ContentItem", "metrics"): "Its numbers",
    ("ContentItem", "note"): "Why it worked",
    ("Report", "top_content"): "Posts with the best reach or engagement",
    ("Report", "branding"): "How the report looks",
    ("Branding", "logo"): "Logo on the report",
    ("Branding", "color"): "Accent colour",
    ("Profile", "name"): "The specialist's name",
    ("Profile", "role"): "What the specialist does",
    ("Profile", "photo"): "A photo, relative to profile.yaml",
    ("Profile", "bio"): "A few sentences about the specialist",
    ("Profile", "location"): "City or 'remote'",
    ("Profile", "services"): "What the specialist offers",
    ("Profile", "contacts"): "How to reach the specialist",
    ("Profile", "locale"): "Locale of the site's interface",
    ("Contacts", "email"): "E-mail address",
    ("Contacts", "telegram"): "Telegram user name, e.g. @anna_smm",
    ("Contacts", "website"): "Personal site",
    ("Contacts", "resume"): "Link to a resume",
    ("Contacts", "linkedin"): "LinkedIn profile",
    ("Contacts", "phone"): "Phone number",
}

DEFAULT_NOTES = {("Case", "visibility"): "`public` (`private` when `kind: report`)"}


# --------------------------------------------------------------------------
# types in words


def _flatten(tp: Any) -> tuple[Any, list[Any], str | None]:
    """Strip Annotated layers: (bare type, metadata, description of the type)."""
    metadata: list[Any] = []
    description = None
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for item in args[1:]:
            if isinstance(item, FieldInfo):
                metadata.extend(item.metadata)
                description = description or item.description
            else:
                metadata.append(item)
    return tp, metadata, description


def _generic_descriptions() -> frozenset[str]:
    """Descriptions that belong to a type alias (Slug, Markdown ...), not to one field."""
    found = set()
    for value in vars(model).values():
        if typing.get_origin(value) is typing.Annotated:
            _, _, description = _flatten(value)
            if description:
                found.add(description)
    return frozenset(found)


def _validator(metadata: list[Any]) -> str | None:
    for item in metadata:
        func = getattr(item, "func", None)
        if func is not None and func.__name__ in VALIDATOR_TYPES:
            return func.__name__
    return None


def _constraint(metadata: list[Any], name: str) -> Any:
    for item in metadata:
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def _optional_args(tp: Any) -> tuple[list[Any], bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = list(typing.get_args(tp))
        nullable = type(None) in args
        return [a for a in args if a is not type(None)], nullable
    return [tp], False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def type_text(tp: Any, metadata: list[Any] | None = None, description: str | None = None) -> str:
    """A type as a reader of the YAML file thinks of it."""
    inner, more, own = _flatten(tp)
    description = own or description
    metadata = list(metadata or []) + more
    members, _ = _optional_args(inner)
    if len(members) > 1:
        return " or ".join(type_text(m) for m in members)
    inner = members[0]
    if members[0] is not tp and typing.get_origin(inner) is typing.Annotated:
        return type_text(inner, metadata)
    markdown = (description or "").startswith("Markdown") or any(
        (getattr(item, "description", None) or "").startswith("Markdown") for item in metadata
    )
    validator = _validator(metadata)
    if validator:
        return VALIDATOR_TYPES[validator]
    origin = typing.get_origin(inner)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(inner))
    if origin is list:
        (item,) = typing.get_args(inner)
        text = f"list of {_plural(type_text(item))}"
        return _with_len(text, metadata, "item")
    if origin is dict:
        key, value = typing.get_args(inner)
        return f"mapping: {type_text(key)} → {type_text(value)}"
    if _is_model(inner):
        if inner is model.DateSpan:
            return "mapping `{start, end}`"
        return "mapping"
    if inner is bool:
        return "`true` or `false`"
    if inner is dt.date:
        return "date `YYYY-MM-DD`"
    if inner in (int, float):
        text = "whole number" if inner is int else "number"
        ge, le = _constraint(metadata, "ge"), _constraint(metadata, "le")
        if ge is not None:
            text += f", {_n(ge)} or more"
        if le is not None:
            text += f", at most {_n(le)}"
        return text
    if inner is str:
        pattern = _constraint(metadata, "pattern")
        if pattern:
            return f"text matching `{pattern}`"
        return _with_len("Markdown text" if markdown else "text", metadata, "character")
    return getattr(inner, "__name__", str(inner))


def _with_len(text: str, metadata: list[Any], unit: str) -> str:
    lo, hi = _constraint(metadata, "min_length"), _constraint(metadata, "max_length")
    if lo and hi:
        return f"{text}, {lo} to {_n(hi)} {unit}s"
    if hi:
        return f"{text}, up to {_n(hi)} {unit}s"
    if lo:
        return f"{text}, at least {lo} {unit}{'s' if lo > 1 else ''}"
    return text


def _plural(text: str) -> str:
    for single, plural in (("mapping", "mappings"), ("text", "texts"), ("platform id", "platform ids"),
                           ("number", "numbers")):
        if text.startswith(single) and not text.startswith(plural):
            return plural + text[len(single):]
    return text


def _n(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 10**6:
        exponent = len(str(value)) - 1
        if value == 10**exponent:
            return f"10^{exponent}"
    return f"{value:,}" if isinstance(value, int) else str(value)


# --------------------------------------------------------------------------
# walking the models

GENERIC = _generic_descriptions()


Row = tuple[str, str, str, str, str]  # path, type, required, default, description


def _default(owner: type[BaseModel], name: str, info: FieldInfo) -> str:
    if (owner.__name__, name) in DEFAULT_NOTES:
        return DEFAULT_NOTES[(owner.__name__, name)]
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "{}"
        return json.dumps(value)
    if info.default is PydanticUndefined or info.default is None:
        return ""
    return f"`{info.default}`" if not isinstance(info.default, bool) else f"`{str(info.default).lower()}`"


def _models_in(tp: Any) -> list[tuple[type[BaseModel], str]]:
    """Models a field's type leads to, with the path suffix to reach their fields."""
    inner, _, _ = _flatten(tp)
    members, _ = _optional_args(inner)
    out = []
    for member in members:
        member, meta, _ = _flatten(member)
        origin = typing.get_origin(member)
        if _is_model(member):
            out.append((member, ""))
        elif origin is list:
            (item,) = typing.get_args(member)
            item, _, _ = _flatten(item)
            if _is_model(item):
                out.append((item, "[]"))
        elif origin is dict:
            key, value = typing.get_args(member)
            value, _, _ = _flatten(value)
            if _is_model(value):
                _, key_meta, _ = _flatten(key)
                out.append((value, "." + KEY_NAMES.get(_validator(key_meta) or "", "<key>")))
    return out


def _type_description(info: FieldInfo) -> str | None:
    members, _ = _optional_args(_flatten(info.annotation)[0])
    return _flatten(members[0])[2] if len(members) == 1 else None


def walk(root: type[BaseModel], prefix: str = "", seen: dict[type, str] | None = None) -> list[Row]:
    seen = {} if seen is None else seen
    seen.setdefault(root, prefix.rstrip(".") or "(top level)")
    rows: list[Row] = []
    for name, info in root.model_fields.items():
        path = f"{prefix}{name}"
        own = info.description if info.description not in GENERIC else None
        described = own or FALLBACK.get((root.__name__, name)) or info.description or _type_description(info) or ""
        targets = _models_in(info.annotation)
        notes = []
        for sub, suffix in targets:
            if sub in seen and sub is not model.DateSpan:
                notes.append(f"fields as under `{seen[sub]}`")
        text = type_text(info.annotation, info.metadata, info.description)
        description = "; ".join([described] + notes) if notes and described else (described or "; ".join(notes))
        rows.append((f"`{path}`", text, "yes" if info.is_required() else "", _default(root, name, info), description))
        for sub, suffix in targets:
            if sub not in seen or sub is model.DateSpan:
                seen[sub] = f"{path}{suffix}"
                rows.extend(walk(sub, f"{path}{suffix}.", seen))
    return rows


def _table(rows: list[Row]) -> str:
    lines = ["| Field | Type | Required | Default | Description |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# the document


# long: the reference document's text from top to bottom, in the order a reader sees it
def reference_markdown() -> str:
    en = translator("en")
    parts = [
        "# Case file reference",
        "",
        "<!-- Generated by `python -m casebook.render.reference` from casebook/load/model/ and",
        "     casebook/data/*.yaml. Do not edit by hand: tests compare this file",
        "     with fresh output. -->",
        "",
        "A case is one YAML file in `cases/`; a client report is a case with",
        "`kind: report`. Unknown fields are refused everywhere (a misspelt key is",
        "an error with a \"did you mean\" hint), and `casebook check` names the",
        "file, line, column and field of every problem. Text fields marked",
        "Markdown accept Markdown. `casebook new SLUG` writes a commented file",
        "to start from; [case.schema.json](case.schema.json) gives completion in",
        "editors.",
        "",
        "Paths below use `a.b` for a field inside a mapping, `a[]` for each item",
        "of a list and `<platform>` for a key you choose from the",
        "[platforms](#platforms).",
        "",
        "## Case",
        "",
        _table(walk(model.Case)),
        "",
        "### Rules across fields",
        "",
        "- A case (`kind: case`) needs `after`; a report (`kind: report`) needs `report` "
        "and is private unless `visibility: public` is set.",
        "- `client.description` is required when `client.disclose_name` is `false`, and "
        "the client's name must then appear nowhere else in the file.",
        "- Every platform named in `before`, `after`, `goals`, `actions`, `series` and "
        "`report` must be listed in `platforms`.",
        "- Dates run forward: `period.end` and each `actions[].when.end` not before their "
        "start; `after.as_of` not before `before.as_of`.",
        "- A part is never larger than its whole: `likes`, `comments`, `shares`, `saves` "
        "and their sum within `engagements`; `reach` within `impressions` and `views`; "
        "`clicks` within `impressions`. `engagements` above `reach` is a warning.",
        "- A media item has either `src` (an image, with `alt`) or `video` (a link).",
        "",
        "## Profile",
        "",
        "`profile.yaml` at the project's top describes the specialist; it feeds the",
        "home page, the About page and the PDFs.",
        "",
        _table(walk(model.Profile)),
        "",
        "## Platforms",
        "",
        "| Id | Name | What counts as an engagement |",
        "| --- | --- | --- |",
    ]
    for platform in registry.platforms().values():
        parts.append(f"| `{platform.id}` | {platform.label} | {platform.engagements} |")
    parts += [
        "",
        "## Metrics",
        "",
        "Every metric is declared once, in `casebook/data/metrics.yaml`. Counts are",
        "written in `before`, `after`, `series` and `report.previous`; derived metrics",
        "are computed from them and may be goals. A derived metric whose inputs are",
        "missing is shown as n/a, never as zero. `er` is the case's ER, by its",
        "`engagement_rate` (" + ", ".join(f"`{k}`: `{v}`" for k, v in registry.er_definitions().items()) + ").",
        "",
        "Over a period: a *stock* (followers) is read at the snapshot's `as_of`; a",
        "*flow* is summed over the snapshot's `period`, and periods of different",
        "length compare per month; a *unique* count (reach) does not add up across",
        "months, so it, and every rate built on it, compares only over periods of",
        "equal length. Every derived number is a ratio of the period's totals, not",
        "a mean of per-post ratios. A whole-case figure of a cost (*totals*) divides",
        "the whole case's totals; a rate (*paired*) pools the platforms that report",
        "both inputs; the platforms short of an input are named beside the figure.",
        "",
        "A change is shown by one rule everywhere (cards, headline, charts, PDFs):",
        "rates in percentage points; counts and money in per cent, as a multiple",
        "(\u00d72.4) from twice the value; rounded half-up before its sign and colour",
        "are chosen, so a change that rounds to zero is neutral.",
        "",
        "| Id | Name | Unit | Over a period | Better | Formula and basis | Also written as |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]

    for metric in registry.metrics().values():
        if metric.id == "er":
            formula = "the case's ER: " + ", ".join(f"`{v}`" for v in registry.er_definitions().values())
            period = "as its definition"
        elif metric.derived:
            formula = f"{definition(en, metric.id)}. {metric.description}"
            rule = {"as_is": "compares as it is", "per_month": "per month", "equal": "equal periods only"}
            period = f"{rule[compute.measure_of(metric.id)]}; whole case: {metric.pool}"
        else:
            formula = metric.description
            period = metric.measure
        aliases = ", ".join(f"`{a}`" for a in metric.aliases)
        parts.append(f"| `{metric.id}` | {en.metric(metric.id)} | {metric.unit} | {period} | {metric.better} "
                     f"| {formula} | {aliases} |")
    return "\n".join(parts) + "\n"


def schema_json() -> str:
    """Exactly what ``casebook schema`` prints."""
    return json.dumps(case_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def outputs(docs_dir: Path = DOCS_DIR) -> dict[Path, str]:
    return {docs_dir / REFERENCE: reference_markdown(), docs_dir / SCHEMA: schema_json()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for path, text in outputs().items():
        current = path.read_text("utf-8") if path.is_file() else None
        if current == text:
            continue
        if "--check" in argv:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    for path in stale:
        print(f"{path} is out of date; run: python -m casebook.render.reference", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
