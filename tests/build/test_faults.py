"""Machine faults and killed builds (issue 16, defects 10-12).

Every test runs the real ``casebook build`` in its own process on a copy of
the demo: a build killed outright, a read-only project, a full disk, a file
that vanishes during the build, a cache folder that cannot be used.  What a
user relies on: the previous site stays (or the new one is there, whole),
no worker process outlives the build, no leftover folders or half-written
files, and a fault reads as one line naming the path and the cause.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitebuild import copy_demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]

EPOCH = "1700000000"


# -- helpers -------------------------------------------------------------------
def casebook(root: Path, *args: str, script: str | None = None, **popen) -> subprocess.CompletedProcess:
    """Run the casebook command in ``root`` (``script``: Python run first, in the same process)."""
    code = (script or "") + "\nfrom casebook.cli import main\nmain(prog_name='casebook')\n"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300, **popen)


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if re.match(r"^\.(site|private)\.(building|old)-\d+$", p.name))


def one_line_fault(proc: subprocess.CompletedProcess) -> str:
    """The single ``casebook: ...`` line of a failed build, after checking there is no traceback."""
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("casebook: ")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def own_cache(root: Path, where: str = ".cache") -> None:
    """Point the project's cache_dir at ``where`` (relative to the project)."""
    text = (root / "mkdocs.yml").read_text("utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"cache_dir: .*", f"cache_dir: {where}", text), "utf-8")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie waiting to be reaped has ended)."""
    alive = set()
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            continue
        if stat[stat.rfind(b")") + 2:][:1] not in (b"Z", b"X"):
            alive.add(pid)
    return alive


def wait_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running(pids)


def mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small filesystem (a tmpfs) for this fault")
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here: {proc.stderr.strip()}")


@contextmanager
def tmpfs(folder: Path, size: str):
    folder.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextmanager
def read_only(folder: Path):
    """``folder`` cannot be written, even by root (a read-only bind mount); chmod for others."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    mount("--bind", str(folder), str(folder))
    try:
        mount("-o", "remount,ro,bind", str(folder))
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_demo(tmp_path / "project")


def retitle(root: Path, prefix: str) -> None:
    """Edit one case's title (a change every page with the case list shows)."""
    path = root / "cases" / "kazan-coffee-vk.yaml"
    text = re.sub(r'^title: "(?:[^"]*? — )?', f'title: "{prefix}', path.read_text("utf-8"), count=1, flags=re.M)
    path.write_text(text, "utf-8")


def built(root: Path) -> dict[str, str]:
    proc = casebook(root, "build", "--no-pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    return manifest(root / "site")


# -- defect 11: publishing is one step -------------------------------------------
# A hook that kills the build with SIGKILL at the rename that would put the new
# site in place of a folder that is not there any more (the second of two
# renames).  A build that publishes in one step never reaches such a rename.
KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    site = str(Path('site').resolve())
    def hook(event, args):
        if event == 'os.rename' and os.fsdecode(args[1]) == site and not os.path.lexists(site):
            os.kill(os.getpid(), signal.SIGKILL)
    sys.addaudithook(hook)
""")


def test_the_site_is_never_missing_while_a_build_publishes(project):
    old = built(project)
    retitle(project, "New — ")
    proc = casebook(project, "build", "--no-pdf", "-q", script=KILL_BETWEEN_RENAMES)
    assert proc.returncode == 0, proc.stderr  # not killed: there was no moment without site/
    new = manifest(project / "site")
    assert new != old and "index.html" in new
    assert leftovers(project) == []


def test_a_build_killed_between_two_renames_gets_the_old_site_back(project):
    """Where the platform cannot swap in one step, a kill between the two renames is
    repaired by the next build, even one that fails on bad input."""
    old = built(project)
    force_two_renames = "import casebook.build.publish as p\np._renameat2 = False\n"
    proc = casebook(project, "build", "--no-pdf", "-q", "--force", script=force_two_renames + KILL_BETWEEN_RENAMES)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not (project / "site").exists()  # the moment the kill came
    (project / "cases" / "broken.yaml").write_text("title: [unclosed\n", "utf-8")
    proc = casebook(project, "build", "--no-pdf", "-q")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert manifest(project / "site") == old
    assert leftovers(project) == []


# -- defect 10: a killed build leaves no workers and no staging folders -----------
def test_a_killed_build_leaves_no_worker_running_and_its_folder_is_cleaned(project):
    own_cache(project)  # nothing cached: the case pages go to worker processes
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CASEBOOK_PDF_WORKERS": "2"}
    build = subprocess.Popen([sys.executable, "-c", "from casebook.cli import main; main()", "build", "--no-pdf",
                              "-q"], cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
            workers = running(descendants(build.pid))
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its workers"
        time.sleep(0.5)  # at work now
        workers |= descendants(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert wait_gone(workers) == set(), "workers outlived the killed build"
    finally:  # whatever is left (on a failure) must not outlive the test
        build.kill()
        build.wait()
        for pid in running(workers):
            os.kill(pid, signal.SIGKILL)
    assert leftovers(project)  # the killed build's staging folder
    proc = casebook(project, "build", "--no-pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    assert leftovers(project) == []
    assert (project / "site" / "index.html").is_file()


def test_staging_folders_of_running_builds_are_left_alone(project):
    """Only the leftovers of builds that no longer run are removed."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        busy = project / f".site.building-{sleeper.pid}"
        busy.mkdir()
        built(project)
        assert busy.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


# -- defect 12: faults are one line, exit 1, nothing half-written ----------------
def test_a_read_only_project_is_one_line_and_keeps_the_site(project):
    old = built(project)
    with read_only(project):
        proc = casebook(project, "build", "--no-pdf", "-q", "--force")
    line = one_line_fault(proc)
    assert line.startswith("casebook: site: ")
    assert "Read-only file system" in line or "Permission denied" in line
    assert manifest(project / "site") == old
    assert leftovers(project) == []


def test_a_full_disk_is_one_line_and_leaves_no_part_files(tmp_path):
    with tmpfs(tmp_path / "disk", "3m") as disk:
        root = copy_demo(disk / "project")
        own_cache(root)  # the cache fills the same disk
        proc = casebook(root, "build", "--no-pdf", "-q")
        line = one_line_fault(proc)
        assert "No space left on device" in line
        assert re.match(r"casebook: (site|\.cache)\b", line), line  # a path the user knows
        assert not (root / "site").exists()
        assert leftovers(root) == []
        half = [p for p in disk.rglob("*") if p.name.startswith(".tmp-") or p.name.endswith(".part")]
        assert half == []


VANISH = textwrap.dedent("""
    import os
    import mkdocs.commands.build as mkdocs_build
    _build = mkdocs_build.build
    def lose_then_build(*args, **kwargs):
        os.unlink(VICTIM)  # checked with the inputs, gone once the site is being made
        return _build(*args, **kwargs)
    mkdocs_build.build = lose_then_build
""")


@pytest.mark.parametrize("victim", ["cases/media/glowlab/tiktok-analytics.png", "cases/media/kazan-coffee/cover.png"])
def test_a_media_file_deleted_during_the_build_is_named_as_the_user_wrote_it(project, victim):
    assert (project / victim).is_file()
    old = built(project)
    proc = casebook(project, "build", "--no-pdf", "-q", "--force", script=f"VICTIM = {victim!r}\n" + VANISH)
    line = one_line_fault(proc)
    assert line == f"casebook: {victim}: No such file or directory"
    assert manifest(project / "site") == old
    assert leftovers(project) == []


def test_a_cache_folder_blocked_by_a_file_builds_without_the_cache(project):
    own_cache(project, "blocked")
    (project / "blocked").write_text("not a folder\n", "utf-8")
    proc = casebook(project, "build", "--no-pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "cache folder" in line]
    assert len(warnings) == 1 and "blocked" in warnings[0], proc.stderr
    assert (project / "blocked").read_text("utf-8") == "not a folder\n"
    assert (project / "site" / "index.html").is_file()


def test_a_read_only_cache_folder_builds_without_the_cache(project):
    own_cache(project, "ro-cache")
    (project / "ro-cache").mkdir()
    with read_only(project / "ro-cache"):
        proc = casebook(project, "build", "--no-pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "cache folder" in line]
    assert len(warnings) == 1 and "ro-cache" in warnings[0], proc.stderr
    assert (project / "site" / "index.html").is_file()


WATCHED_POOL = textwrap.dedent("""
    import os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing as mp
    import casebook.build.lifeline as lifeline
    lifeline._PR_SET_PDEATHSIG = 0  # no such prctl option: only the watchdog thread is left
    pool = ProcessPoolExecutor(2, mp_context=mp.get_context(sys.argv[1]), initializer=lifeline.die_with_parent,
                               initargs=(os.getpid(),))
    list(pool.map(abs, range(4)))  # both workers started
    print('READY', flush=True)
    time.sleep(600)
""")


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_workers_end_with_the_build_where_the_kernel_does_not_help(tmp_path, method):
    """The portable fallback: a worker's watchdog ends it when the build is gone."""
    owner = subprocess.Popen([sys.executable, "-c", WATCHED_POOL, method], stdout=subprocess.PIPE, text=True,
                             stderr=(tmp_path / "stderr").open("w"))
    workers: set[int] = set()
    try:
        assert owner.stdout.readline().strip() == "READY"
        workers = descendants(owner.pid)
        assert len(running(workers)) >= 2
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        assert wait_gone(workers) == set(), "workers outlived the process that started them"
    finally:
        owner.kill()
        owner.wait()
        for pid in running(workers):
            os.kill(pid, signal.SIGKILL)
