"""Builds killed at random moments (issue 16, "Done when").

A bounded, seeded loop: edit the input, start ``casebook build``, kill it
with SIGKILL at a random moment, then check that ``site/`` is the old site
or the new one (never missing, never a mix), that no process the build
started is still running, and finally that a build completes with output
byte-identical to a clean build of the same input in another folder.
A second test kills a PDF build while its worker processes render.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import copy_demo
from test_faults import EPOCH, descendants, leftovers, manifest, running, wait_gone

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

SEED = 1616
ROUNDS = 6
CASE = Path("cases") / "kazan-coffee-vk.yaml"
TITLES = {"old": "", "new": "Chaos — "}  # the two inputs: a case's title with or without a prefix


def set_input(root: Path, version: str, original: str) -> None:
    (root / CASE).write_text(original.replace('title: "', f'title: "{TITLES[version]}', 1), "utf-8")


def start_build(root: Path, *args: str, **env_vars: str) -> subprocess.Popen:
    """``casebook build`` in its own process; its messages go to a file (a pipe would stay
    open, and a wait for its end hang, as long as any process it started runs)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env_vars}
    log = open(root.parent / f"build-{time.monotonic_ns()}.log", "w+")
    proc = subprocess.Popen([sys.executable, "-c", "from casebook.cli import main; main()", "build", *args],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    proc.log = log
    return proc


def messages(proc: subprocess.Popen) -> str:
    proc.log.seek(0)
    text = proc.log.read()
    proc.log.close()
    return text


def finish(proc: subprocess.Popen) -> None:
    proc.wait(timeout=300)
    assert proc.returncode == 0, messages(proc)


def which(site: Path, known: dict[str, dict[str, str]]) -> str:
    assert site.is_dir(), "site/ is missing"
    found = manifest(site)
    for name, files in known.items():
        if found == files:
            return name
    mixed = {n: sum(found.get(k) != v for k, v in files.items()) for n, files in known.items()}
    raise AssertionError(f"site/ is neither the old nor the new site (files differing: {mixed})")


def kill_and_reap(proc: subprocess.Popen, seen: set[int]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    messages(proc)
    left = wait_gone(seen)
    for pid in left:  # do not leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert left == set(), f"processes of the killed build still running: {sorted(left)}"


def test_builds_killed_at_random_moments_leave_the_old_or_the_new_site(tmp_path):
    rng = random.Random(SEED)
    original = (copy_demo(tmp_path / "pristine") / CASE).read_text("utf-8")
    known: dict[str, dict[str, str]] = {}
    for version in TITLES:  # what each input gives, built clean in a folder of its own
        clean = copy_demo(tmp_path / f"clean-{version}" / "project")
        set_input(clean, version, original)
        finish(start_build(clean, "--no-pdf", "-q"))
        known[version] = manifest(clean / "site")
    assert known["old"] != known["new"]

    root = copy_demo(tmp_path / "work" / "project")
    set_input(root, "old", original)
    started = time.monotonic()
    finish(start_build(root, "--no-pdf", "-q"))
    span = time.monotonic() - started  # how long a build runs here: the kills land within it
    assert which(root / "site", known) == "old"

    for _round in range(ROUNDS):
        goal = "new" if which(root / "site", known) == "old" else "old"
        set_input(root, goal, original)
        proc = start_build(root, "--no-pdf", "-q", "--force")
        moment = time.monotonic() + rng.uniform(0.05, span * 1.1)
        seen: set[int] = set()
        while proc.poll() is None and time.monotonic() < moment:
            seen |= descendants(proc.pid)
            time.sleep(0.02)
        if proc.poll() is None:
            seen |= descendants(proc.pid)
            kill_and_reap(proc, seen)
        else:
            assert proc.wait() == 0, messages(proc)
        which(root / "site", known)  # the old or the new one, whole

    finish(start_build(root, "--no-pdf", "-q"))
    assert which(root / "site", known) == goal  # the input as last edited, byte for byte
    assert leftovers(root) == []


def _maps_weasyprint(pid: int) -> bool:
    try:
        return "libpango" in Path(f"/proc/{pid}/maps").read_text(errors="replace")
    except OSError:
        return False


def test_a_killed_pdf_build_leaves_no_pdf_worker_running(tmp_path):
    root = copy_demo(tmp_path / "project")
    text = (root / "mkdocs.yml").read_text("utf-8")
    import re

    (root / "mkdocs.yml").write_text(re.sub(r"cache_dir: .*", "cache_dir: .cache", text), "utf-8")  # PDFs to make
    proc = start_build(root, "-q", CASEBOOK_PDF_WORKERS="2")
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 180
        rendering: set[int] = set()
        while len(rendering) < 2 and proc.poll() is None and time.monotonic() < deadline:
            seen |= descendants(proc.pid)
            rendering = {pid for pid in running(seen) if _maps_weasyprint(pid)}
            time.sleep(0.05)
        assert len(rendering) >= 2, "the build never started its PDF workers"
        time.sleep(1.0)  # rendering now
        seen |= descendants(proc.pid)
    except BaseException:
        proc.kill()
        proc.wait()
        for pid in running(seen):
            os.kill(pid, signal.SIGKILL)
        raise
    kill_and_reap(proc, seen)
    assert not (root / "site").exists()
