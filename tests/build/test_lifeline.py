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
