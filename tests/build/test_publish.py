"""casebook.build.publish: a staged site replaces the old one in one step, or not at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from casebook.build import publish
from casebook.build.publish import recover, staged


def test_staged_output_replaces_the_old_only_on_success(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    with pytest.raises(RuntimeError):
        with staged(target) as tmp:
            (tmp / "index.html").write_text("half")
            raise RuntimeError("build failed")
    assert (target / "index.html").read_text() == "old"
    with staged(target) as tmp:
        (tmp / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _users_files(site):
    (site / ".git" / "refs").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / ".nojekyll").write_text("")


@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_the_users_dot_entries_survive_a_publish(tmp_path, monkeypatch, swap):
    """A site folder that is a git checkout (gh-pages) keeps its .git and .nojekyll, as with MkDocs."""
    if swap == "two renames":
        monkeypatch.setattr(publish, "_renameat2", False)
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    _users_files(target)
    with staged(target) as tmp:
        (tmp / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"
    assert (target / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (target / ".nojekyll").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("kind", ["building", "old"])
def test_dot_entries_left_by_a_killed_publish_go_back_into_the_output(tmp_path, kind):
    """Killed after the swap, before the move: the next build moves them into the site, then cleans up."""
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("new")
    previous = tmp_path / f".site.{kind}-{_dead_pid()}"
    previous.mkdir()
    (previous / "index.html").write_text("old")
    _users_files(previous)
    recover(target)
    assert (target / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (target / ".nojekyll").is_file()
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_dot_entry_the_build_wrote_anew_sets_the_old_one_aside_once(tmp_path, caplog):
    """The output has its own .git (say): the previous one is moved aside, whole, and the rest removed."""
    target = tmp_path / "site"
    (target / ".git").mkdir(parents=True)
    previous = tmp_path / f".site.building-{_dead_pid()}"
    (previous / ".git").mkdir(parents=True)
    (previous / ".git" / "HEAD").write_text("mine")
    (previous / "index.html").write_text("old")
    recover(target)
    assert (tmp_path / ".site.kept-1" / ".git" / "HEAD").read_text() == "mine"
    assert not previous.exists()
    assert "move what you need from it" in caplog.text
    with staged(target) as tmp:  # later builds leave what was set aside alone
        (tmp / "index.html").write_text("new")
    assert (tmp_path / ".site.kept-1" / ".git" / "HEAD").read_text() == "mine"


def test_a_dot_entry_every_build_writes_the_same_leaves_nothing_behind(tmp_path, caplog):
    """exclude_docs: "!.well-known/" publishes the pages' .well-known: no copy of the old site piles up."""
    target = tmp_path / "site"
    for _build in range(3):
        with staged(target) as tmp:
            (tmp / ".well-known").mkdir()
            (tmp / ".well-known" / "security.txt").write_text("Contact: mailto:a@example.com\n")
            (tmp / "index.html").write_text("site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert "kept" not in caplog.text


def test_a_previous_output_that_cannot_be_removed_is_one_warning(tmp_path, monkeypatch, caplog):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old")
    monkeypatch.setattr(publish.shutil, "rmtree", lambda path, ignore_errors=False: None)  # as a read-only folder
    with staged(target) as tmp:
        (tmp / "index.html").write_text("new")
    assert (target / "index.html").read_text() == "new"
    warnings = [r.getMessage() for r in caplog.records if "could not remove" in r.getMessage()]
    assert len(warnings) == 1 and ".site.building-" in warnings[0] and "the next build tries again" in warnings[0]
