"""Mapping files (``--map``): any other export described in a few lines of YAML.

VK and Telegram statistics, TGStat, LiveDune, Popsters, Yandex Metrica and
GA4 all export tables of a date and numbers, in layouts that change with
the tool's version and interface language.  Rather than guess them, the
user says in a mapping file which column is the date, how it is written,
how the file is encoded, and which column feeds which casebook metric.
Commented examples: docs/import/vk.map.yaml, docs/import/telegram.map.yaml
(TGStat) and docs/import/ga4.map.yaml.

Keys (every other key is refused, so a typo is not silently ignored)::
    format:    a name for messages and the provenance record (required)
    platform:  the casebook platform the numbers belong to (required unless --platform)
    rows:      daily (a row a day or a date with other columns: flows summed,
               stocks read at a date) | posts (a row a post: lifetime numbers
               on its date); default daily
    encoding:  auto | utf-8 | utf-8-sig | utf-16 | cp1251 ...; default auto
    delimiter: auto | "," | ";" | "\\t"; default auto
    comment:   lines starting with this are skipped (GA4 writes "# ..."); default none
    header_row: the header's line among the non-comment lines, from 1; default 1
    date:      {column: NAME, format: STRPTIME FORMAT such as "%d.%m.%Y"}
    timezone:  the time zone the dates are in, as you know it (recorded)
    metrics:   {metric: COLUMN} or {metric: [COLUMN, COLUMN]} (the columns summed)
    where:     {COLUMN: VALUE or [VALUES]}: only rows whose cell is one of them
    post:      {id: COLUMN, url: COLUMN, title: COLUMN} for rows: posts
    notes:     a sentence for the provenance (e.g. what reach means here)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from casebook import registry

from .base import TIER_DAILY, TIER_POSTS, Export, Options, Row, caption_title, http_url, number, parse_date
from .errors import ImportProblem
from .table import RawFile, Table, read_text_table

KEYS = {"format", "platform", "rows", "encoding", "delimiter", "comment", "header_row", "date", "timezone",
        "metrics", "where", "post", "notes"}


def load_mapping(path: Path) -> dict:
    shown = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ImportProblem(f"{shown}: cannot read the mapping file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{shown}: the mapping file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ImportProblem(f"{shown}{at}: the mapping file is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ImportProblem(f"{shown}: a mapping file is a YAML mapping with format, date and metrics")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ImportProblem(f"{shown}: unknown key(s) {', '.join(map(repr, unknown))}; "
                            f"known: {', '.join(sorted(KEYS))}")
    for key in ("format", "date", "metrics"):
        if key not in data:
            raise ImportProblem(f"{shown}: the mapping needs '{key}'")
    if not isinstance(data["date"], dict) or "column" not in data["date"]:
        raise ImportProblem(f"{shown}: date: write {{column: NAME, format: \"%d.%m.%Y\"}}")
    if data.get("rows", "daily") not in ("daily", "posts"):
        raise ImportProblem(f"{shown}: rows: {data['rows']!r} is neither 'daily' nor 'posts'")
    counts = registry.count_metrics()
    if not isinstance(data["metrics"], dict) or not data["metrics"]:
        raise ImportProblem(f"{shown}: metrics: name at least one metric and its column, e.g. reach: \"Охват\"")
    for metric, columns in data["metrics"].items():
        if metric not in counts:
            raise ImportProblem(f"{shown}: metrics: {metric!r} is not a casebook count; known: {', '.join(counts)}")
        if not isinstance(columns, (str, list)) or (isinstance(columns, list) and not all(
                isinstance(c, str) for c in columns)):
            raise ImportProblem(f"{shown}: metrics: {metric}: write a column name or a list of column names")
    platform = data.get("platform")
    if platform is not None and platform not in registry.platforms():
        raise ImportProblem(f"{shown}: platform: {platform!r} is not a casebook platform; "
                            f"known: {', '.join(registry.platforms())}")
    data["_path"] = shown
    return data


# long: one mapped table read row by row; the nested helpers share the mapping's options
def read(file: RawFile, mapping: dict, options: Options) -> Export:
    comment = mapping.get("comment")
    header_row = int(mapping.get("header_row", 1))
    delimiter = mapping.get("delimiter", "auto")
    delimiter = None if delimiter == "auto" else delimiter.replace("\\t", "\t")

    def header_at(rows):
        kept = [i for i, r in enumerate(rows) if r and not (comment and r[0].startswith(comment))]
        return kept[header_row - 1] if len(kept) >= header_row else None

    table = read_text_table(file, header_at, encoding=mapping.get("encoding", "auto"), delimiter=delimiter)
    if comment:
        pairs = [(r, n) for r, n in zip(table.rows, table.lines) if not (r and r[0].startswith(comment))]
        table.rows, table.lines = [p[0] for p in pairs], [p[1] for p in pairs]
    platform = options.platform or mapping.get("platform")
    if not platform:
        raise ImportProblem(f"{mapping['_path']}: name the platform (platform: vk) or pass --platform")
    label = str(mapping["format"])
    columns = {}
    missing = []
    wanted = [mapping["date"]["column"]]
    for metric, names in mapping["metrics"].items():
        names = [names] if isinstance(names, str) else names
        wanted += names
        columns[metric] = [table.column(n) for n in names]
    where = {k: ([v] if not isinstance(v, list) else v) for k, v in (mapping.get("where") or {}).items()}
    wanted += list(where)
    post = mapping.get("post") or {}
    wanted += [v for v in post.values() if v]
    missing = [n for n in dict.fromkeys(wanted) if table.column(n) is None]
    if missing:
        raise ImportProblem(f"{table.name}:{table.header_line}: the mapping {mapping['_path']} ({label}) needs the "
                            f"column(s) {', '.join(map(repr, missing))}; the header has "
                            f"{', '.join(repr(h) for h in table.header[:12])}")
    date_col = table.column(mapping["date"]["column"])
    fmt = mapping["date"].get("format")
    measure = {m: registry.metrics()[m].measure for m in columns}
    posts = mapping.get("rows", "daily") == "posts"
    by_day: dict[dt.date, tuple[dict, int, int]] = {}
    rows: list[Row] = []
    for values, line in zip(table.rows, table.lines):
        if any((values[table.column(k)] if table.column(k) < len(values) else "") not in [str(x) for x in allowed]
               for k, allowed in where.items()):
            continue
        day = _date(table, values, date_col, line, fmt)
        numbers: dict[str, float | None] = {}
        for metric, cols in columns.items():
            parts = [number(table, values, c, line, blank=None, money=registry.metrics()[metric].unit == "money")
                     for c in cols]
            numbers[metric] = None if any(p is None for p in parts) else sum(parts)
        if posts:
            ident = _cell(values, table.column(post["id"])) if post.get("id") else f"line {line}"
            numbers["posts"] = 1
            title = _cell(values, table.column(post["title"])) if post.get("title") else ""
            url = _cell(values, table.column(post["url"])) if post.get("url") else ""
            rows.append(Row("post", ("post", platform, label, ident), day, day, numbers, line,
                            title=caption_title(title, f"Post of {day.isoformat()}"), url=http_url(url)))
            continue
        if day in by_day:
            prev, first_line, count = by_day[day]
            for metric, value in numbers.items():
                if measure[metric] == "stock":
                    col = columns[metric][0]
                    raise ImportProblem(f"{table.name}:{line}:{(col or 0) + 1}: {metric} is a level at a date, "
                                        f"and {day} has it twice (also on line {first_line}); add a 'where' filter")
                prev[metric] = None if value is None or prev[metric] is None else prev[metric] + value
            by_day[day] = (prev, first_line, count + 1)
        else:
            by_day[day] = (numbers, line, 1)
    if not posts:
        for day, (numbers, line, _count) in sorted(by_day.items()):
            rows.append(Row("day", ("day", platform, label, day), day, day, numbers, line))
    if not rows:
        raise ImportProblem(f"{table.name}: no rows left to import (empty, or the 'where' filter matched none)")
    notes = [f"read with the mapping {Path(mapping['_path']).name}"]
    if mapping.get("notes"):
        notes.append(str(mapping["notes"]))
    timezone = str(mapping.get("timezone") or "as written in the export (the mapping names none)")
    return Export(file, "mapping", label, platform, TIER_POSTS if posts else TIER_DAILY, rows, timezone, notes)


def _cell(values: list[str], col: int | None) -> str:
    return values[col].strip() if col is not None and col < len(values) else ""


def _date(table: Table, values: list[str], col: int, line: int, fmt: str | None) -> dt.date:
    text = _cell(values, col)
    if fmt:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            raise ImportProblem(f"{table.name}:{line}:{col + 1}: {table.header[col]}: {text!r} does not match the "
                                f"mapping's date format {fmt!r}") from None

    return parse_date(table, values, col, line)
