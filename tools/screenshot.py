"""Screenshots of built pages in headless Chromium, for looking at them.

    python tools/screenshot.py SITE_DIR OUT_DIR [PATH ...]

Serves SITE_DIR on a loopback port and saves desktop (1280 px) and phone
(390 px) screenshots of each PATH (default: the index and every case page).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    paths = sys.argv[3:] or ["/"] + [f"/cases/{p.name}/" for p in sorted((site / "cases").iterdir())]
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, size in (("desktop", (1280, 900)), ("phone", (390, 844))):
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            for path in paths:
                page.goto(base + path, wait_until="networkidle")
                slug = path.strip("/").replace("/", "_") or "index"
                page.screenshot(path=str(out / f"{slug}-{name}.png"), full_page=True)
            page.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
