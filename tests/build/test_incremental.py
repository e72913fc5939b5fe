"""An incremental build after an edit is the same, byte for byte, as a cold build of the edited input.

A project is built once (site, PDFs, private output).  Each test copies it
with its cache, edits its input the way a person would, builds again (the
finished pages of the first build are kept where the edit does not reach
them) and compares every file of site/ and private/ with a cold build of the
same input in another folder with a cache of its own.  Every build is a real
``casebook build --private`` process with SOURCE_DATE_EPOCH fixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.site.plan import CHART_FILES
from sitebuild import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("incremental")]

KEEP = ("glowlab-ph-tiktok", "thread-and-tide-instagram", "panaderya-qc-facebook", "kazan-coffee-vk",
        "ural-residential-nda", "lak-studio-report-2025-10")
CASEBOOK = [sys.executable, "-m", "casebook.cli"]


def make_project(dest: Path) -> Path:
    """The demo with six of its cases (four public, an NDA case, a client report), its cache inside."""
    dest.mkdir(parents=True)
    (dest / "cases").mkdir()
    shutil.copytree(REPO / "cases" / "media", dest / "cases" / "media")
    for slug in KEEP:
        shutil.copy2(REPO / "cases" / f"{slug}.yaml", dest / "cases" / f"{slug}.yaml")
    shutil.copytree(REPO / "pages", dest / "pages")
    shutil.copy2(REPO / "profile.yaml", dest / "profile.yaml")
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    (dest / "mkdocs.yml").write_text(text.replace("profile: profile.yaml", "profile: profile.yaml\n      cache_dir: .cache"),
                                     "utf-8")
    return dest


def build(root: Path, home: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(home)}
    proc = subprocess.run([*CASEBOOK, "build", "--private", "-q"], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def kept_entries(root: Path) -> set[str]:
    folder = root / ".cache" / "finished"
    return {p.name for p in folder.glob("*.page")} if folder.is_dir() else set()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The project after its first (cold) build, and the signing key's home it used."""
    base = tmp_path_factory.mktemp("incremental")
    root = make_project(base / "built")
    home = base / "home"
    build(root, home)
    assert kept_entries(root), "the first build keeps its finished pages"
    return root, home


def edited_build(built, tmp_path: Path, edit) -> tuple[Path, set[str]]:
    """A copy of the built project (its cache too), edited and built again; the kept pages it added."""
    root = tmp_path / "edited"
    shutil.copytree(built[0], root, symlinks=True)
    before = kept_entries(root)
    edit(root)
    build(root, built[1])
    return root, kept_entries(root) - before


def assert_same_as_cold(root: Path, tmp_path: Path) -> None:
    """A cold build of the same input elsewhere, with a new cache and key, writes the same bytes."""
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".cache", "site", "private"))
    build(cold, tmp_path / "cold-home")
    for folder in ("site", "private"):
        ours, theirs = digests(root / folder), digests(cold / folder)
        assert sorted(ours) == sorted(theirs), folder
        assert [name for name in ours if ours[name] != theirs[name]] == [], folder
    assert (root / "site" / "search" / "search_index.json").is_file()
    assert (root / "site" / "sitemap.xml.gz").is_file()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_numbers_edited_in_one_case(built, tmp_path):
    def edit(root):
        case = root / "cases" / "glowlab-ph-tiktok.yaml"
        replace(case, "A Cebu skincare brand sold mostly", "A Cebu skincare brand (edited) sold mostly")
        replace(case, "tiktok: {followers: 1300,", "tiktok: {followers: 1317,")

    root, made = edited_build(built, tmp_path, edit)
    page = (root / "site" / "cases" / "glowlab-ph-tiktok" / "index.html").read_text("utf-8")
    assert "(edited)" in page
    # its page, the index and its five tag pages were made again; the other pages were kept
    assert 1 <= len(made) <= 7
    assert_same_as_cold(root, tmp_path)


