"""casebook serve: a failed build shows in the browser and the next good save brings the site back."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 10) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.read().decode("utf-8", "replace")


def _wait_for(url: str, check, deadline: float = 120) -> str:
    end = time.monotonic() + deadline
    last = ""
    while time.monotonic() < end:
        try:
            last = _get(url)
            if check(last):
                return last
        except (urllib.error.URLError, OSError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed the expected page; last:\n{last[:2000]}")


def test_a_bad_save_shows_the_error_in_the_page_and_a_good_save_recovers(casebook, tmp_path):
    project = tmp_path / "p"
    made = casebook("init", project, "--locale", "en", "--name", "Ana Reyes")
    assert made.returncode == 0, made.stderr
    case = project / "cases" / "my-first-case.yaml"
    good = case.read_text(encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "casebook.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for(url, lambda page: "Ana Reyes" in page and "casebook-build-error" not in page)
        case.write_text(good.replace('slug: "my-first-case"', 'slug: "My First Case!"', 1), encoding="utf-8")
        page = _wait_for(url, lambda page: "casebook-build-error" in page)
        assert "my-first-case.yaml:" in page and "slug" in page  # file, line and the field
        assert _wait_for(url + "some/page/", lambda p: "casebook-build-error" in p)  # every address says so
        case.write_text(good, encoding="utf-8")
        _wait_for(url, lambda page: "Ana Reyes" in page and "casebook-build-error" not in page)
        # two saves more: each rebuild links the last one's unchanged files (casebook.build.rebuilds)
        for n in (1, 2):
            case.write_text(good.replace('title: "', f'title: "Edit {n}: ', 1), encoding="utf-8")
            page = _wait_for(url + "cases/my-first-case/", lambda page, n=n: f"Edit {n}: " in page)
            charts = sorted(set(re.findall(r'assets/casebook/charts/[0-9a-f]+\.svg', page)))
            assert charts, "the case page shows its charts"
            for chart in charts:
                assert _get(url + chart).lstrip().startswith("<svg"), chart
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_prints_its_address_and_the_warnings_but_not_the_pages_it_makes(casebook, tmp_path):
    """With its output in a file (or a terminal), serve printed nothing at all: no address to open, no
    warning about the case being edited. Printed, the nav notice listed every case and tag page."""
    project = tmp_path / "p"
    assert casebook("init", project, "--locale", "en").returncode == 0
    case = project / "cases" / "my-first-case.yaml"
    text = case.read_text(encoding="utf-8")
    period = "  period: {start: 2024-10-01, end: 2024-12-31}"
    assert period in text
    case.write_text(text.replace(period, "", 1), encoding="utf-8")  # 'before' without its period: a warning
    (project / "pages" / "notes.md").write_text("# Notes\n", encoding="utf-8")  # the user's own page, not in nav
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "casebook.cli", "serve", "-a", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/", lambda page: "casebook-build-error" not in page)
        finally:
            server.terminate()
            server.wait(timeout=30)
    printed = log.read_text(encoding="utf-8")
    assert f"Serving on http://127.0.0.1:{port}/" in printed, printed
    assert "my-first-case.yaml:" in printed and "does not say which" in printed, printed
    assert "notes.md" in printed, printed  # MkDocs' notice about the user's page stays
    assert "cases/my-first-case.md" not in printed and "tags/" not in printed, printed


def test_a_port_in_use_is_one_line(casebook, tmp_path):
    made = casebook("init", tmp_path / "p", "--locale", "en")
    assert made.returncode == 0, made.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = casebook("serve", "-a", f"127.0.0.1:{port}", cwd=tmp_path / "p", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "in use" in lines[0], result.stderr
