"""The built demo served on localhost and a headless Chromium, shared by the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import CHROMIUM, CHROMIUM_ARGS, demo_build, serve


@pytest.fixture(scope="module")
def site():
    built = demo_build()
    return built, serve(str(built.site))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make install-test` (Debian package chromium)")
    from playwright.sync_api import sync_playwright  # only the browser tests need Playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