def test_title_change_shows_on_the_index_and_tag_pages(built, tmp_path):
    def edit(root):
        replace(root / "cases" / "thread-and-tide-instagram.yaml", 'title: "Thread & Tide:',
                'title: "Thread & Tide (renamed):')

    root, made = edited_build(built, tmp_path, edit)
    assert "Thread &amp; Tide (renamed)" in (root / "site" / "index.html").read_text("utf-8")
    assert "Thread &amp; Tide (renamed)" in (root / "site" / "tags" / "ugc" / "index.html").read_text("utf-8")
    assert 1 <= len(made) <= 7
    assert_same_as_cold(root, tmp_path)


def test_tag_change(built, tmp_path):
    def edit(root):
        replace(root / "cases" / "glowlab-ph-tiktok.yaml", "influencers, ugc]", "creators, ugc]")

    root, _made = edited_build(built, tmp_path, edit)
    assert (root / "site" / "tags" / "creators" / "index.html").is_file()
    assert not (root / "site" / "tags" / "influencers").exists()
    assert_same_as_cold(root, tmp_path)


def test_deleted_case(built, tmp_path):
    root, _made = edited_build(built, tmp_path, lambda r: (r / "cases" / "kazan-coffee-vk.yaml").unlink())
    assert not (root / "site" / "cases" / "kazan-coffee-vk").exists()
    assert "kazan-coffee-vk" not in (root / "site" / "search" / "search_index.json").read_text("utf-8")
    assert_same_as_cold(root, tmp_path)


def test_profile_change_reaches_every_page(built, tmp_path):
    def edit(root):
        replace(root / "profile.yaml", "role: SMM manager and paid-social specialist", "role: Social media lead")

    root, _made = edited_build(built, tmp_path, edit)
    assert "Social media lead" in (root / "site" / "cases" / "panaderya-qc-facebook" / "index.html").read_text("utf-8")
    assert_same_as_cold(root, tmp_path)


def test_a_tampered_kept_page_is_made_again(built, tmp_path):
    """Whoever can write the cache folder cannot put their HTML on the site."""
    def edit(root):
        finished = root / ".cache" / "finished"
        pages, heads = list(finished.glob("*.html")), list(finished.glob("*.page"))
        assert pages and len(heads) == len(pages)
        for entry in pages:  # the HTML
            entry.write_text(entry.read_text("utf-8").replace("<body", "<body data-tampered"), "utf-8")
        for entry in heads:  # its search entries
            entry.write_text(entry.read_text("utf-8").replace(
                '"search":[', '"search":[{"location":"","text":"data-tampered","title":"data-tampered"},', 1), "utf-8")
        case = root / "cases" / "panaderya-qc-facebook.yaml"
        os.utime(case, ns=(case.stat().st_atime_ns, case.stat().st_mtime_ns + 10**9))  # a save, no change

    root, _made = edited_build(built, tmp_path, edit)
    assert not any("data-tampered" in p.read_text("utf-8") for p in (root / "site").rglob("*.html"))
    assert "data-tampered" not in (root / "site" / "search" / "search_index.json").read_text("utf-8")
    assert_same_as_cold(root, tmp_path)


