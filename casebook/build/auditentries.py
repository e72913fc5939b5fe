"""The leak audit of a search index, entry by entry.

MkDocs' ``search_index.json`` holds every page's text: several megabytes at
hundreds of cases, and it changes on every edit.  Scanned whole, the audit
of one edit would read all of it again.  Here each entry of its ``docs``
list (a page's or section's location, title and text) is scanned on its own
and its findings are kept under the hash of the entry's bytes, in one signed
record (casebook.store) per rule set: an edit re-scans only the entries it
changed.  Everything else in the file (its ``config``) is scanned whole as
before; a file that is not valid JSON of that shape is scanned whole too.

An entry is scanned exactly as a whole index is: as the JSON text MkDocs
writes (``\\u`` escapes and all), and as a reader sees it (markup dropped,
escapes decoded).  Its findings name the index file, as a whole scan's do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from casebook import store

INDEX_NAME = "search_index.json"
ENTRY_GLOB = "index-entries-*.json"


def is_index(rel: str) -> bool:
    return rel.rsplit("/", 1)[-1] == INDEX_NAME


def split(text: str) -> tuple[str, list[str]] | None:
    """The index without its entries, and each entry as JSON text; None when it is not an index of that shape."""
    try:  # a key twice would hide its first value from a scan of what was parsed: such a file is scanned whole
        doc = json.loads(text, object_pairs_hook=_unique)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("docs"), list) or not all(
            isinstance(d, dict) for d in doc["docs"]):
        return None
    rest = dict(doc)
    rest["docs"] = []
    return json.dumps(rest, sort_keys=True), [json.dumps(d, sort_keys=True) for d in doc["docs"]]


def _unique(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key twice")
    return out


def _path(cache_dir: Path, fingerprint: str) -> Path:
    return Path(cache_dir) / ENTRY_GLOB.replace("*", fingerprint)


def _load(path: Path, fingerprint: str) -> dict[str, list]:
    """The kept verdicts of one rule set; {} if missing, unsigned, edited or damaged (every entry is scanned)."""
    try:
        raw = store.read(path)
        if raw is None:
            return {}
        doc = json.loads(raw)
        entries = doc["entries"]
        if doc.get("rules") != fingerprint or not isinstance(entries, dict):
            return {}
        return {str(k): [[str(what), str(detail)] for what, detail in v] for k, v in entries.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def scan(text: str, scan_text: Callable[[str], list], cache_dir: Path | None, fingerprint: str) -> list | None:
    """[what, detail] of every leak in a search index's text, entry by entry; None if it is not an index.

    scan_text(json_text) scans one JSON text the way the audit scans a whole
    .json file.  With a cache_dir, each entry's findings are kept under the
    hash of its bytes in a record named by the rule set's fingerprint, which
    holds the entries of the index scanned last (so it does not grow).
    """
    parts = split(text)
    if parts is None:
        return None
    rest, entries = parts
    found = [tuple(f) for f in scan_text(rest)]
    path = _path(cache_dir, fingerprint) if cache_dir is not None else None
    kept = _load(path, fingerprint) if path is not None else {}
    now: dict[str, list] = {}
    for entry in entries:
        key = hashlib.sha256(entry.encode("utf-8", "surrogatepass")).hexdigest()
        verdict = now.get(key)
        if verdict is None:
            verdict = kept.get(key)
        if verdict is None:
            verdict = [list(f) for f in scan_text(entry)]
        now[key] = verdict
        found += [tuple(f) for f in verdict]
    if path is not None and now != kept:
        store.write_quietly(path, json.dumps({"rules": fingerprint, "entries": now}, sort_keys=True).encode())
    return [list(f) for f in sorted(set(found))]
