"""casebook.pdf.engine: the same print document gives the same PDF bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

from casebook.pdf.compose import base_url
from casebook.pdf.engine import render_html
from casebook.settings import theme_dir

HTML = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<link rel="stylesheet" href="print.css"></head><body><h1>Hello</h1></body></html>')


def test_render_is_deterministic(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    roots = (str(theme_dir()),)
    first = render_html(HTML, base_url(), roots)
    second = render_html(HTML, base_url(), roots)
    assert first.data.startswith(b"%PDF") and first.data == second.data
    assert first.refused == []


def _weasyprint_alone(html: str) -> bytes:
    """The PDF WeasyPrint makes when the document reads its own stylesheet (no sheet shared)."""
    from weasyprint import HTML

    from casebook.pdf.engine import pdf_options
    from casebook.pdf.fetch import SafeFetcher

    layout = {k: v for k, v in pdf_options().items()
              if k in ("pdf_variant", "pdf_tags", "optimize_images", "dpi", "jpeg_quality")}
    document = HTML(string=html, base_url=base_url(), url_fetcher=SafeFetcher((str(theme_dir()),))).render(**layout)
    document.metadata.attachments = []
    document.metadata.xmp_metadata = []
    return document.write_pdf(**pdf_options())


def test_the_stylesheet_parsed_once_gives_the_bytes_of_each_document_parsing_it(monkeypatch):
    """print.css is parsed once per process and shared; the document's own <style>
    (footer text, a report's accent colour) still wins over it, so every PDF is
    byte for byte what WeasyPrint makes reading the link itself, render after render."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    roots = (str(theme_dir()),)
    styled = HTML.replace("</head>", "<style>:root { --cb-accent: #e0115f; } "
                                     "@page { @bottom-left { content: \"Acme\"; } }</style></head>")
    styled = styled.replace("<h1>Hello</h1>", "<h1>Hello</h1><h2>Accent</h2><p><a href='https://x.test'>"
                                              "a link</a> − → ✓ <b>bold</b> <i>italic</i></p>")
    for html in (styled, HTML, styled):
        assert render_html(html, base_url(), roots).data == _weasyprint_alone(html)


LEAK_SCRIPT = """
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from casebook.pdf.compose import base_url
from casebook.pdf.engine import render_html
from casebook.settings import theme_dir

HTML = {html!r}
roots = (str(theme_dir()),)
assert render_html(HTML, base_url(), roots).data.startswith(b"%PDF")  # the build process, then its workers
with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as pool:
    assert all(r.data.startswith(b"%PDF") for r in pool.map(render_html, [HTML] * 4, [base_url()] * 4, [roots] * 4))
with ProcessPoolExecutor(1, mp_context=mp.get_context("forkserver")) as pool:
    assert pool.submit(render_html, HTML, base_url(), roots).result().data.startswith(b"%PDF")
"""


def test_rendering_leaves_no_font_files_behind(tmp_path):
    """The shared font configuration copies the theme's fonts to a temporary folder in each
    process that renders; the build process and every worker remove theirs as they end,
    quietly (no error printed at exit)."""
    import os
    import subprocess
    import sys

    import tempfile

    # short: the fork server's socket lives under TMPDIR (pytest's own folders are too long for it)
    temp = Path(tempfile.mkdtemp(prefix="cb-", dir="/tmp"))
    script = tmp_path / "leak.py"
    script.write_text("if __name__ == '__main__':\n" + "\n".join(
        "    " + line for line in LEAK_SCRIPT.format(html=HTML).strip().splitlines()) + "\n")
    done = subprocess.run([sys.executable, str(script)], env=dict(os.environ, TMPDIR=str(temp)),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not [p.name for p in temp.iterdir() if p.name.startswith("weasyprint-")]
    shutil.rmtree(temp, ignore_errors=True)


def test_a_long_tmpdir_takes_spawn_instead_of_the_fork_server(monkeypatch):
    """The fork server's Unix socket path may hold 107 bytes: under a long TMPDIR it cannot
    start ("AF_UNIX path too long") and the build would fail; spawn works anywhere."""
    import tempfile

    from casebook.pdf import engine

    monkeypatch.setattr(engine, "_os_threads", lambda: 2)  # threads: fork is unsafe
    monkeypatch.setattr(tempfile, "tempdir", "/tmp/" + "a-long-folder-name/" * 5)
    assert engine._mp_context().get_start_method() == "spawn"
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert engine._mp_context().get_start_method() == "forkserver"