def tamper(path: Path) -> None:
    """A file changed in place, as by hand: the same size, and its modification time put back."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-40:-30] = b"X" * 10
    with open(path, "r+b") as f:
        f.write(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_unchanged_files_come_from_the_previous_site_and_a_changed_one_does_not(built, tmp_path):
    """Case PDFs, chart images, media and kept pages an edit does not reach are linked from the
    site the previous build published (casebook.reuse), not written again; one changed there since is not."""
    root, _made = edited_build(built, tmp_path, lambda r: replace(
        r / "cases" / "glowlab-ph-tiktok.yaml", "tiktok: {followers: 1300,", "tiktok: {followers: 1317,"))
    site = root / "site"
    before = inodes(site)
    tamper(site / "pdf" / "kazan-coffee-vk.pdf")  # someone edits a published PDF in place
    replace(root / "cases" / "thread-and-tide-instagram.yaml", 'title: "Thread & Tide:', 'title: "Thread & Tide (renamed):')
    build(root, built[1])
    after = inodes(site)
    linked = {rel for rel in after if before.get(rel) == after[rel]}
    assert "pdf/panaderya-qc-facebook.pdf" in linked  # untouched by either edit
    assert any(rel.startswith("assets/casebook/charts/") for rel in linked)
    assert any(rel.startswith("media/") for rel in linked)
    assert "cases/panaderya-qc-facebook/index.html" in linked  # a kept page, placed by casebook
    assert "index.html" not in linked  # made again: MkDocs wrote it
    assert "pdf/thread-and-tide-instagram.pdf" not in linked  # edited: made again
    assert "pdf/kazan-coffee-vk.pdf" not in linked  # changed in place: written from the cache
    assert_same_as_cold(root, tmp_path)


def test_the_first_edit_after_a_cold_build_links_the_pages_mkdocs_wrote(tmp_path):
    """A cold build's pages are written by MkDocs; the edit after it links the ones it does not
    reach from the published site (casebook.reuse claims) instead of reading each from the cache
    and writing it again; one changed in place since is written from the cache."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    site = root / "site"
    before = inodes(site)
    victim = site / "cases" / "kazan-coffee-vk" / "index.html"  # changed in place, same size and time
    st = victim.stat()
    data = victim.read_bytes().replace(b"</html>", b"</HTML>", 1)
    assert len(data) == st.st_size
    with open(victim, "r+b") as f:
        f.write(data)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    replace(root / "cases" / "glowlab-ph-tiktok.yaml", "tiktok: {followers: 1300,", "tiktok: {followers: 1317,")
    build(root, home)
    after = inodes(site)
    linked = {rel for rel in after if before.get(rel) == after[rel]}
    assert "cases/panaderya-qc-facebook/index.html" in linked  # written by MkDocs, then linked
    assert "cases/thread-and-tide-instagram/index.html" in linked
    assert "cases/kazan-coffee-vk/index.html" not in linked
    assert "cases/glowlab-ph-tiktok/index.html" not in linked  # edited: made again
    assert b"</HTML>" not in victim.read_bytes()
    assert_same_as_cold(root, tmp_path)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, check, deadline: float = 300) -> str:
    import time
    import urllib.error
    import urllib.request

    end, last = time.monotonic() + deadline, ""
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                last = r.read().decode("utf-8", "replace")
            if check(last):
                return last
        except (urllib.error.URLError, OSError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed the expected page; last:\n{last[:2000]}")


def test_serve_rebuilds_only_what_an_edit_reaches(tmp_path):
    """casebook serve keeps finished pages too: after a save, only the pages the edit reaches are made."""
    root = make_project(tmp_path / "served")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(tmp_path / "home")}
    server = subprocess.Popen([*CASEBOOK, "serve", "-a", f"127.0.0.1:{port}"], cwd=root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for(url + "cases/panaderya-qc-facebook/", lambda page: "Panaderya" in page)
        first = kept_entries(root)
        assert first
        replace(root / "cases" / "thread-and-tide-instagram.yaml", 'title: "Thread & Tide:',
                'title: "Thread & Tide (renamed):')
        _wait_for(url, lambda page: "Thread &amp; Tide (renamed)" in page)
        page = _wait_for(url + "cases/thread-and-tide-instagram/", lambda page: "(renamed)" in page)
        assert "Thread &amp; Tide (renamed)" in page
        assert "Panaderya" in _wait_for(url + "cases/panaderya-qc-facebook/", lambda page: "Panaderya" in page)
        assert 1 <= len(kept_entries(root) - first) <= 7  # its page, the index, its tag pages
    finally:
        server.terminate()
        server.wait(timeout=30)


SERVE_REBUILDS = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from casebook.cli.serve import _show_errors
rebuild = _show_errors(build)  # casebook serve's rebuild, as MkDocs' server calls it at each save
for line in sys.stdin:
    config = load_config(config_file="mkdocs.yml", site_dir=sys.argv[1])
    rebuild(config)
    print("built", flush=True)
"""


def test_serve_rebuilds_in_place_write_what_a_fresh_build_writes(tmp_path):
    """Each of serve's rebuilds keeps the last one's unchanged files where they are; after an edit, a
    deleted case and a case made private, the served folder holds, byte for byte, what a rebuild into
    an empty folder by a new server with a new cache holds: nothing stale, nothing hidden left."""
    root = make_project(tmp_path / "served")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(tmp_path / "home")}
    site = tmp_path / "served-site"
    server = subprocess.Popen([sys.executable, "-c", SERVE_REBUILDS, str(site)], cwd=root, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def rebuilt() -> dict[str, str]:
        server.stdin.write("save\n")
        server.stdin.flush()
        assert server.stdout.readline().strip() == "built"
        assert not (site / "index.html").read_text("utf-8").count("build-error")
        return digests(site)

    def fresh(k: int) -> dict[str, str]:
        cold = tmp_path / f"cold-{k}"
        shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".cache"))
        out = tmp_path / f"cold-site-{k}"
        proc = subprocess.run([sys.executable, "-c", SERVE_REBUILDS, str(out)], cwd=cold, input="save\n", text=True,
                              env={**env, "XDG_CACHE_HOME": str(tmp_path / f"cold-home-{k}")}, capture_output=True)
        assert proc.returncode == 0 and proc.stdout.strip() == "built", proc.stderr
        return digests(out)

    def charts() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in (site / CHART_FILES).glob("*.svg")}

    try:
        rebuilt()
        first = charts()
        edits = [
            lambda: replace(root / "cases" / "thread-and-tide-instagram.yaml", 'title: "Thread & Tide:',
                            'title: "Thread & Tide (renamed):'),
            lambda: (root / "cases" / "glowlab-ph-tiktok.yaml").unlink(),
            lambda: replace(root / "cases" / "kazan-coffee-vk.yaml", "visibility: public", "visibility: private"),
        ]
        for k, edit in enumerate(edits):
            edit()
            served = rebuilt()
            assert served == fresh(k), k
        still = {name: ino for name, ino in charts().items() if name in first}
        assert still and still == {name: first[name] for name in still}  # unchanged charts stayed, not written again
        assert "cases/kazan-coffee-vk/index.html" not in served and "cases/glowlab-ph-tiktok/index.html" not in served
    finally:
        server.stdin.close()
        server.wait(timeout=60)



STAMP_HOOK = """
import os
def on_env(env, config, files):
    stamp = os.path.join(config.site_dir, "extra", "stamp.txt")
    if not os.path.exists(stamp):  # MkDocs empties the folder before each build: made each time
        os.makedirs(os.path.dirname(stamp), exist_ok=True)
        with open(stamp, "a", encoding="utf-8") as out:
            out.write("made by a hook\\n")
"""


def test_serve_rebuilds_with_a_hook_serve_what_the_hook_writes(tmp_path):
    """A hook (or another plugin) may write a file only when it does not find it: MkDocs emptied the
    folder before each rebuild, so it writes it each time.  Serve's rebuilds leave such a project's
    folder as MkDocs emptied it: the hook's file is served after every save, written once each time."""
    root = make_project(tmp_path / "hooked")
    (root / "hook.py").write_text(STAMP_HOOK, "utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hook.py\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")}
    site = tmp_path / "served-site"
    server = subprocess.Popen([sys.executable, "-c", SERVE_REBUILDS, str(site)], cwd=root, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for save in range(3):
            server.stdin.write("save\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "built"
            assert "build-error" not in (site / "index.html").read_text("utf-8"), save
            assert (site / "extra" / "stamp.txt").read_text("utf-8") == "made by a hook\n", save
            assert (site / "cases" / "kazan-coffee-vk" / "index.html").is_file(), save
            if save == 0:
                replace(root / "cases" / "thread-and-tide-instagram.yaml", 'title: "Thread & Tide:',
                        'title: "Thread & Tide (renamed):')
        assert "(renamed)" in (site / "cases" / "thread-and-tide-instagram" / "index.html").read_text("utf-8")
    finally:
        server.stdin.close()
        server.wait(timeout=60)


COUNT_VIEWS = """
import atexit, json, os, sys
import casebook.site.plan as plan
from casebook.cli import main
here, made, real = os.getpid(), [], plan.case_view
def counted(loaded, *args, **kwargs):
    if os.getpid() == here:  # the build's own process: what planning the site costs
        made.append(loaded.case.slug)
    return real(loaded, *args, **kwargs)
plan.case_view = counted
atexit.register(lambda: os.getpid() == here and print("VIEWS " + json.dumps(made)))
sys.argv = ["casebook", "build", "-q", *sys.argv[1:]]
main()
"""


def views_made(root: Path, home: Path, *args: str) -> list[str]:
    """Build the site (no PDFs unless args say so) and say which cases' views the build's own process made."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", COUNT_VIEWS, *(args or ("--no-pdf",))], cwd=root, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    line = [x for x in proc.stdout.splitlines() if x.startswith("VIEWS ")][-1]
    return json.loads(line[len("VIEWS "):])


def card_entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".cache" / "cards").iterdir() if not p.name.endswith(".sig")
                  and not p.name.startswith(".")) if (root / ".cache" / "cards").is_dir() else []


def test_an_edit_makes_one_case_view_and_tampered_cards_are_not_published(tmp_path):
    """The index and tag pages take every other case's card from the cache: an edit computes the
    edited case alone, and a card whose signed record does not vouch for it is made again."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    public = views_made(root, home)
    assert len(public) == 4 and len(card_entries(root)) == 4  # a cold build: every public case, each kept
    replace(root / "cases" / "kazan-coffee-vk.yaml", "summary: |\n  Сообщество", "summary: |\n  Edited. Сообщество")
    assert views_made(root, home) == ["kazan-coffee-vk"]
    assert "Edited." in (root / "site" / "cases" / "kazan-coffee-vk" / "index.html").read_text("utf-8")
    for entry in card_entries(root):
        values = json.loads(entry.read_text("utf-8"))
        values["headline"] = values["client"] = "data-tampered"
        entry.write_text(json.dumps(values), "utf-8")
    replace(root / "cases" / "glowlab-ph-tiktok.yaml", "summary: |\n  A Cebu", "summary: |\n  Again. A Cebu")
    assert sorted(views_made(root, home)) == sorted(public)  # every tampered card made again from its view
    assert not any("data-tampered" in p.read_text("utf-8", "replace") for p in (root / "site").rglob("*.html"))


def test_an_edit_with_pdfs_makes_one_case_view_for_the_covers_too(tmp_path):
    """The covers and contents of the portfolio and tag PDFs show each case's title, headline, period
    and best growth: taken from the kept cards, an edit makes no view of the other cases of its tags
    (it made one for every case of every tag the edited case has: 0.5-0.8 s an edit at 300 cases)."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    assert len(views_made(root, home, "--private")) == 4
    replace(root / "cases" / "kazan-coffee-vk.yaml", "summary: |\n  Сообщество", "summary: |\n  Edited. Сообщество")
    assert views_made(root, home, "--private") == ["kazan-coffee-vk"]


COUNT_CARDS = """
import atexit, json, sys
import casebook.site.plan as plan
from casebook.cli import main
made, real = [], plan.render
def counted(template, **context):
    if template == "partials/card.html":
        made.append(context["c"]["view"].case.slug)
    return real(template, **context)
plan.render = counted
atexit.register(lambda: print("CARDS " + json.dumps(sorted(set(made)))))
sys.argv = ["casebook", "build", "-q", "--no-pdf"]
main()
"""


def cards_rendered(root: Path, home: Path) -> list[str]:
    """Build the site and say whose cards (on the index and the tag pages) were rendered, not kept."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", COUNT_CARDS], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads([x for x in proc.stdout.splitlines() if x.startswith("CARDS ")][-1][len("CARDS "):])


def test_an_edit_renders_one_card_and_tampered_card_html_is_not_published(tmp_path):
    """The index and the tag pages take every other case's card HTML from the cache: an edit renders
    the edited case's card alone; kept HTML whose signed record does not vouch for it is rendered again."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    public = cards_rendered(root, home)
    assert len(public) == 4 and "kazan-coffee-vk" in public  # a cold build renders every card
    replace(root / "cases" / "kazan-coffee-vk.yaml", "summary: |\n  Сообщество", "summary: |\n  Edited. Сообщество")
    assert cards_rendered(root, home) == ["kazan-coffee-vk"]
    entries = [p for p in (root / ".cache" / "cardhtml").iterdir() if p.name.startswith("base-")
               and not p.name.endswith(".sig")]
    assert len(entries) == 2  # the index's base, the tag pages' base
    for entry in entries:
        entry.write_text(entry.read_text("utf-8").replace("cb-card__title", "cb-card__title data-tampered"), "utf-8")
    replace(root / "cases" / "glowlab-ph-tiktok.yaml", "summary: |\n  A Cebu", "summary: |\n  Again. A Cebu")
    assert cards_rendered(root, home) == public  # every tampered card rendered again
    assert not any("data-tampered" in p.read_text("utf-8", "replace") for p in (root / "site").rglob("*.html"))
    assert "cb-card__title" in (root / "site" / "index.html").read_text("utf-8")


COUNT_CHECKS = """
import atexit, json, sys
from casebook.build import casework
from casebook.cli import main
checked, real = [], casework.CaseWork._pdf_ok
def counted(self, path, kind):
    if kind != "case":
        checked.append(kind)
    return real(self, path, kind)
casework.CaseWork._pdf_ok = counted
atexit.register(lambda: print("CHECKED " + json.dumps(sorted(checked))))
sys.argv = ["casebook", "build", "-q", "--private"]
main()
"""


def test_an_edit_reads_each_private_output_from_the_cache_once(tmp_path):
    """The site's build checks every private output's cache entries with the case PDFs; the private
    folder, published next, places them without reading them again (they were read twice a build:
    0.14 s at 1,000 cases), and still the same bytes as a cold build's."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    replace(root / "cases" / "kazan-coffee-vk.yaml", "summary: |\n  Сообщество", "summary: |\n  Edited. Сообщество")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", COUNT_CHECKS], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    line = [x for x in proc.stdout.splitlines() if x.startswith("CHECKED ")][-1]
    assert json.loads(line[len("CHECKED "):]) == ["private", "report"]
    assert_same_as_cold(root, tmp_path)


AHEAD = """
import atexit, json, sys
import casebook.build.plugin as plugin
from casebook.cli import main
real, scanned = plugin.audit_ahead, []
plugin.audit_ahead = lambda *a, **k: scanned.append(real(*a, **k)) or scanned[-1]
atexit.register(lambda: print("AHEAD " + json.dumps(scanned)))
sys.argv = ["casebook", "build", "-q", "--private"]
main()
"""


def test_an_edits_pages_are_audited_while_its_pdf_is_made(tmp_path):
    """An edit waits for the edited case's PDF with its pages written: they are audited then (its
    page, the search index, and the index and tag pages when its card changed), not after the PDFs
    are joined."""
    root = make_project(tmp_path / "p")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(tmp_path / "home")}

    def ahead() -> list[int]:
        proc = subprocess.run([sys.executable, "-c", AHEAD], cwd=root, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return json.loads([x for x in proc.stdout.splitlines() if x.startswith("AHEAD ")][-1][len("AHEAD "):])

    ahead()  # cold
    replace(root / "cases" / "kazan-coffee-vk.yaml", "summary: |\n  Сообщество", "summary: |\n  Edited. Сообщество")
    scanned = ahead()
    assert scanned == [2], scanned  # the edited case's page and the search index (the summary is on no card)
    assert "Edited." in (root / "site" / "cases" / "kazan-coffee-vk" / "index.html").read_text("utf-8")
