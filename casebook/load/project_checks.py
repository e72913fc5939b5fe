"""Checks of a whole project, beyond one case: the profile and the hand-written pages
naming a hidden client, and where a project keeps its cases, profile and pages.

Above :mod:`casebook.load.cases` (they load the profile) and beside
:mod:`casebook.load.checks` (whose name rules they apply), so ``checks``
never needs the loader.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from casebook.errors import Problem, display_path

from .cases import _dotted, load_profile, read_document
from . import filetext
from .checks import _hits, _rules_of, _strings, hidden_message, text_forms
from .names import padded


def profile_name_problems(cases: list, profile_path, root) -> list:
    """The profile (home page, About, footer, PDFs) naming a hidden client: located problems.

    Also the profile's own problems (YAML, fields), which ``casebook check``
    reports like a case's.
    """


    path = Path(profile_path).resolve()
    profile, problems = load_profile(path, Path(root))
    rules = _rules_of(cases)
    if profile is None or not rules:
        return problems
    located, _raw, _problems = read_document(path, Path(root))
    if located is None:
        return problems
    out = []
    for loc, text in _strings(profile, ()):
        for hidden in _hits(rules, text_forms(text)):
            line, col = located.where(loc)
            out.append(Problem(display_path(path, Path(root)), line, col, _dotted(loc),
                               hidden_message(hidden, root, "the profile")))
    return problems + out


PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}
LINES_MAX = 1 << 20  # bytes: another text file (a .csv, a .yml) up to this size is read line by line too


def pages_name_problems(cases: list, docs_dir, root, exclude: str = "") -> list:
    """Files of the pages folder (MkDocs' docs_dir, published) naming a hidden client: located problems.

    A page (``.md``, ``.html``, ``.txt``) or another text file up to 1 MB
    (``.csv``, ``.yml``; UTF-8, or UTF-16 as Excel saves "Unicode text") is
    read line by line, one problem a line; a name wrapped over two lines is
    reported at its first line.  Any other file (a ``.docx``, an image, a
    larger export) is read as the leak audit reads it
    (casebook.load.filetext) and reported at its first line, as is what the
    audit cannot read whole.  Files ``exclude_docs`` leaves out are not
    published and not read.
    """


    docs_dir = Path(docs_dir)
    rules = _rules_of(cases)
    if not rules or not docs_dir.is_dir():
        return []
    skip = _excluded(exclude)
    out = []
    for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts) or skip(rel):
            continue
        shown_path = display_path(path, Path(root))
        try:
            data = path.read_bytes()
        except OSError as exc:
            out.append(Problem(shown_path, 1, 1, "", f"cannot read file: {exc.strerror}"))
            continue
        for hidden in _hits(rules, (padded(rel),)):
            out.append(Problem(shown_path, 1, 1, "", hidden_message(hidden, root, "a published file name")))
        text, _kind = filetext.decoded(data) if path.suffix.lower() in PAGE_SUFFIXES or len(data) <= LINES_MAX \
            else (None, "")
        if text is not None:
            out += _page_lines(rules, text.splitlines(), shown_path, root)
            continue
        contents = filetext.read(data, path.name)
        forms = tuple(padded(t) for t in contents.texts)
        out += [Problem(shown_path, 1, 1, "", hidden_message(h, root, "a published file")) for h in _hits(rules, forms)]
        out += [Problem(shown_path, 1, 1, "", f"the leak audit cannot read this file whole ({why}), so a build "
                        "will not publish it; remove it or publish it elsewhere") for why in contents.unread]
    return out


def _page_lines(rules: list, lines: list[str], shown_path: str, root) -> list:
    out = []
    for i, line in enumerate(lines):
        found = _hits(rules, text_forms(line))
        if i + 1 < len(lines):  # a name wrapped onto the next line, reported at its first line
            wrapped = _hits(rules, text_forms(line + "\n" + lines[i + 1]))
            below = _hits(rules, text_forms(lines[i + 1])) if wrapped else []
            found += [h for h in wrapped if h not in found and h not in below]
        col = len(line) - len(line.lstrip()) + 1
        out += [Problem(shown_path, i + 1, col, "", hidden_message(h, root, "a published page")) for h in found]
    return out


def _excluded(patterns: str):
    """A test for MkDocs' exclude_docs (gitignore-style patterns)."""
    if not patterns or not patterns.strip():
        return lambda rel: False
    try:
        import pathspec  # deferred: pathspec is heavy and loaded only when this runs

        spec = pathspec.GitIgnoreSpec.from_lines(patterns.splitlines())
    except Exception:  # noqa: BLE001 - no pathspec, or a pattern it cannot read: read every file
        return lambda rel: False
    return spec.match_file


def project_layout(root):
    """(cases folder, profile file, docs_dir, exclude_docs) as mkdocs.yml in root names them, else the defaults.

    Read leniently: tags such as ``!ENV`` or python names become nothing, a
    broken mkdocs.yml means the defaults (``casebook build`` reports it).
    """


    root = Path(root)
    cases, profile, docs, exclude = "cases", "profile.yaml", "docs", ""

    class Lenient(yaml.SafeLoader):
        pass

    Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=Lenient)  # noqa: S506 - SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        config = None
    if isinstance(config, dict):
        if isinstance(config.get("docs_dir"), str):
            docs = config["docs_dir"]
        if isinstance(config.get("exclude_docs"), str):
            exclude = config["exclude_docs"]
        for entry in config.get("plugins") or []:
            options = entry.get("casebook") if isinstance(entry, dict) else None
            if isinstance(options, dict):
                if isinstance(options.get("cases_dir"), str):
                    cases = options["cases_dir"]
                if isinstance(options.get("profile"), str):
                    profile = options["profile"]
    return root / cases, root / profile, root / docs, exclude
