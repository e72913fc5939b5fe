"""One build of the demo project per test process, shared by the site tests.

The demo (cases/, profile.yaml, mkdocs.yml, pages/) is copied into a
temporary folder and built there with PDFs and private output, the way
`casebook build --private` builds it.  The chart cache is shared with the
checkout's .casebook-cache so repeated runs stay quick.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".casebook-cache"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Built:
    root: Path
    site: Path
    private: Path
    project: object


def copy_demo(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("cases", "pages"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy2(REPO / "profile.yaml", dest / "profile.yaml")
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    text = text.replace("profile: profile.yaml", f"profile: profile.yaml\n      cache_dir: {CACHE}")
    (dest / "mkdocs.yml").write_text(text, "utf-8")
    return dest


@functools.lru_cache(maxsize=None)
def demo_build() -> Built:
    from casebook.build import build
    from casebook.load.project import open_project

    root = copy_demo(Path(tempfile.mkdtemp(prefix="casebook-demo-")) / "project")
    result = build(root / "mkdocs.yml", pdf=True, private=True, quiet=True)
    return Built(root, result.site_dir, result.private_dir, open_project(root))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep test output clean
        pass


@functools.lru_cache(maxsize=None)
def serve(directory: str) -> str:
    """Serve a folder on a loopback port for the rest of the process; return its base URL."""
    handler = functools.partial(_QuietHandler, directory=directory)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"
