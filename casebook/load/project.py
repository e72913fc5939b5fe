"""A project: its folders, its profile and its cases, loaded once.

Both the MkDocs plugin and the CLI start here, so the same files give the
same result whichever way a build starts.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from casebook.errors import CasebookError, Problem, not_a_file

from .cases import LoadedCase, load_cases, load_profile
from .model import Profile


@dataclass
class Project:
    root: Path
    cases_dir: Path
    profile_path: Path
    cases: list[LoadedCase] = field(default_factory=list)
    profile: Profile | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def public_cases(self) -> list[LoadedCase]:
        return [c for c in self.cases if c.case.is_public]

    @property
    def private_cases(self) -> list[LoadedCase]:
        return [c for c in self.cases if not c.case.is_public]


def sort_key(loaded: LoadedCase):
    """Newest first, then by slug: the one order used everywhere."""
    return (-loaded.case.period.end.toordinal(), loaded.case.slug)


def open_project(root: Path, cases_dir: str | Path = "cases", profile: str | Path = "profile.yaml",
                 cache_dir: str | Path | None = None) -> Project:
    """Load every case and the profile; raise CasebookError listing every problem.

    With ``cache_dir`` (relative to root), valid cases that have not changed
    since they were last loaded come from a cache (casebook.load.cache).
    """
    root = Path(root).resolve()
    cases_path = (root / cases_dir).resolve()
    profile_path = (root / profile).resolve()
    if not cases_path.is_dir():
        raise CasebookError(f"no cases folder at {cases_path}")
    result = load_cases([cases_path], root, cache_dir=(root / cache_dir) if cache_dir is not None else None)
    problems = list(result.problems)
    prof = None
    shown = profile_path.relative_to(root) if profile_path.is_relative_to(root) else profile_path
    if profile_path.is_file():
        prof, prof_problems = load_profile(profile_path, root)
        problems.extend(prof_problems)
    elif os.path.lexists(root / profile):  # there, but no file to read (reading a pipe would wait for ever)
        problems.append(Problem(str(shown), 0, 0, "", not_a_file(root / profile)))
    else:  # optional, but without it the site and PDFs name nobody: say which file to create
        problems.append(Problem(str(shown), 0, 0, "", "not found: the home page, About page and PDFs show no "
                                "name or contacts; create it (casebook init writes a commented one)", "warning"))
    errors = [p for p in problems if p.is_error]
    if errors:
        raise CasebookError(f"{len(errors)} problem(s) in the input; nothing was built", problems)
    project = Project(root, cases_path, profile_path, sorted(result.cases, key=sort_key), prof)
    project.warnings = [p for p in problems if not p.is_error]
    return project


def folder_name(text: str) -> str:
    """A safe folder name from a client's name: letters, digits, hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return text[:60] or "client"
