"""The PDF renderer reads nothing but data: URIs and the theme's, project's and
chart cache's own files: no file of the machine, no network, no attachment.

WeasyPrint's default fetcher would copy ``file:///etc/passwd`` into a PDF
when the HTML asks for it; the first test shows that it does (so the others
test something real), the rest show that casebook's fetcher does not.
"""

from __future__ import annotations

import re
import socket
import time
import zlib
from pathlib import Path

import pytest

from casebook.errors import CasebookError
from casebook.settings import theme_dir
from casebook.pdf.engine import render_html
from casebook.pdf.fetch import FetchRefused, url_fetcher

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.xdist_group("pdf-safety")]

PASSWD = Path("/etc/passwd")
BASE_URL = (theme_dir() / "pdf").as_uri() + "/"


def pdf_bytes(data: bytes) -> bytes:
    """The PDF's bytes plus every Flate stream decompressed."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def secret_lines(path: Path) -> list[bytes]:
    lines = [line for line in path.read_bytes().splitlines() if len(line) >= 12]
    assert lines, f"{path} has no line long enough to look for"
    return lines[:5]


def assert_no_secret(data: bytes, path: Path) -> None:
    everything = pdf_bytes(data)
    for line in secret_lines(path):
        assert line not in everything, f"bytes of {path} are in the PDF"
    assert b"/EmbeddedFile" not in everything
    assert b"/FileAttachment" not in everything


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test at once.

    Local (AF_UNIX) sockets stay usable: a process pool's fork server talks
    over one.  PDFs render in this process (CASEBOOK_PDF_WORKERS=1) so that
    the patch covers the renderer too.
    """
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network used: {args!r}")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address, *args):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address, *args)
        return refuse(address)

    def connect_ex(self, address, *args):
        if self.family == socket.AF_UNIX:
            return real_connect_ex(self, address, *args)
        return refuse(address)

    monkeypatch.setenv("CASEBOOK_PDF_WORKERS", "1")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside every allowed folder, standing for any private file of the machine."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text("CASEBOOK-SECRET-LINE-1 do not embed\nCASEBOOK-SECRET-LINE-2 do not embed\n", "utf-8")
    return path


