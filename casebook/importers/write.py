"""Put imported numbers into a case file without disturbing anything else in it.

The file is edited as a round-trip YAML document (ruamel.yaml): comments,
key order, quotes, flow and block styles and hand-written text stay as they
were; only the blocks the import fills change.  The new text is validated
exactly as ``casebook check`` validates a file, and written atomically (a
temporary file beside it, then a rename) only when it passes.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from casebook import registry, store
from casebook.errors import Problem, display_path
from casebook.load import checks
from casebook.load.cases import _dotted, validate
from casebook.load.model import Case
from casebook.load.yamlsrc import YamlProblem, parse

from .aggregate import PlatformResult, Result, Snapshot, month_span, shown_name

# Where a block the case does not have yet goes: after the first of these keys it finds.
PLACE_AFTER = {
    "before": ("goals", "tags", "currency"),
    "after": ("actions", "before", "goals", "currency"),
    "series": ("after", "actions", "before"),
    "imports": ("report", "lessons", "media", "testimonial", "engagement_rate", "series"),
}


def yaml_engine() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096  # never fold a long line the user wrote on one
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.ignore_aliases = lambda data: True  # the same date twice is written twice, never as &id001
    return y


def load(text: str):
    return yaml_engine().load(text)


def dump(doc) -> str:
    out = io.StringIO()
    yaml_engine().dump(doc, out)
    return out.getvalue()


def keep_spacing(original: str, new: str) -> str:
    """new, with the user's own spacing back on the lines that differ from original only in spaces.

    The YAML engine writes every line again in its own way: ``vk.reach:     {...}`` aligned by hand comes
    out as ``vk.reach: {...}``.  A line whose words are the same as the original's, in a stretch of lines
    the import did not change, is given back as the user wrote it.  The result must read as the same data
    as ``new``; if it does not, ``new`` is returned as it is.
    """

    def words(line: str) -> str:
        stripped = line.lstrip(" ")
        return " " * (len(line) - len(stripped)) + " ".join(stripped.split())

    old_lines, new_lines = original.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, [words(x) for x in old_lines], [words(x) for x in new_lines],
                                      autojunk=False)
    out: list[str] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        out.extend(old_lines[a0:a1] if tag == "equal" else new_lines[b0:b1])
    merged = "".join(out)
    if merged == new:
        return new
    try:
        same = load(merged) == load(new)
    except Exception:  # noqa: BLE001 - any doubt: keep the engine's own text
        same = False
    return merged if same else new


def _flow(items: dict) -> CommentedMap:
    m = CommentedMap(items)
    m.fa.set_flow_style()
    return m


def _block(items: dict) -> CommentedMap:
    m = CommentedMap(items)
    m.fa.set_block_style()
    return m


def _child(parent: CommentedMap, key: str, *, flow: bool = False, after: tuple[str, ...] = ()) -> CommentedMap:
    """parent[key] as a mapping, made (and placed after the first of ``after`` present) when absent."""
    value = parent.get(key)
    if isinstance(value, CommentedMap):
        if not flow and not value:
            value.fa.set_block_style()  # "after: {}" from a template grows into a block, not one long line
        return value
    made = _flow({}) if flow else _block({})
    keys = list(parent.keys())
    position = len(keys)
    for name in after:
        if name in keys:
            position = keys.index(name) + 1
            break
    parent.insert(position, key, made)
    return made


def _number(metric: str, value: float):
    if registry.metrics()[metric].unit == "money":
        return int(value) if float(value).is_integer() else round(float(value), 2)
    return int(value)


def _ordered(values: dict[str, float]) -> list[str]:
    order = list(registry.metrics())
    return sorted(values, key=order.index)


def apply(doc: CommentedMap, result: Result, snapshot_keys: dict[str, tuple[str, ...]], report: bool,
          defaults: dict[str, dict], replaced: list[tuple[str, object, object]] | None = None) -> dict[str, list[str]]:
    """Fill ``doc`` from ``result``; returns, per export (by id), the blocks it filled.

    ``replaced`` gets (field, value the file held, the export's value) for each
    number the file already held with another value: the user is told.
    """
    fills: dict[int, list[str]] = {}
    replaced = replaced if replaced is not None else []
    for platform, res in result.platforms.items():
        for snap in res.snapshots:
            if not snap.values:
                continue
            path = snapshot_keys[snap.name]
            node = doc
            for i, key in enumerate(path):
                node = _child(node, key, after=PLACE_AFTER.get(key, ()) if i == 0 else ())
            for key, value in defaults[snap.name].items():
                if key not in node:
                    _insert_front(node, key, value)
            metrics = _child(node, "metrics")
            target = metrics.get(platform)
            if not isinstance(target, CommentedMap):
                target = _flow({})
                metrics[platform] = target
            where = ".".join(path) + f".metrics.{platform}"
            for metric in _ordered(snap.values):
                _note_replaced(replaced, f"{where}.{metric}", target.get(metric), _number(metric, snap.values[metric]))
                target[metric] = _number(metric, snap.values[metric])
            for export in _exports_of(res, snap.values):
                names = [m for m in _ordered(snap.values)
                         if res.contributes(export, m, snap.period.start, snap.period.end if
                                            registry.metrics()[m].measure != "stock" else snap.as_of)]
                if names:
                    fills.setdefault(id(export), []).append(f"{where}: {', '.join(names)}")
        if res.series:
            series = _child(doc, "series", after=PLACE_AFTER["series"])
            for metric in _ordered(res.series):
                key = f"{platform}.{metric}"
                existing = series.get(key)
                points = dict(existing) if isinstance(existing, dict) else {}
                for month, value in res.series[metric].items():
                    _note_replaced(replaced, f"series.{key}.{month}", points.get(month), _number(metric, value))
                    points[month] = _number(metric, value)
                series[key] = _flow({k: points[k] for k in sorted(points, key=str)})

            for export in _exports_of(res, res.series):
                used = [(m, mo) for m in _ordered(res.series) for mo in res.series[m]
                        if res.contributes(export, m, month_span(mo).start, month_span(mo).end)]
                if not used:
                    continue
                names = list(dict.fromkeys(f"{platform}.{m}" for m, _ in used))
                months = sorted({mo for _, mo in used})
                span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
                fills.setdefault(id(export), []).append(f"series {', '.join(names)} ({span})")
        if report:
            _top_content(doc, res, fills)
    return fills


def _note_replaced(replaced: list, field: str, old, new) -> None:
    if isinstance(old, (int, float)) and not isinstance(old, bool) and old != new:
        replaced.append((field, old, new))


def _insert_front(node: CommentedMap, key: str, value) -> None:
    position = 0
    for i, k in enumerate(node.keys()):
        if k in ("as_of", "period"):
            position = i + 1
    node.insert(position, key, value)


def _exports_of(res: PlatformResult, metrics) -> list:
    seen: dict[int, object] = {}
    for m in metrics:
        for e in res.sources.get(m, []):
            seen.setdefault(id(e), e)
    return list(seen.values())


def _top_content(doc: CommentedMap, res: PlatformResult, fills: dict[int, list[str]]) -> None:
    if not res.top:
        return
    report = doc.get("report")
    if not isinstance(report, CommentedMap):
        return
    items = report.get("top_content")
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        keys = list(report.keys())
        position = keys.index("asks") + 1 if "asks" in keys else len(keys)
        report.insert(position, "top_content", items)
    # the items an earlier import of these exports wrote: by link, or by title and date for a post without one
    ours = {r.url for e in res.exports for r in e.rows if r.kind == "post" and r.url}
    unlinked = {(r.title or f"Post of {r.start}", r.start) for e in res.exports for r in e.rows
                if r.kind == "post" and not r.url}
    notes, first = {}, None
    for i in reversed(range(len(items))):
        item = items[i]
        if not isinstance(item, dict) or item.get("platform") != res.platform:
            continue
        key = item.get("url") or (item.get("title"), item.get("date"))
        if item.get("url") in ours or (not item.get("url") and (item.get("title"), item.get("date")) in unlinked):
            if item.get("note"):
                notes[key] = item["note"]
            first = i
            del items[i]
    position = first if first is not None else len(items)
    keep = ("reach", "views", "engagements", "likes", "comments", "shares", "saves", "clicks")
    for offset, row in enumerate(res.top):
        metrics = {m: _number(m, row.values[m]) for m in keep if row.values.get(m) is not None}
        entry = _block({"title": row.title or f"Post of {row.start}", "platform": res.platform})
        if row.url:
            entry["url"] = row.url
        entry["date"] = row.start
        entry["metrics"] = _flow(metrics)
        key = row.url or (entry["title"], row.start)
        if key in notes:
            entry["note"] = notes[key]
        items.insert(position + offset, entry)
    owners = {id(e): e for e in res.exports if any(r in res.top for r in e.rows)}
    for export in owners.values():
        count = sum(1 for r in res.top if r in export.rows)
        fills.setdefault(id(export), []).append(f"report.top_content: {count} {res.platform} post(s)")


def record_provenance(doc: CommentedMap, result: Result, fills: dict[int, list[str]]) -> None:
    """One ``imports`` entry per export file: name, sha256, format, rows, dates, time zone, what it filled, notes."""
    records = doc.get("imports")
    if not isinstance(records, CommentedSeq):
        records = CommentedSeq()
        keys = list(doc.keys())
        doc.insert(len(keys), "imports", records)
    for platform, res in result.platforms.items():
        for export in res.exports:
            span = export.span
            notes = list(export.notes)
            for metric, months in sorted(res.partial.items()):
                if export in res.sources.get(metric, []):
                    notes.append(f"{metric}: {', '.join(months)} covered only in part: left out")
            unused = [m for m in export.metrics if export not in res.sources.get(m, [])]
            # a note on what a metric means ("reach is the sum of ...") only where that metric came from here
            notes = [n for n in notes if n.split(" ", 1)[0] not in unused]
            if unused:
                notes.append(f"{', '.join(unused)}: taken from a more direct export, not from this one")
            notes += [line for line in result.duplicates if shown_name(export) in line or export.file.name in line]
            entry = _block({
                "file": shown_name(export),
                "sha256": export.file.sha256,
                "format": export.label,
                "platform": platform,
                "rows": res.rows_used.get(id(export), len(export.rows)),
                "dates": _flow({"start": span[0], "end": span[1]}) if span else None,
                "timezone": export.timezone,
                "fills": CommentedSeq(fills.get(id(export), []) or [
                    "nothing: more direct exports gave its numbers" if unused and len(unused) == len(export.metrics)
                    else "nothing: it covers none of the case's periods in full"]),
                "notes": CommentedSeq(notes),
            })
            if entry["dates"] is None:
                del entry["dates"]
            index = next((i for i, r in enumerate(records) if isinstance(r, dict)
                          and r.get("file") == entry["file"] and r.get("platform") == platform), None)
            if index is None:
                records.append(entry)
            else:
                records[index] = entry


def validate_text(text: str, target: Path, root: Path) -> list[Problem]:
    """Every problem ``casebook check`` would report in ``text`` as the content of ``target``."""
    shown = display_path(target, root)
    try:
        located = parse(text)
    except YamlProblem as exc:
        return [Problem(shown, exc.line, exc.column, _dotted(exc.path), exc.message)]
    model, problems = validate(Case, located, Path(target).resolve(), Path(root).resolve())
    if model is None:
        return problems
    for loc, severity, message in checks.check_case(model):
        line, col = located.where(loc)
        problems.append(Problem(shown, line, col, _dotted(loc), message, severity))
    return problems


def write_atomically(target: Path, text: str) -> None:
    """Replace target with text: a temporary file in the same folder, flushed, then renamed over it."""
    target = Path(target)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    store.write_file(target, text.encode("utf-8"), mode=mode, fsync=True)


def snapshot_defaults(snap: Snapshot, write_period: bool) -> dict:
    out = {"as_of": snap.as_of}
    if write_period:
        out["period"] = _flow({"start": snap.period.start, "end": snap.period.end})
    return out


__all__ = ["apply", "dump", "keep_spacing", "load", "record_provenance", "snapshot_defaults", "validate_text", "write_atomically"]
