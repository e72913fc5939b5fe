"""The cache folder is not trusted: whatever is done to it, the published output is a clean build's.

Someone who can write to a project's ``.casebook-cache`` (a shared
checkout, a synced folder, a careless script) must not be able to publish
anything through it, and a damaged entry must cost time, never a broken
file.  Each test builds a copy of the demo with a cache and a signing key
of its own (``XDG_CACHE_HOME``), damages the cache the way an attacker or a
crash would, builds again with the real ``casebook`` command and compares
the output with the clean build's, byte for byte.

These vectors live here, not in ``tests/corpus/attacks/``: that collection places
hostile *input* files before one build, while these tamper with the cache
*between* two builds.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import CACHE, REPO, copy_demo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cache_trust")]

MARK = "PWN_CACHE"
SCRIPT = f"<script>alert('{MARK}')</script>"
HOSTILE_SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300">'
               f'<script>alert("{MARK}")</script><text x="9" y="20">{MARK}</text></svg>')


def casebook_cmd() -> list[str]:
    script = Path(sys.executable).parent / "casebook"
    return [str(script)] if script.exists() else [sys.executable, "-m", "casebook.cli"]


def run_build(root: Path, xdg: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg)}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run([*casebook_cmd(), "build", "-q", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def project(base: Path) -> tuple[Path, Path]:
    """A copy of the demo with its own cache folder (inside it) and its own signing key."""
    root = copy_demo(base / "project")
    text = (root / "mkdocs.yml").read_text("utf-8").replace(f"cache_dir: {CACHE}", "cache_dir: .casebook-cache")
    (root / "mkdocs.yml").write_text(text, "utf-8")
    return root, base / "xdg"


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(cache: Path, folder: str, pattern: str) -> list[Path]:
    found = sorted(p for p in (cache / folder).glob(pattern) if not p.name.endswith(".sig"))
    assert found, f"the first build kept no {folder}/{pattern} in the cache"
    return found


def edit_one_case(root: Path) -> None:
    """A change that makes the next build a real one (not "nothing changed"), same output."""
    case = root / "cases" / "kazan-coffee-vk.yaml"
    case.write_text(case.read_text("utf-8") + "\n# edited\n", "utf-8")


def published_marks(*folders: Path) -> list[str]:
    hits = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and MARK.encode() in path.read_bytes():
                hits.append(str(path))
    return hits


# --------------------------------------------------------------------------
# a build, a cache tampered with in every way, a second build


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    base = tmp_path_factory.mktemp("tampered")
    root, xdg = project(base)
    private = base / "private-out"
    run_build(root, xdg, "--private", "--private-dir", str(private))
    clean_site, clean_private = digests(root / "site"), digests(private)
    shutil.copytree(root / "site", base / "clean-site")  # for a look when a comparison fails
    cache = root / ".casebook-cache"
    # (a) a script appended to every cached page; one page's record a pipe
    # (a read would wait forever)
    pages = entries(cache, "pages", "*.html")
    for page in pages:
        page.write_text(page.read_text("utf-8") + SCRIPT, "utf-8")
    (cache / "pages" / (pages[0].name + ".sig")).unlink()
    os.mkfifo(cache / "pages" / (pages[0].name + ".sig"))
    # (b) two chart images swapped with each other, records and all (each is
    # a good entry, under the other's name); every other one swapped for one
    # that runs a script; the chart runtime bundle and the chart specs edited
    svgs = entries(cache, "charts", "*.svg")
    assert len(svgs) >= 3
    first, second = svgs[0], svgs[1]
    for suffix in ("", ".sig"):
        a, b = Path(f"{first}{suffix}"), Path(f"{second}{suffix}")
        data = a.read_bytes()
        a.write_bytes(b.read_bytes())
        b.write_bytes(data)
    for svg in svgs[2:]:
        svg.write_text(HOSTILE_SVG, "utf-8")
    for bundle in entries(cache, "charts", "vega-bundle-*.js"):
        bundle.write_text(bundle.read_text("utf-8") + f";alert('{MARK}');", "utf-8")
    for spec in entries(cache, "specs", "*.json"):
        charts = json.loads(spec.read_text("utf-8"))
        for chart in charts:
            chart["title"] = chart["description"] = MARK
        spec.write_text(json.dumps(charts, ensure_ascii=False), "utf-8")
    # (c) every cached PDF (case PDFs, private reports, the portfolio and its
    # cover) and every re-encoded image cut short, as a crash or a full disk would
    for pdf in entries(cache, "pdf", "*.pdf"):
        pdf.write_bytes(pdf.read_bytes()[:1000])
    # and the published PDFs gone, so nothing can be linked from the previous
    # site: every truncated entry must be found bad and made again (the
    # portfolio and the tag PDFs joined again from the remade parts)
    for published in (root / "site" / "pdf").rglob("*.pdf"):
        published.unlink()
    # and every other PDF's notes (its page count, which the contents' page
    # numbers come from) claim another count; the PDFs whose notes are intact
    # are taken on their records when the build starts, and must be found bad
    # where their bytes are used (placed or joined) and made again there
    for notes in entries(cache, "pdf", "*.json")[::2]:
        info = json.loads(notes.read_text("utf-8"))
        if isinstance(info, dict) and "pages" in info:
            notes.write_text(json.dumps({**info, "pages": info["pages"] + 7}), "utf-8")
    for html in entries(cache, "pdf", "*.html"):
        html.write_text(html.read_text("utf-8") + SCRIPT, "utf-8")
    images = entries(cache, "media", "*")
    for image in images:
        image.write_bytes(image.read_bytes()[: len(image.read_bytes()) // 2])
    # and one image a link to a file elsewhere
    (base / "elsewhere.jpg").write_bytes(images[0].read_bytes() + MARK.encode())
    images[0].unlink()
    images[0].symlink_to(base / "elsewhere.jpg")
    edit_one_case(root)
    run_build(root, xdg, "--private", "--private-dir", str(private))
    return root, private, clean_site, clean_private


def test_a_script_appended_to_cached_pages_is_not_published(tampered):
    root, private, clean_site, _ = tampered
    assert not published_marks(root / "site", private)
    pages = {k: v for k, v in digests(root / "site").items() if k.endswith(".html")}
    assert pages == {k: v for k, v in clean_site.items() if k.endswith(".html")}


def test_swapped_chart_images_bundle_and_specs_are_not_published(tampered):
    root, _, clean_site, _ = tampered
    site = digests(root / "site")
    charts = {k: v for k, v in site.items() if k.endswith((".svg", ".js", ".json"))}
    assert charts and charts == {k: v for k, v in clean_site.items() if k.endswith((".svg", ".js", ".json"))}
    assert not published_marks(root / "site")


def test_truncated_cached_pdfs_and_images_give_whole_published_files(tampered):
    import pikepdf
    from PIL import Image

    root, private, clean_site, clean_private = tampered
    pdfs = sorted((root / "site").rglob("*.pdf")) + sorted(private.rglob("*.pdf"))
    assert len(pdfs) >= 3
    for path in pdfs:
        with pikepdf.Pdf.open(path) as pdf:
            assert len(pdf.pages) >= 1, path
    images = [p for p in (root / "site" / "media").rglob("*") if p.is_file()]
    assert images
    for path in images:
        with Image.open(io.BytesIO(path.read_bytes())) as im:
            im.load()
    # and nothing differs from the clean build, the private output included
    assert digests(root / "site") == clean_site
    assert digests(private) == clean_private


# --------------------------------------------------------------------------
# --force reads nothing an earlier build left in the cache


def test_force_reads_no_cache_entry_not_even_a_validly_signed_one(tmp_path, monkeypatch):
    from casebook import store

    root, xdg = project(tmp_path)
    run_build(root, xdg, "--no-pdf")
    clean = digests(root / "site")
    cache = root / ".casebook-cache"
    # Entries an earlier casebook might have written wrongly: signed with the
    # user's own key, so only --force can tell they must not be used.
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    store.user_key.cache_clear()
    try:
        planted = entries(cache, "pages", "*.html") + entries(cache, "charts", "*.svg")
        for path in planted:
            data = (path.read_text("utf-8") + SCRIPT if path.suffix == ".html" else HOSTILE_SVG).encode()
            store.write(path, data)
            assert store.read(path) == data  # a build without --force would take it as good
        # and entries that are plain garbage under a valid-looking name
        for path in entries(cache, "media", "*"):
            path.write_bytes(b"\0garbage" * 10)
            store.sidecar(path).write_text("casebook-cache 1 - 00 00\n", "ascii")
    finally:
        store.user_key.cache_clear()
    run_build(root, xdg, "--no-pdf", "--force")
    assert not published_marks(root / "site")
    assert digests(root / "site") == clean


# --------------------------------------------------------------------------
# the leak audit's verdicts and PDF texts


def leak_setup(tmp_path):
    from casebook.load.project import open_project

    project = open_project(REPO)
    names = [c.case.client.name for c in project.cases if not c.case.client.disclose_name]
    assert "Зерно" in names
    site = tmp_path / "site"
    site.mkdir()
    return project, site, tmp_path / "audit-cache"


def test_an_edited_verdict_cache_does_not_hide_a_leak(tmp_path, monkeypatch):
    from casebook.build.audit import audit

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    project, site, cache = leak_setup(tmp_path)
    (site / "index.html").write_text("<!doctype html><title>x</title><p>Работа для Зерно</p>", "utf-8")
    first = audit(site, project, cache_dir=cache)
    assert any("Зерно" in f.format() for f in first)
    for verdicts in cache.glob("verdicts-*.json"):
        doc = json.loads(verdicts.read_text("utf-8"))
        doc["files"] = {key: [] for key in doc["files"]}  # "nothing found here"
        verdicts.write_text(json.dumps(doc), "utf-8")
    assert audit(site, project, cache_dir=cache) == first
    for verdicts in cache.glob("verdicts-*.json"):
        verdicts.write_bytes(b"")
    assert audit(site, project, cache_dir=cache) == first


def test_an_edited_pdf_text_cache_does_not_hide_a_leak_in_a_pdf(tmp_path, monkeypatch):
    from casebook.build.audit import PDF_TEXT_DIR, audit
    from casebook.settings import theme_dir
    from casebook.pdf.engine import render_html

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    project, site, cache = leak_setup(tmp_path)
    fonts = (theme_dir() / "pdf" / "print.css").as_uri()
    html = f'<html><head><link rel="stylesheet" href="{fonts}"></head><body><p>Отчёт для Зерно</p></body></html>'
    (site / "report.pdf").write_bytes(render_html(html, str(theme_dir() / "pdf") + "/", (str(theme_dir()),)).data)
    first = audit(site, project, cache_dir=cache)
    assert any("Зерно" in f.format() for f in first)
    texts = [p for p in (cache / PDF_TEXT_DIR).glob("*.json")]
    assert texts
    for text in texts:  # the PDF "says" nothing
        text.write_text('{"pages": [], "extra": []}', "utf-8")
    for verdicts in [*cache.glob("verdicts-*.json"), *cache.glob("pdf-parts-*.json")]:
        verdicts.unlink()
    assert audit(site, project, cache_dir=cache) == first


def test_a_tailored_pdf_remakes_case_pdfs_cut_short_in_the_cache(tampered):
    """`casebook pdf` joins case PDFs straight from the cache: one whose record is intact but
    whose bytes were cut short is made again before it is joined, never joined as it is."""
    root, *_ = tampered
    env = {**os.environ, "XDG_CACHE_HOME": str(root.parent / "xdg")}
    env.pop("SOURCE_DATE_EPOCH", None)

    def tailored(name: str) -> bytes:
        proc = subprocess.run([*casebook_cmd(), "pdf", "--tag", "local-business", "--title", "SMM lead",
                               "-o", name], cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        return (root / name).read_bytes()

    before = tailored("before.pdf")
    cut = entries(root / ".casebook-cache", "pdf", "*.pdf")
    for pdf in cut:  # the case PDFs and the joined one; their notes (page counts) left as they were
        pdf.write_bytes(pdf.read_bytes()[:1000])
    assert tailored("after.pdf") == before
