"""Shared fixtures for the test suite (kept minimal; add fixtures as needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = REPO / "cases"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's top folder (holds cases/, docs/, theme/)."""
    return REPO


@pytest.fixture(scope="session")
def demo_result():
    """The demo cases in cases/, loaded once per session."""
    from casebook.load import load_cases

    return load_cases([CASES_DIR], REPO)


@pytest.fixture(scope="session")
def demo_cases(demo_result) -> dict:
    """Demo cases by slug (casebook.model.Case)."""
    return {loaded.case.slug: loaded.case for loaded in demo_result.cases}
