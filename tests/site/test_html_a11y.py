"""Built HTML passes the Nu HTML checker; axe-core finds no serious issue."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitebuild import CHROMIUM, CHROMIUM_ARGS, REPO, demo_build, serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def test_html_validates_with_the_nu_checker():
    if not VNU.is_file() or not shutil.which("java"):
        pytest.fail("Nu checker missing: run `make install-test` (npm vnu-jar and a JRE)")
    built = demo_build()
    pages = [built.site / "index.html", built.site / "about" / "index.html"] + [
        built.site / "cases" / c.case.slug / "index.html" for c in built.project.public_cases
    ]
    proc = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).parent.name}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    assert errors == []


@pytest.mark.browser
def test_axe_finds_no_serious_violation_on_index_and_case_page():
    from playwright.sync_api import sync_playwright

    built = demo_build()
    base = serve(str(built.site))
    targets = ["/", f"/cases/{built.project.public_cases[0].case.slug}/"]
    ru = next((c for c in built.project.public_cases if c.case.locale == "ru"), None)
    if ru:
        targets.append(f"/cases/{ru.case.slug}/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        bad = []
        for target in targets:
            page.goto(base + target, wait_until="networkidle")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    nodes = [n["target"] for n in v["nodes"][:3]]
                    bad.append(f"{target}: {v['id']} ({v['impact']}): {v['help']} {nodes}")
        browser.close()
    assert bad == [], "\n".join(bad)
