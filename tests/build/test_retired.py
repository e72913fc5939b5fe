"""A build stages into the site the last publish retired: what it keeps of it is right, and the published
site is never written through (casebook.reuse, casebook.build.publish).

The site a publish replaces is kept in the cache folder (``.retired/``), and
the next build stages into it: its files whose bytes a signed record gives
stay where they are while they hold what the build places; every other file
goes.  Unchanged files of the published site and of the retired one are the
same file under two names (a hard link), so a build that wrote into a file
it found there would change the published site while it is still served.
Every build is a real ``casebook build --private`` process.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_incremental import CASEBOOK, assert_same_as_cold, build, digests, make_project, replace, tamper

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("incremental")]

GLOWLAB = ("cases/glowlab-ph-tiktok.yaml", "tiktok: {followers: 1300,", "tiktok: {followers: 1317,")
THREAD = ("cases/thread-and-tide-instagram.yaml", 'title: "Thread & Tide:', 'title: "Thread & Tide (renamed):')


def edit(root: Path, change: tuple[str, str, str], back: bool = False) -> None:
    path, old, new = change
    replace(root / path, new, old) if back else replace(root / path, old, new)


def retired(root: Path) -> Path:
    found = [p for p in (root / ".cache" / ".retired").iterdir() if p.is_dir()]
    assert len(found) == 1, found
    return found[0]


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: the same file (a freed inode is soon given to a new one)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def folders(top: Path) -> set[str]:
    return {p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_dir()}


def test_a_build_staging_into_the_retired_site_never_writes_through_into_the_published_one(tmp_path):
    """Thread & Tide's page, untouched by the second build, is the same file in the published and the
    retired site; the third build changes it (MkDocs writes it) and must write a new file, not that one."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    first_inodes = inodes(root / "site")
    edit(root, GLOWLAB)
    build(root, home)
    site = root / "site"
    published, published_inodes = digests(site), inodes(site)
    page = "cases/thread-and-tide-instagram/index.html"
    assert published_inodes[page] == first_inodes[page]  # linked: one file, two names
    assert inodes(retired(root))[page] == published_inodes[page]
    edit(root, THREAD)
    build(root, home)
    # the site the third build replaced is the retired one now: every file in it as it was published
    assert digests(retired(root)) == published
    assert "(renamed)" in (site / page).read_text("utf-8")
    now = inodes(site)
    kept = {rel for rel in now if now[rel] == published_inodes.get(rel)}
    assert "pdf/panaderya-qc-facebook.pdf" in kept  # untouched by all three builds: one file throughout
    assert now["pdf/panaderya-qc-facebook.pdf"] == first_inodes["pdf/panaderya-qc-facebook.pdf"]
    assert page not in kept and "index.html" not in kept
    assert_same_as_cold(root, tmp_path)
    cold = tmp_path / "cold" / "site"
    assert folders(site) == folders(cold)


def test_what_was_deleted_or_planted_in_the_retired_site_is_not_published(tmp_path):
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    edit(root, GLOWLAB)
    build(root, home)
    old = retired(root)
    outside = tmp_path / "outside.html"
    outside.write_text("<p>planted</p>", "utf-8")
    (old / "planted.html").write_text("<p>planted</p>", "utf-8")
    os.symlink(outside, old / "cases" / "linked.html")
    os.symlink(tmp_path, old / "media" / "linked-folder")
    (root / "cases" / "kazan-coffee-vk.yaml").unlink()
    build(root, home)
    site = root / "site"
    assert not (site / "cases" / "kazan-coffee-vk").exists()
    assert not (site / "planted.html").exists() and not os.path.lexists(site / "cases" / "linked.html")
    assert not os.path.lexists(site / "media" / "linked-folder")
    assert outside.read_text("utf-8") == "<p>planted</p>"
    assert_same_as_cold(root, tmp_path)
    assert folders(site) == folders(tmp_path / "cold" / "site")  # no folder of the deleted case left empty


def test_a_file_of_the_retired_site_is_kept_only_while_it_holds_what_was_recorded(tmp_path):
    """An edit undone: the retired site's own PDF of that case holds what the next build makes, and
    stays; one changed in place since (same size, its time put back) is written anew."""
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    first = inodes(root / "site")
    edit(root, GLOWLAB)
    edit(root, THREAD)
    build(root, home)
    edit(root, GLOWLAB, back=True)
    edit(root, THREAD, back=True)
    tamper(retired(root) / "pdf" / "thread-and-tide-instagram.pdf")
    build(root, home)
    now = inodes(root / "site")
    assert now["pdf/glowlab-ph-tiktok.pdf"] == first["pdf/glowlab-ph-tiktok.pdf"]  # the first build's, kept
    assert now["pdf/thread-and-tide-instagram.pdf"] != first["pdf/thread-and-tide-instagram.pdf"]
    assert_same_as_cold(root, tmp_path)


def test_a_forced_build_leaves_a_retired_site_the_next_edit_stages_into(tmp_path):
    root = make_project(tmp_path / "p")
    home = tmp_path / "home"
    build(root, home)
    first, first_bytes = inodes(root / "site"), digests(root / "site")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "XDG_CACHE_HOME": str(home)}
    proc = subprocess.run([*CASEBOOK, "build", "--private", "-q", "--force"], cwd=root, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    forced = inodes(root / "site")
    assert not set(first.values()) & set(forced.values())  # nothing taken as it was
    edit(root, GLOWLAB)
    build(root, home)
    now = inodes(root / "site")
    assert now["pdf/panaderya-qc-facebook.pdf"] == first["pdf/panaderya-qc-facebook.pdf"]
    assert now["pdf/glowlab-ph-tiktok.pdf"] != first["pdf/glowlab-ph-tiktok.pdf"]
    assert digests(root / "site")["pdf/glowlab-ph-tiktok.pdf"] != first_bytes["pdf/glowlab-ph-tiktok.pdf"]
    assert_same_as_cold(root, tmp_path)