def attack_html(target: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>attack</title>
<link rel="attachment" href="{target}" title="passwd">
<link rel="stylesheet" href="{target}">
<style>body {{ background: url("{target}"); }} @font-face {{ font-family: X; src: url("{target}"); }}</style>
</head><body style="font-family: X">
<h1>Attack</h1>
<img src="{target}" alt="img">
<img src="../../../../../../../..{target.removeprefix('file://')}" alt="relative">
<object data="{target}"></object><embed src="{target}">
<a rel="attachment" href="{target}" download="passwd.txt">attached link</a>
<svg width="10" height="10"><image href="{target}" width="10" height="10"/></svg>
<img src="http://example.com/pixel.png" alt="remote">
<img src="https://example.com/pixel.png" alt="remote">
<link rel="stylesheet" href="http://example.com/style.css">
<p>text after</p>
</body></html>"""


# --------------------------------------------------------------------------
# the attack is real with WeasyPrint's default fetcher


def test_weasyprint_default_fetcher_would_embed_a_local_file(secret):
    from weasyprint import HTML

    html = f'<html><head><link rel="attachment" href="{secret.as_uri()}"></head><body><p>x</p></body></html>'
    data = HTML(string=html, base_url=BASE_URL).write_pdf()
    assert secret_lines(secret)[0] in pdf_bytes(data), "the default fetcher embeds the file"


# --------------------------------------------------------------------------
# casebook's fetcher


@pytest.mark.parametrize("target", ["file:///etc/passwd", "SECRET"])
def test_render_refuses_every_way_to_read_a_local_file(target, secret, no_network):
    path = PASSWD if target.startswith("file:///etc") else secret
    url = path.as_uri()
    started = time.perf_counter()
    result = render_html(attack_html(url), BASE_URL, (str(theme_dir()), str(REPO)))
    elapsed = time.perf_counter() - started
    assert result.data.startswith(b"%PDF-")
    if path.is_file():
        assert_no_secret(result.data, path)
    refused = "\n".join(result.refused)
    assert url in refused
    assert "example.com" in refused, "remote URLs are refused, not fetched"
    assert no_network == [], "no connection was attempted"
    assert elapsed < 20, "nothing waited on a network time-out"


def test_remote_urls_fail_at_once_without_a_socket(no_network):
    fetch = url_fetcher([theme_dir()])
    for url in ("http://example.com/a.png", "https://example.com/a.css", "ftp://example.com/x",
                "//example.com/x.png", "gopher://example.com/", "HTTP://EXAMPLE.COM/A.PNG"):
        started = time.perf_counter()
        with pytest.raises(FetchRefused):
            fetch(url)
        assert time.perf_counter() - started < 0.05
    assert no_network == []
    assert len(fetch.refused) == 6


def test_files_outside_the_allowed_folders_are_refused(tmp_path, secret):
    project = tmp_path / "project"
    (project / "media").mkdir(parents=True)
    (project / ".git").mkdir()
    (project / ".git" / "x.png").write_bytes(b"png")
    (project / "media" / "ok.png").write_bytes(b"png")
    (project / "cases.yaml").write_text("slug: x", "utf-8")
    (project / "media" / "link.png").symlink_to(secret)
    (project / "media" / "passwd.png").symlink_to(PASSWD)
    fetch = url_fetcher([project, theme_dir()])
    refused = [
        PASSWD.as_uri(),
        secret.as_uri(),
        (project / "media" / "link.png").as_uri(),  # a link inside pointing outside
        (project / "media" / "passwd.png").as_uri(),
        (project / "media" / ".." / ".." / "outside" / "secret.txt").as_uri(),
        project.as_uri() + "/media/../../../../../../etc/passwd",
        project.as_uri() + "/media/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        (project / ".git" / "x.png").as_uri(),  # hidden folder
        (project / "cases.yaml").as_uri(),  # not an image, font or stylesheet
        (project / "media" / "missing.png").as_uri(),
        "file://otherhost/etc/passwd",
        "file:///etc/passwd%00.png",
        "../../../../etc/passwd",
        "/etc/passwd",
        "about:blank",
        "javascript:alert(1)",
    ]
    for url in refused:
        with pytest.raises(FetchRefused):
            fetch(url)
    assert fetch((project / "media" / "ok.png").as_uri()).read() == b"png"
    font = fetch((theme_dir() / "fonts" / "NotoSans-Regular.ttf").as_uri())
    assert font.read(4) in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    data = fetch("data:text/plain;base64,aGVsbG8=")
    assert data.read() == b"hello"
    assert fetch("data:image/svg+xml,%3Csvg%2F%3E").read() == b"<svg/>"


def test_pdf_writer_options_allow_no_attachments():
    from casebook.pdf.engine import pdf_options

    options = pdf_options()
    assert options["attachments"] == []
    assert not options["xmp_metadata"]


# --------------------------------------------------------------------------
# a case that tries it


CASE = """\
slug: evil-case
title: "An evil case"
headline: "Reach x2 in a month"
summary: |
  Look <img src="file:///etc/passwd"> and <link rel="attachment" href="file:///etc/passwd">
  and [the file](file:///etc/passwd) and ![img](file:///etc/passwd) and
  <style>body {{ background: url(file:///etc/passwd) }}</style>
  <a rel="attachment" href="file:///etc/passwd">attach</a>
  <img src="http://example.com/track.png"> <iframe src="file:///etc/passwd"></iframe>
  <object data="file:///etc/passwd"></object> <svg><image href="file:///etc/passwd"/></svg>
locale: en
client: {{name: "Evil Co", disclose_name: true, industry: retail}}
role: SMM manager
period: {{start: 2025-01-01, end: 2025-02-28}}
platforms: [instagram]
currency: USD
{media}
before:
  metrics:
    instagram: {{followers: 100, reach: 1000}}
after:
  summary: "Done ![x](../../../../../../etc/passwd) <img src='../../../../../../etc/passwd'>"
  metrics:
    instagram: {{followers: 200, reach: 2000}}
lessons: "<link rel=stylesheet href='file:///etc/passwd'>"
"""


def make_project(root: Path, media: str = "") -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "cases" / "evil-case.yaml").write_text(CASE.format(media=media), "utf-8")
    (root / "profile.yaml").write_text(
        "name: Test Person\nrole: SMM\ncontacts: {email: test@example.com}\nsite_url: https://example.com/\n",
        "utf-8")
    return root


def test_a_case_whose_text_asks_for_local_files_gets_none(tmp_path, no_network):
    from pypdf import PdfReader

    from casebook.build.pdfs import build_portfolio_pdf, build_public_pdfs
    from casebook.load.project import open_project

    project = open_project(make_project(tmp_path / "p"))
    stats = build_public_pdfs(project, None, tmp_path / "site", cache_dir=tmp_path / "cache")
    for job in stats.jobs:
        assert_no_secret(job.out.read_bytes(), PASSWD)
        reader = PdfReader(job.out)
        uris = [str(a.get_object()["/A"]["/URI"]) for page in reader.pages
                for a in page.get("/Annots") or [] if "/A" in a.get_object()]
        assert not any(u.startswith("file:") for u in uris), "no link to a local file"
    assert no_network == []
    out = build_portfolio_pdf(project, tmp_path / "one.pdf", slugs=["evil-case"], cache_dir=tmp_path / "cache")
    assert_no_secret(out.read_bytes(), PASSWD)


@pytest.mark.parametrize("media", [
    "cover: ../../../../../../etc/passwd",
    "cover: /etc/passwd",
    "cover: file:///etc/passwd",
    "cover: http://example.com/x.png",
    "media:\n  - {src: '../../../../../../../etc/passwd.png', alt: x}",
])
def test_a_case_whose_media_points_outside_gets_a_clear_error(tmp_path, media, no_network):
    from casebook.load.project import open_project

    root = make_project(tmp_path / "p", media)
    with pytest.raises(CasebookError) as info:
        open_project(root)
    text = "\n".join(p.format() for p in info.value.problems)
    assert re.search(r"media|URL|outside|relative|image|exist", text), text


def test_a_media_link_to_a_local_file_is_an_error_not_an_image(tmp_path):
    from casebook.load.project import open_project

    root = make_project(tmp_path / "p", "cover: media/cover.png")
    (root / "cases" / "media").mkdir()
    (root / "cases" / "media" / "cover.png").symlink_to(PASSWD)
    with pytest.raises(CasebookError) as info:
        open_project(root)
    assert "cover" in "\n".join(p.format() for p in info.value.problems)
