"""Checks across fields of a validated case: each returns located problems.

Type errors are pydantic's job; here live the rules that compare numbers
and dates, where the user needs to see which field broke the rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from casebook import registry
from casebook.errors import display_path
from casebook.load.markup import plain

from . import names
from .model import Case, DateSpan, Metrics, Snapshot
from .hidden import Hidden, hidden_names, remember
from .names import Candidates, Rule, name_forms, padded

Issue = tuple[tuple, str, str]  # (path, severity, message)

ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")


def check_case(case: Case) -> list[Issue]:
    return list(_iter_case(case))


def _iter_case(case: Case) -> Iterator[Issue]:
    if case.period.end < case.period.start:
        yield ("period", "end"), "error", f"period ends ({case.period.end}) before it starts ({case.period.start})"
    for name in ("before", "after"):
        snap = getattr(case, name)
        if snap is not None:
            yield from _snapshot(snap, (name,), case)
    if case.report is not None:
        yield from _snapshot(case.report.previous, ("report", "previous"), case)
        for i, item in enumerate(case.report.top_content):
            yield from _metrics(item.metrics, ("report", "top_content", i, "metrics"))
    for i, action in enumerate(case.actions):
        if isinstance(action.when, DateSpan) and action.when.end < action.when.start:
            yield ("actions", i, "when", "end"), "error", (
                f"action ends ({action.when.end}) before it starts ({action.when.start})"
            )
        if action.platform and action.platform not in case.platforms:
            yield ("actions", i, "platform"), "error", _not_listed(action.platform)
    for i, goal in enumerate(case.goals):
        if goal.platform and goal.platform not in case.platforms:
            yield ("goals", i, "platform"), "error", _not_listed(goal.platform)
    for key in case.series:
        platform = key.split(".")[0]
        if platform != "total" and platform not in case.platforms:
            yield ("series", key), "error", _not_listed(platform)
    yield from _name_leaks(case)
    if len(set(case.platforms)) != len(case.platforms):
        yield ("platforms",), "error", "a platform is listed twice"
    if len(set(case.tags)) != len(case.tags):
        yield ("tags",), "warning", "a tag is listed twice"
    if (
        case.before is not None
        and case.before.as_of is not None
        and case.after is not None
        and case.after.as_of is not None
        and case.after.as_of < case.before.as_of
    ):
        yield ("after", "as_of"), "error", (
            f"'after' is dated {case.after.as_of}, before the 'before' snapshot ({case.before.as_of})"
        )
    yield from _periods(case)
    yield from _series_against_after(case)
    yield from _highlights(case)


def _strings(value, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every text in a parsed model, with its path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), path + (name,))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from _strings(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))
    elif isinstance(value, str):
        yield path, value


def _name_leaks(case: Case) -> Iterator[Issue]:
    """An undisclosed client name written anywhere else in the case would be published.

    The name is looked for as a reader would see the text and as people
    write names (casebook.load.names): Markdown rendered (``Z&#101;rno``,
    ``**Zer**no``), invisible characters dropped (soft hyphens, zero-width
    and joiner characters, variation selectors, Hangul fillers, bidi
    overrides), look-alike Latin and Cyrillic letters folded, case and ``ё``
    ignored, quotes and legal forms stripped (``ООО «Бархат»``), its
    distinctive part alone (``Салон «Бархат»``: «Бархат»), and any run of
    spaces, line breaks, ``<br>``, hyphens or underscores between its words.
    """

    name = case.client.name.strip()
    if case.client.disclose_name or len(name) < 2:
        return
    rule = Rule(name, name_forms(name))
    if not rule.forms:
        return
    inflected = Rule(name, names.inflected_forms(name))
    for path, text in _strings(case, ()):
        if path == ("client", "name"):
            continue
        forms = text_forms(text)
        if any(rule.found_in(form) for form in forms):
            yield path, "error", (
                f"mentions the undisclosed client name {name!r}; describe the client instead "
                "or set client.disclose_name: true"
            )
        elif inflected.forms and any(inflected.found_in(form) for form in forms):
            yield path, "warning", (
                f"may mention the undisclosed client name {name!r} in another grammatical case "
                f"({_inflected_word(text, inflected)!r}); if it names the client, describe the client instead"
            )


def _inflected_word(text: str, rule: Rule) -> str:
    """The word of a text an inflected form matched, as typed."""
    for word in re.findall(r"[^\W\d_]+", text):
        if rule.found_in(padded(word)):
            return word
    return rule.forms[0]


_MARKDOWN_MARKS = str.maketrans("", "", "*_`~\\")


def text_forms(text: str) -> tuple[str, ...]:
    """A text of a case folded as casebook.load.names does, padded: as typed, as shown, without Markdown marks, rendered.

    Markdown is rendered only where it could join what the other forms keep
    apart (a link or inline HTML): rendering every field of a thousand cases
    would cost seconds.
    """
    forms = {padded(text)}
    for seen in names.shown_forms(text):  # the names module's forms, not this module's shown_forms
        forms |= {padded(seen), padded(seen.translate(_MARKDOWN_MARKS))}
        forms |= {padded(w) for w in names.written_forms(seen)}  # encoded addresses decoded, hashtags apart
    if "[" in text or "<" in text:
        forms.add(padded(plain(text)))
    return tuple(forms)


def case_text_forms(case: Case) -> list[tuple[tuple, tuple[str, ...]]]:
    """Every text of a case with its path and its folded forms (see text_forms)."""
    return [(path, text_forms(text)) for path, text in _strings(case, ())]


def leaks_across(cases: list, memo: Any = None) -> list[tuple[object, tuple, object]]:
    """(public case, path of the field, casebook.load.hidden.Hidden) for every public case naming another case's hidden client.

    The names of private cases and reports, and undisclosed names, are
    looked for in every text of every other public case.  A case's own
    undisclosed name is _name_leaks' business.  Each public case is folded
    once; a name is looked for field by field only when all the words of
    one of its forms occur somewhere in the case.

    ``memo`` (casebook.load.cache.LoadCache) keeps, under what the hidden
    names are made of (:func:`_hidden_inputs`), their list and each case's
    answer by its file and bytes: an edit looks in the edited case only, and
    lists no hidden name (0.42 s of loading 1,000 cases, with the list).
    """
    inputs = _hidden_inputs(cases) if memo is not None else ""
    table = (memo.across(inputs) or {}) if memo is not None else {}
    answers = table.get("found") if isinstance(table.get("found"), dict) else {}
    kept_hidden = _hidden_from(table.get("hidden"), cases)
    if kept_hidden is not None:  # the hidden names as listed with these inputs: for the audit too
        remember(cases, kept_hidden)
    public = [loaded for loaded in cases if loaded.case.is_public]
    keys = [f"{loaded.source}\0{loaded.digest}" if loaded.digest else "" for loaded in public]
    if kept_hidden is not None and (not kept_hidden or all(key and answers.get(key) == [] for key in keys)):
        return []  # no hidden name, or nothing found, as before, in any of these very cases
    listed = kept_hidden if kept_hidden is not None else hidden_names(cases)
    if not listed:
        if memo is not None:
            memo.keep_across(inputs, {"hidden": [], "found": {}})
        return []
    hidden = [(h, Rule(h.name, h.forms, h.allowed)) for h in listed]
    kept: dict[str, list] = {}
    out = []
    seen: set[tuple] = set()  # a report's client and branding name found in one field: said once
    candidates = None
    for loaded, key in zip(public, keys):
        found = answers.get(key) if key else None
        if found is None:
            if candidates is None:  # a case looks up its own words instead of trying every hidden name
                candidates = Candidates((i, rule) for i, (_h, rule) in enumerate(hidden))
            found = [[list(path), i] for path, i in _named_in(loaded, hidden, candidates)]
        if key and all(type(part) in (str, int) for path, _i in found for part in path):  # as JSON keeps them
            kept[key] = found
        for path, i in found:
            h = hidden[i][0]
            seen_key = (id(loaded), tuple(path), id(h.source))
            if seen_key not in seen:
                seen.add(seen_key)
                out.append((loaded, tuple(path), h))
    if memo is not None:
        index = {id(loaded): i for i, loaded in enumerate(cases)}
        now = {"hidden": [[h.name, list(h.forms), index[id(h.source)], h.why, list(h.allowed)] for h in listed],
               "found": kept}
        if now != table:
            memo.keep_across(inputs, now)
    return out


def _hidden_from(kept: Any, cases: list) -> list | None:
    """hidden_names(cases) as :func:`leaks_across` kept it for these inputs (None: not kept)."""
    if not isinstance(kept, list):
        return None
    try:
        return [Hidden(name, tuple(forms), cases[i], why, tuple(allowed)) for name, forms, i, why, allowed in kept]
    except (TypeError, ValueError, IndexError):
        return None


def _named_in(loaded: Any, hidden: list, candidates: Candidates) -> list[tuple[tuple, int]]:
    """(path of the field, index in ``hidden``) for each other case's hidden name in a public case's texts."""
    fields = loaded.text_forms if getattr(loaded, "text_forms", None) is not None else case_text_forms(loaded.case)
    words: set[str] = set()
    for _path, forms in fields:
        for form in forms:
            words.update(form.split())
    found = []
    for i in sorted(candidates(words)):
        h, rule = hidden[i]
        if h.source is loaded:
            continue
        # the case's own client name is published only when disclosed, and then it is allowed
        found += [(path, i) for path, forms in fields
                  if path != ("client", "name") and any(rule.found_in(form) for form in forms)]
    return found


def _hidden_inputs(cases: list) -> str:
    """What :func:`casebook.load.hidden.hidden_names` makes its list from, in order, as a key: each case's
    file, client name, whether that is disclosed, whether the case is public, and its report's branding."""
    digest = hashlib.sha256()
    for loaded in cases:
        case = loaded.case
        branding = case.report.branding.name if case.report and case.report.branding else None
        digest.update(repr((str(loaded.source), case.client.name, case.client.disclose_name, case.is_public,
                            branding)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def visible(text: str) -> str:
    """Text without invisible format characters (soft hyphens, zero-width spaces, bidi marks), NFKC-folded."""
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", text)


def shown_forms(text: str) -> list[str]:
    """A text as typed and as it shows once rendered as Markdown, both made visible."""
    return [visible(text), visible(plain(text))]


def name_pattern(name: str):
    """A client name as a whole word, its words joined by any spaces, hyphens or underscores."""
    words = [re.escape(w) for w in visible(name).split()]
    return re.compile(r"(?<!\w)" + r"[\s_-]+".join(words) + r"(?!\w)", re.IGNORECASE)


def _highlights(case: Case) -> Iterator[Issue]:
    """A `highlights:` entry the case page cannot show (no KPI card, or no figure in this case) is said, not dropped."""
    cards = registry.card_order()
    reg = registry.metrics()
    for i, metric in enumerate(case.highlights):
        if metric not in cards:
            hint = " (an engagement rate is 'er', the case's own definition)" if reg[metric].engagement_rate else ""
            yield ("highlights", i), "warning", (
                f"'{metric}' is not one of the results a case page can open with{hint}, so it is left out; "
                f"use one of: {', '.join(cards)}")
            continue
        info = reg[registry.er_definitions()[case.engagement_rate] if metric == "er" else metric]
        inputs = info.inputs if info.formula else (info.id,)
        snaps = (case.baseline, case.after)
        if not any(_reports(snap, inputs, info.pool == "totals") for snap in snaps):
            anywhere = {k for snap in snaps if snap for mm in snap.metrics.values() for k in mm.values()}
            missing = [x for x in dict.fromkeys(inputs) if x not in anywhere]
            needs = (f"no platform reports {' and '.join(dict.fromkeys(inputs))} together" if not missing
                     else f"it needs {' and '.join(missing)}, which the case does not report" if missing != [metric]
                     else "the case does not report it")
            yield ("highlights", i), "warning", f"'{metric}' has no figure in this case ({needs}), so it is left out"


def _reports(snap: Snapshot | None, inputs: tuple[str, ...], pooled: bool) -> bool:
    """Whether a snapshot has every input of a figure: on one platform, or summed over all for a pooled cost."""
    if snap is None:
        return False
    found = [set(m.values()) for m in snap.metrics.values()]
    return any(set(inputs) <= f for f in found) or (pooled and set(inputs) <= set().union(*found))


def _not_listed(platform: str) -> str:
    return f"platform {platform!r} is not in the case's 'platforms' list"


def _snapshot(snap: Snapshot, path: tuple, case: Case) -> Iterator[Issue]:
    for platform, metrics in snap.metrics.items():
        if platform not in case.platforms:
            yield path + ("metrics", platform), "error", _not_listed(platform)
        yield from _metrics(metrics, path + ("metrics", platform))


def _metrics(m: Metrics, path: tuple) -> Iterator[Issue]:
    parts = {p: getattr(m, p) for p in ENGAGEMENT_PARTS if getattr(m, p) is not None}
    if m.engagements is not None:
        for name, value in parts.items():
            if value > m.engagements:
                yield path + (name,), "error", (
                    f"{name} ({value}) is larger than engagements ({m.engagements}), of which it is a part"
                )
        total = sum(parts.values())
        if len(parts) > 1 and total > m.engagements and all(v <= m.engagements for v in parts.values()):
            yield path + ("engagements",), "error", (
                f"engagements ({m.engagements}) is less than the sum of its parts "
                f"{' + '.join(parts)} ({total})"
            )
    for whole in ("impressions", "views"):
        total = getattr(m, whole)
        if total is not None and m.reach is not None and m.reach > total:
            yield path + ("reach",), "error", (
                f"reach ({m.reach}) is larger than {whole} ({total}); reach counts each person once"
            )
    if m.impressions is not None and m.clicks is not None and m.clicks > m.impressions:
        yield path + ("clicks",), "error", f"clicks ({m.clicks}) are more than impressions ({m.impressions})"
    if m.engagements is not None and m.reach is not None and m.engagements > m.reach:
        yield path + ("engagements",), "warning", (
            f"engagements ({m.engagements}) exceed reach ({m.reach}); possible, but check the numbers"
        )


def month_start(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


__all__ = ["case_text_forms", "check_case", "leaks_across", "month_start", "name_pattern", "registry", "shown_forms",
           "text_forms", "visible"]


# --------------------------------------------------------------------------
# hidden names in the other public inputs: profile.yaml and the pages folder


def hidden_message(hidden, root, where: str = "a public case") -> str:
    """The message for a hidden client name (casebook.load.hidden.Hidden) found in a public text, naming its source file."""
    source = display_path(hidden.source.source, root)
    if hidden.why == "undisclosed":
        what = f"the client name {hidden.name!r}, which {source} keeps undisclosed"
    else:
        kind = "report" if hidden.source.case.kind == "report" else "case"
        what = f"the client name {hidden.name!r} of the private {kind} {source}"
    return f"mentions {what}; {where} must not name it"


def _hits(rules: list, forms: tuple[str, ...]) -> list:
    """The hidden names found in a text's forms, one per source file (a report's client and branding: once)."""
    out, sources = [], set()
    for h, rule in rules:
        if id(h.source) not in sources and any(rule.found_in(f) for f in forms):
            sources.add(id(h.source))
            out.append(h)
    return out


def _rules_of(cases: list) -> list:
    return [(h, Rule(h.name, h.forms, h.allowed)) for h in hidden_names(cases)]


def _shown(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _series_against_after(case: Case) -> Iterator[Issue]:
    """A series and the after snapshot must tell the same story.

    A stock's value in the month of ``after.as_of`` is the after value; a
    flow's monthly values over the after period add up to the after value.
    Reach (unique people) does not add up across months and is not checked.
    """
    after = case.after
    if after is None or case.kind == "report":
        return
    reg = registry.metrics()
    span = after.period or case.period
    for key, points in case.series.items():
        platform, metric = key.split(".", 1)
        info = reg.get(metric)
        metrics = after.metrics.get(platform)
        value = metrics.values().get(metric) if metrics is not None else None
        if info is None or info.derived or value is None or not points:
            continue
        monthly = all(isinstance(k, str) for k in points)
        if info.measure == "stock":
            at = after.as_of or span.end
            same = [v for k, v in sorted(points.items(), key=lambda kv: month_start(kv[0]))
                    if (month_start(k).year, month_start(k).month) == (at.year, at.month)]
            if same and abs(same[-1] - value) > 1e-9:
                yield ("series", key), "warning", (
                    f"{metric} is a level at a date: the series says {_shown(same[-1])} in {at:%Y-%m}, "
                    f"but 'after' says {_shown(value)} on {at}")
        elif info.measure == "flow" and monthly:
            months, (y, mo) = [], (span.start.year, span.start.month)
            while (y, mo) <= (span.end.year, span.end.month):
                months.append(f"{y:04d}-{mo:02d}")
                y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
            whole = span.start.day == 1 and (span.end + dt.timedelta(days=1)).day == 1
            if whole and all(m in points for m in months):
                total = sum(points[m] for m in months)
                if abs(total - value) > 1e-6 * max(1.0, abs(value)):
                    yield ("series", key), "warning", (
                        f"{metric} is summed over a period: the series adds up to {_shown(total)} for "
                        f"{months[0]} to {months[-1]}, but 'after' says {_shown(value)} for the same months")


def _periods(case: Case) -> Iterator[Issue]:
    """A snapshot's period must be a span; a 'before' with flows needs one to be compared."""
    snaps = [(("before",), case.before), (("after",), case.after)]
    if case.report is not None:
        snaps.append((("report", "previous"), case.report.previous))
    for path, snap in snaps:
        if snap is not None and snap.period is not None and snap.period.end < snap.period.start:
            yield path + ("period", "end"), "error", (
                f"period ends ({snap.period.end}) before it starts ({snap.period.start})")
    before = case.before
    if case.kind == "report" or before is None or before.period is not None:
        return
    reg = registry.metrics()
    flows = sorted({k for m in before.metrics.values() for k in m.values()
                    if k in reg and reg[k].measure != "stock"})
    if flows:
        example = "period: {start: YYYY-MM-01, end: YYYY-MM-DD}"
        if before.as_of is not None:
            first = before.as_of.replace(day=1)
            example = f"period: {{start: {first}, end: {before.as_of}}}"
        yield ("before",), "warning", (
            f"{', '.join(flows)} are counted over a period, but 'before' does not say which; "
            f"add e.g. '{example}'; until then their change is not shown")
