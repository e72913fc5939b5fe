"""Load: case files to validated models, or located problems.

``load_cases`` reads every case, collects every problem (YAML, types,
unknown keys with "did you mean", cross-field checks, duplicate slugs) and
never raises for anything a user wrote.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from casebook import registry
from casebook.errors import Problem, display_path, not_a_file
from casebook.settings import MAX_FILE_BYTES

from . import checks, mediareuse
from .cache import LoadCache, SlugAt
from .media import referenced_files
from .model import Case, Profile
from .yamlsrc import Located, YamlProblem, decode, parse

CASE_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedCase:
    case: Case
    source: Path  # absolute path of the YAML file
    digest: str = ""  # sha256 of the file's bytes: the cache key of everything made from it
    # Worked out once per case and kept with it in the load cache (a build asks for them every time, for
    # every case): the files it points to, under a project root, and its texts' folded forms (checks.case_text_forms)
    refs: tuple[Path, list[Path]] | None = field(default=None, compare=False, repr=False)
    text_forms: list | None = field(default=None, compare=False, repr=False)
    from_cache: bool = field(default=False, compare=False, repr=False)  # unchanged since a build loaded it


@dataclass
class LoadResult:
    cases: list[LoadedCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def find_case_files(paths: list[Path], root: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Case files under the given files and folders, sorted; '_'-files skipped.

    With ``root``, a file inside the project that is a link to a file outside
    it is refused: the project is what gets checked, built and cached.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix not in CASE_SUFFIXES or f.name.startswith(("_", ".")) or \
                        any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if f.is_file():
                    found.append(f)
                elif not f.is_dir():  # a folder is searched as any; a pipe or a link to nothing: never unsaid
                    problems.append(Problem(str(f), 0, 0, "", not_a_file(f)))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(Problem(str(p), 0, 0, "", not_a_file(p)))
    real = real_paths(found)
    if root is not None:
        found, problems = _inside(found, real, Path(root).resolve(), problems)
    return sorted(dict.fromkeys(real[f] for f in found)), problems


def real_paths(files: list[Path]) -> dict[Path, Path]:
    """Each file's resolved path, as ``Path.resolve`` gives it: each folder resolved once for all
    its files, a file resolved itself only when it is a link.  (Resolving walks every part of
    the path: three times a case, it was a third of loading 1,000 cases from the load cache.)"""
    folders: dict[Path, Path] = {}
    real = {}
    for f in files:
        folder = folders.get(f.parent)
        if folder is None:
            folder = folders[f.parent] = f.parent.resolve()
        real[f] = f.resolve() if f.name in ("", ".", "..") or os.path.islink(f) else folder / f.name
    return real


def _inside(found: list[Path], real: dict[Path, Path], root: Path,
            problems: list[Problem]) -> tuple[list[Path], list[Problem]]:
    """Drop (with a problem) files that lie in the project but link outside it."""
    kept = []
    for f in found:
        lexical = Path(os.path.abspath(f))
        if lexical.is_relative_to(root) and not real[f].is_relative_to(root):
            problems.append(Problem(
                lexical.relative_to(root).as_posix(), 1, 1, "",
                "this case file is a link to a file outside the project; copy the file into the project instead",
            ))
            continue
        kept.append(f)
    return kept, problems


def load_cases(paths: list[Path], root: Path | None = None, cache_dir: Path | None = None) -> LoadResult:
    """Every case under the paths; with ``cache_dir``, unchanged valid cases come from a cache."""
    root = Path(root or Path.cwd()).resolve()
    files, problems = find_case_files(paths, root)
    result = LoadResult(problems=problems)
    first_slug: dict[str, tuple[Path, int]] = {}
    cache = None
    if cache_dir is not None:
        cache = LoadCache(cache_dir)
    for path in files:
        loaded, file_problems, located = _load_resolved(path, root, cache)
        result.problems.extend(file_problems)
        if loaded is None:
            continue
        slug = loaded.case.slug
        line, col = located.where(("slug",))
        if slug in first_slug:
            other, other_line = first_slug[slug]
            result.problems.append(
                Problem(
                    display_path(path, root),
                    line,
                    col,
                    "slug",
                    f"slug {slug!r} is already used by {display_path(other, root)}:{other_line}",
                )
            )
            continue
        first_slug[slug] = (path, line)
        result.cases.append(loaded)
    result.problems.extend(name_problems_across(result.cases, root, cache))
    result.problems.sort(key=lambda p: (p.file, p.line, p.column))
    if result.errors:
        result.cases = []  # no partial output: a build needs every case valid
    return result


def name_problems_across(cases: list[LoadedCase], root: Path, cache: Any = None) -> list[Problem]:
    """A private case's or report's client name, or an undisclosed one, in another, public case, and a
    public case's cover or media that is such a client's logo or a private case's file: located there.

    The message names both files; a case from the load ``cache`` is parsed again only when it has something to say.
    """
    leaks = checks.leaks_across(cases, cache)  # the cache keeps each case's answer for the next build
    found = [(loaded, loc, checks.hidden_message(hidden, root)) for loaded, loc, hidden in leaks]
    found += mediareuse.reused_files(cases, root)
    problems = []
    located_of: dict[Path, Any] = {}
    for loaded, loc, message in found:
        if loaded.source not in located_of:
            located, _raw, _problems = read_document(loaded.source, root)
            located_of[loaded.source] = located
        located = located_of[loaded.source]
        line, col = located.where(loc) if located is not None else (1, 1)
        problems.append(Problem(display_path(loaded.source, root), line, col, _dotted(loc), message))
    return problems


def read_document(path: Path, root: Path, kind: str = "case") -> tuple[Located | None, bytes, list[Problem]]:
    shown = display_path(path, root)
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b"\0" * (MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, b"", [Problem(shown, 1, 1, "", f"cannot read file: {exc.strerror}")]
    try:
        located = parse(decode(raw))
    except YamlProblem as exc:
        return None, raw, [Problem(shown, exc.line, exc.column, _dotted(exc.path), exc.message)]
    if not isinstance(located.data, dict):
        what = "empty" if located.data is None else _KIND_OF_DOCUMENT.get(type(located.data), "a single value")
        if kind == "profile":
            must = f"{path.name} must be a mapping of fields such as name, role, bio and contacts"
        else:
            must = "a case file must be a mapping of fields"
        return None, raw, [Problem(shown, 1, 1, "", f"{must}, this one is {what}")]
    return located, raw, []


_KIND_OF_DOCUMENT = {list: "a list", str: "plain text", int: "a number", float: "a number", bool: "true or false"}


def load_case_file(path: Path, root: Path, cache: Any = None) -> tuple[LoadedCase | None, list[Problem], Any]:
    return _load_resolved(Path(path).resolve(), root, cache)


def _load_resolved(path: Path, root: Path, cache: Any) -> tuple[LoadedCase | None, list[Problem], Any]:
    """load_case_file of a path already resolved (find_case_files gives them so)."""
    if cache is not None:
        try:
            raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b""
        except OSError:
            raw = b""
        hit = cache.get(path, root, raw) if raw else None
        if hit is not None:
            model, warnings, slug_at, refs, forms = hit
            return (LoadedCase(model, path, hashlib.sha256(raw).hexdigest(), refs=(root, refs), text_forms=forms,
                               from_cache=True), list(warnings), SlugAt(slug_at))
    located, raw, problems = read_document(path, root)
    if located is None:
        return None, problems, Located(None)
    model, problems = validate(Case, located, path, root)
    if model is None:
        return None, problems, located
    shown = display_path(path, root)
    for loc, severity, message in checks.check_case(model):
        line, col = located.where(loc)
        problems.append(Problem(shown, line, col, _dotted(loc), message, severity))
    if any(p.is_error for p in problems):
        return None, problems, located
    loaded = LoadedCase(model, path, hashlib.sha256(raw).hexdigest())
    loaded.text_forms = checks.case_text_forms(model) if model.is_public else None
    if cache is not None:
        cache.put(path, root, raw, model, problems, located.where(("slug",)), referenced_files(loaded, root),
                  loaded.text_forms)
    return loaded, problems, located


def load_profile(path: Path, root: Path) -> tuple[Profile | None, list[Problem]]:
    path = Path(path).resolve()
    located, _raw, problems = read_document(path, root, kind="profile")
    if located is None:
        return None, problems
    return validate(Profile, located, path, root)


def validate(model: type[BaseModel], located: Located, path: Path, root: Path):
    shown = display_path(path, root)
    try:
        obj = model.model_validate(located.data, context={"base_dir": path.parent, "root": root})
    except ValidationError as exc:
        return None, _problems_from(exc, model, located, shown)
    return obj, []


# --------------------------------------------------------------------------
# pydantic errors to plain words


def _problems_from(exc: ValidationError, model: type[BaseModel], located: Located, shown: str) -> list[Problem]:
    grouped: dict[tuple, list[dict]] = {}
    for err in exc.errors(include_url=False):
        path, on_key = _data_path(located.data, err)
        grouped.setdefault((path, on_key), []).append(err)
    problems = []
    for (path, on_key), errs in grouped.items():
        message = _message(errs, path, model, located.data, located.written.get(path))
        line, col = located.key_where(path) if (on_key or errs[0]["type"] in ("extra_forbidden", "missing")) else located.where(path)
        if errs[0]["type"] == "missing":
            line, col = located.where(path[:-1])
        problems.append(Problem(shown, line, col, _dotted(path), message))
    return sorted(set(problems), key=lambda p: (p.line, p.column, p.path))


def _data_path(data: Any, err: dict) -> tuple[tuple, bool]:
    """The error's location as a path into the user's data (union tags dropped)."""
    path: list = []
    current = data
    loc = list(err["loc"])
    on_key = False
    for i, elem in enumerate(loc):
        if elem == "[key]":
            on_key = True
            continue
        if isinstance(current, dict) and _has_key(current, elem):
            key = _real_key(current, elem)
            path.append(elem if isinstance(elem, (str, int)) else str(elem))
            current = current[key]
        elif isinstance(current, list) and isinstance(elem, int) and 0 <= elem < len(current):
            path.append(elem)
            current = current[elem]
        elif err["type"] == "missing" and i == len(loc) - 1:
            path.append(elem)
        # anything else is a union member's tag: skip it
    return tuple(path), on_key


def _has_key(d: dict, key) -> bool:
    return _real_key(d, key) is not _MISSING


_MISSING = object()


def _real_key(d: dict, key):
    if key in d:
        return key
    for k in d:
        if str(k) == str(key) or (hasattr(k, "isoformat") and k.isoformat() == str(key)):
            return k
    return _MISSING


# The model's words for a date that parsed but cannot be used (model._year_in_range, model._no_time).
_DATE_WORDS = ("outside the years casebook accepts", "got a date with a time")

UNION_HINTS = {
    "when": "expected a date (2025-03-01), a month (2025-03) or {start: ..., end: ...}",
}

# Names specialists use for a count, as the platforms' statistics pages call
# them (data/metrics.yaml, aliases:).
FIELD_SYNONYMS = {alias: metric for alias, metric in registry.metric_aliases().items()
                  if not registry.metrics()[metric].derived}


# long: one plain-words message per kind of validation error: a flat table of cases, read top to bottom
def _message(errs: list[dict], path: tuple, model: type[BaseModel], data: Any, written: str | None = None) -> str:
    err = errs[0]
    kind = err["type"]
    field_name = next((p for p in reversed(path) if isinstance(p, str)), "")
    dated = [e for e in errs if e["type"] == "value_error" and any(w in e["msg"] for w in _DATE_WORDS)]
    if len(errs) > 1 and dated:  # a date or a month, out of range or with a time: say that
        return _clean(dated[0]["msg"])
    if len(errs) > 1 and field_name in UNION_HINTS:
        return UNION_HINTS[field_name]
    if kind == "extra_forbidden":
        allowed = _fields_at(model, path[:-1])
        synonym = FIELD_SYNONYMS.get(str(path[-1]).lower())
        if synonym in allowed:
            return f"unknown field {path[-1]!r}; casebook counts these as {synonym!r}"
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else (
            f"; allowed here: {', '.join(allowed)}" if allowed else ""
        )
        return f"unknown field {path[-1]!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    value = err.get("input")
    shown = _short(value)
    if len(errs) > 1 and all(e["type"] == "value_error" for e in errs):
        return "; ".join(dict.fromkeys(_clean(e["msg"]) for e in errs))
    if len(errs) > 1 and any(e["type"] == "value_error" for e in errs):
        # a union (a date or a month): our own validator's words say more
        # than the first alternative's "expected a date"
        return _clean(next(e for e in errs if e["type"] == "value_error")["msg"])
    ctx = err.get("ctx") or {}
    simple = {
        "int_type": f"expected a whole number, got {shown}",
        "int_parsing": f"expected a whole number, got {shown}",
        "int_from_float": f"expected a whole number, got {shown}",
        "float_type": f"expected a number, got {shown}",
        "float_parsing": f"expected a number, got {shown}",
        "bool_type": f"expected true or false, got {shown}",
        "bool_parsing": f"expected true or false, got {shown}",
        "string_type": f"expected text, got {shown}",
        "list_type": f"expected a list, got {shown}",
        "dict_type": f"expected a mapping of fields, got {shown}",
        "model_type": f"expected a mapping of fields, got {shown}",
        "model_attributes_type": f"expected a mapping of fields, got {shown}",
        "date_type": f"expected a date like 2025-02-01, got {shown}",
        "date_parsing": f"expected a date like 2025-02-01, got {shown}",
        "date_from_datetime_parsing": f"expected a date like 2025-02-01, got {shown}",
        "date_from_datetime_inexact": f"expected a date without a time, got {shown}",
        "greater_than_equal": f"must be {_num(ctx.get('ge'))} or more, got {shown}",
        "greater_than": f"must be more than {ctx.get('gt')}, got {shown}",
        "less_than_equal": (
            f"must be a finite number, got {shown}" if isinstance(value, float) and not math.isfinite(value)
            else _too_large(written or value, ctx.get("le"))
        ),
        "string_too_short": "must not be empty",
        "string_too_long": (
            f"is too long: {len(value)} characters, at most {ctx.get('max_length')} are allowed"
            if isinstance(value, str) else f"is too long (at most {ctx.get('max_length')} characters)"
        ),
        "too_short": f"needs at least {ctx.get('min_length')} item(s)",
        "too_long": f"has too many items (at most {ctx.get('max_length')})",
        "string_pattern_mismatch": _pattern_message(field_name, shown),
        "literal_error": f"must be one of {ctx.get('expected')}, got {shown}",
        "finite_number": f"must be a finite number, got {shown}",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("value_error", "assertion_error"):
        return _clean(err["msg"])
    return _clean(err["msg"]) + (f" (got {shown})" if value is not None else "")


def _big(value: Any) -> str:
    """1,000,000,000,000,000 rather than 1000000000000000 (or 1000000000000000.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def _too_large(written: Any, limit: Any) -> str:
    """'1e308 is too large; the largest accepted is 1,000,000,000,000,000 (10^15)'."""
    text = str(written).strip()
    if isinstance(written, float) and text == str(written):  # no source text: plain, without '.0'
        text = _big(written)
    digits = text.lstrip("+-").replace("_", "")
    if len(text) > 24:  # a 400-digit number is read as its size
        text = f"a number with {len(digits)} digits" if digits.isdigit() else text[:21] + "..."
    bound = _big(limit)
    if isinstance(limit, (int, float)) and limit > 0 and math.log10(limit).is_integer() and limit >= 10_000:
        bound += f" (10^{int(math.log10(limit))})"
    return f"{text} is too large; the largest accepted is {bound}"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pattern_message(field_name: str, shown: str) -> str:
    if field_name in ("slug", "industry"):
        return f"use lower-case letters, digits and hyphens, got {shown}"
    if field_name in ("tags",) or field_name.isdigit():
        return f"a tag is a short word of letters, digits and hyphens, got {shown}"
    return f"has the wrong form: {shown}"


def _clean(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def _short(value: Any) -> str:
    text = repr(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    elif value is None:
        text = "nothing (empty value)"
    elif isinstance(value, dt.datetime):
        text = f"a date with a time ({value.isoformat(sep=' ')})"
    elif isinstance(value, dt.date):
        text = value.isoformat()
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(model: type[BaseModel], path: tuple) -> list[str]:
    """Field names allowed at a data path, found by walking the model types."""
    current: Any = model
    for elem in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(elem))
            if info is None:
                return []
            current = info.annotation
        elif isinstance(current, tuple):  # (container, item type)
            current = current[1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated; lists and dicts become ('list', item)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        elif origin is list:
            return ("list", typing.get_args(tp)[0])
        elif origin is dict:
            return ("dict", typing.get_args(tp)[1])
        else:
            return tp


def _dotted(path: tuple) -> str:
    out = ""
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        else:
            out += ("." if out else "") + str(elem)
    return out
