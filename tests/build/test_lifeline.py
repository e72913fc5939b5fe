"""casebook.build.lifeline: a worker ends when the build that started it is gone."""

from __future__ import annotations

import subprocess
import sys
import time


def test_worker_ends_when_its_build_is_gone():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    code = (f"from casebook.build.lifeline import die_with_parent\n"
            f"import time\ndie_with_parent({gone.pid})\ntime.sleep(30)\n")
    started = time.monotonic()
    worker = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert worker.returncode != 0 and time.monotonic() - started < 20


CTRL_C = """
import os, signal, time
from casebook.build.lifeline import worker_pool
pool = worker_pool(2)
pids = set()
while len(pids) < 2:  # both workers started, then idle: waiting for a task
    pids |= {f.result() for f in [pool.submit(os.getpid) for _ in range(4)]}
    time.sleep(0.05)
time.sleep(0.3)
for pid in pids:
    os.kill(pid, signal.SIGINT)  # as Ctrl-C reaches every process of the terminal's group
time.sleep(1)
try:
    pool.shutdown(wait=True)
except Exception:
    pass
print("ended")
"""


def test_ctrl_c_ends_a_worker_without_a_traceback():
    """A review pressed Ctrl-C during a build: besides "casebook: interrupted", each idle worker printed
    "Process ForkProcess-3:" and a KeyboardInterrupt traceback."""
    done = subprocess.run([sys.executable, "-c", CTRL_C], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ended"
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr


COLLECTING = """
import gc
from casebook.build.lifeline import BUILD_THRESHOLDS, collecting_less, worker_pool
default = gc.get_threshold()
seen = {}
with collecting_less():
    seen["build"] = gc.get_threshold()
    with worker_pool(2) as pool:
        seen["worker"] = pool.submit(gc.get_threshold).result()
seen["after"] = gc.get_threshold()
print(seen["build"] == BUILD_THRESHOLDS != default, seen["worker"] == default, seen["after"] == default)
"""


def test_the_build_collects_garbage_less_often_and_its_workers_as_python_does():
    """The build's process, which keeps what it loads until it ends, collects less often; a worker
    forked from it (hundreds of PDFs, each leaving cycles) collects as usual, and so does the
    process once the build is over."""
    out = subprocess.run([sys.executable, "-c", COLLECTING], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True"]
