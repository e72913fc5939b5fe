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
    from casebook.load.cases import load_cases

    return load_cases([CASES_DIR], REPO)


@pytest.fixture(scope="session")
def demo_cases(demo_result) -> dict:
    """Demo cases by slug (casebook.load.model.Case)."""
    return {loaded.case.slug: loaded.case for loaded in demo_result.cases}


@pytest.fixture
def own_cache_key(tmp_path, monkeypatch):
    """A signing key of this test's own (a fresh XDG_CACHE_HOME), forgotten afterwards."""
    from casebook import store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    store.user_key.cache_clear()
    yield
    store.user_key.cache_clear()
