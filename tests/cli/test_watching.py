"""casebook serve's watcher: a save is seen at once where the file system reports it, polled elsewhere."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time

import pytest

from casebook.cli import watching
from casebook.cli.watching import Watcher, file_system

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/c rw,noatime - 9p drvfs rw,dirsync
41 22 0:36 / /mnt/my\\040share rw - cifs //nas/share rw
42 22 0:37 / /tmp rw shared:5 - tmpfs tmpfs rw
"""


def test_the_file_system_of_a_path_is_that_of_the_longest_mount_point_holding_it(tmp_path):
    info = tmp_path / "mountinfo"
    info.write_text(MOUNTINFO, "utf-8")
    assert file_system("/mnt/c/Users/me/cases", str(info)) == "9p"
    assert file_system("/mnt/my share/cases", str(info)) == "cifs"  # the space is \040 in the table
    assert file_system("/mnt/cx/cases", str(info)) == "ext4"  # /mnt/c is not a folder of it
    assert file_system("/home/me/cases", str(info)) == "ext4"
    assert file_system("/tmp", str(info)) == "tmpfs"


class Seen:
    """What a handler was told, with a wait for the next change."""

    def __init__(self) -> None:
        self.events: list = []
        self._changed = threading.Event()

    def on_any_event(self, event) -> None:
        self.events.append(event)
        if not event.is_directory:
            self._changed.set()

    def dispatch(self, event) -> None:  # what watchdog calls
        self.on_any_event(event)

    def wait(self, seconds: float) -> bool:
        seen = self._changed.wait(seconds)
        self._changed.clear()
        return seen


def _save(path, text: str) -> None:
    """As an editor saves: a copy written beside the file, then renamed over it."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


@pytest.fixture
def inotify_here(tmp_path):
    """The test's folder is on a file system whose changes reach inotify (else the test is skipped)."""
    if not watching.sends_events(str(tmp_path)):
        pytest.skip(f"{file_system(str(tmp_path))} sends no inotify events")


@pytest.fixture
def watcher():
    made: list[Watcher] = []

    def make(interval: float) -> Watcher:
        made.append(Watcher(interval))
        return made[-1]

    yield make
    for w in made:
        w.stop()
        w.join(5)


@linux_only
def test_a_save_is_seen_at_once_not_at_the_next_poll(tmp_path, inotify_here, watcher):
    cases = tmp_path / "cases"
    cases.mkdir()
    case = cases / "a.yaml"
    case.write_text("title: A\n", "utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: Me\n", "utf-8")
    w = watcher(600)  # a poll would come in ten minutes
    seen_cases, seen_profile = Seen(), Seen()
    assert w.schedule(seen_cases, str(cases), recursive=True).observer is w.native
    assert w.schedule(seen_profile, str(profile)).observer is w.native
    w.start()
    _save(case, "title: B\n")
    assert seen_cases.wait(5), "a saved case was not reported"
    (cases / "new.yaml").write_text("title: C\n", "utf-8")
    assert seen_cases.wait(5), "a new case was not reported"
    for text in ("name: You\n", "name: Them\n"):  # a file replaced by rename, twice: both seen
        _save(profile, text)
        assert seen_profile.wait(5), f"the save of {text!r} to a watched file was not reported"


@linux_only
def test_a_folder_moved_out_of_a_watched_one_is_a_change(tmp_path, inotify_here, watcher):
    """inotify reports it as the folder's event alone, which MkDocs' handler (files only) ignores."""
    cases = tmp_path / "cases"
    (cases / "media" / "client").mkdir(parents=True)
    (cases / "media" / "client" / "logo.png").write_bytes(b"png")
    w = watcher(600)
    seen = Seen()
    w.schedule(seen, str(cases), recursive=True)
    w.start()
    os.rename(cases / "media" / "client", tmp_path / "client")
    assert seen.wait(5), [(e.event_type, e.src_path) for e in seen.events]


@linux_only
def test_reading_the_watched_files_is_not_a_change(tmp_path, inotify_here, watcher):
    """The build reads every case: were a read a change, every rebuild would start another."""
    case = tmp_path / "a.yaml"
    case.write_text("title: A\n", "utf-8")
    w = watcher(600)
    seen = Seen()
    w.schedule(seen, str(tmp_path), recursive=True)
    w.start()
    for _ in range(3):
        assert case.read_text("utf-8") == "title: A\n"
    assert not seen.wait(1), [e.event_type for e in seen.events]
    case.write_text("title: B\n", "utf-8")  # and a write still is one
    assert seen.wait(5)


def test_a_folder_on_a_file_system_without_events_is_polled(tmp_path, watcher, monkeypatch):
    monkeypatch.setattr(watching, "file_system", lambda path: "nfs4")
    w = watcher(0.2)
    seen = Seen()
    assert w.schedule(seen, str(tmp_path), recursive=True).observer is w.polling
    w.start()
    time.sleep(0.3)  # the poll's first snapshot
    (tmp_path / "a.yaml").write_text("title: A\n", "utf-8")
    assert seen.wait(5), "the poll did not see the new file"


@linux_only
def test_when_inotify_cannot_start_the_folders_are_polled(tmp_path, inotify_here, watcher, monkeypatch, caplog):
    w = watcher(0.2)
    seen = Seen()
    assert w.schedule(seen, str(tmp_path), recursive=True).observer is w.native

    def refuse() -> None:
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(w.native, "start", refuse)
    with caplog.at_level(logging.WARNING, logger="casebook.serve"):
        w.start()
    assert "polled" in caplog.text and "max_user_watches" in caplog.text
    assert w.native is None
    time.sleep(0.3)
    (tmp_path / "a.yaml").write_text("title: A\n", "utf-8")
    assert seen.wait(5), "the poll that took over did not see the new file"


@linux_only
def test_a_tree_holding_a_symbolic_link_is_polled_and_a_change_behind_the_link_seen(tmp_path, watcher):
    """inotify does not follow links: a media folder linked from elsewhere was never watched."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "logo.png").write_bytes(b"png")
    cases = tmp_path / "cases"
    (cases / "media").mkdir(parents=True)
    (cases / "a.yaml").write_text("title: A\n", "utf-8")
    (cases / "media" / "client").symlink_to(shared)
    plain = tmp_path / "plain"
    plain.mkdir()
    w = watcher(0.2)
    seen = Seen()
    assert w.schedule(seen, str(cases), recursive=True).observer is w.polling
    if watching.sends_events(str(plain)):
        assert w.schedule(Seen(), str(plain), recursive=True).observer is w.native
    w.start()
    time.sleep(0.3)  # the poll's first snapshot
    (shared / "logo.png").write_bytes(b"a new logo")
    assert seen.wait(5), "a change behind the link was not seen"


@linux_only
def test_touch_is_a_change(tmp_path, inotify_here, watcher):
    """`touch` is how one asks for a rebuild; inotify reports it as a change of attributes."""
    case = tmp_path / "a.yaml"
    case.write_text("title: A\n", "utf-8")
    w = watcher(600)
    seen = Seen()
    assert w.schedule(seen, str(tmp_path), recursive=True).observer is w.native
    w.start()
    os.utime(case)
    assert seen.wait(5), [e.event_type for e in seen.events]


@linux_only
def test_a_watched_folder_replaced_by_rename_is_watched_again(tmp_path, inotify_here, watcher):
    """inotify follows the folder, not its name: after `mv cases cases.old; mv cases.new cases`
    the saves to cases/ were missed."""
    cases, new = tmp_path / "cases", tmp_path / "cases.new"
    for folder in (cases, new):
        folder.mkdir()
        (folder / "a.yaml").write_text("title: A\n", "utf-8")
    w = watcher(600)
    w.CHECK_SECONDS = 0.1
    seen = Seen()
    assert w.schedule(seen, str(cases), recursive=True).observer is w.native
    w.start()
    os.rename(cases, tmp_path / "cases.old")
    os.rename(new, cases)
    assert seen.wait(5), "the swap was not seen"
    time.sleep(0.3)
    seen.wait(0)  # what the swap itself reported
    _save(cases / "a.yaml", "title: B\n")
    assert seen.wait(5), "a save in the new folder was not seen"
    time.sleep(0.3)
    seen.wait(0)  # the save's other events
    (tmp_path / "cases.old" / "a.yaml").write_text("title: old\n", "utf-8")  # the old one is not the project's
    assert not seen.wait(1)


@linux_only
def test_a_watched_folder_removed_and_made_again_is_watched_again(tmp_path, inotify_here, watcher):
    """Made again at once, the new folder often has the old one's inode number: the removal marks the watch lost."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.yaml").write_text("title: A\n", "utf-8")
    w = watcher(600)
    w.CHECK_SECONDS = 0.1
    seen = Seen()
    assert w.schedule(seen, str(cases), recursive=True).observer is w.native
    w.start()
    shutil.rmtree(cases)
    cases.mkdir()
    assert seen.wait(5), "the removal was not seen"
    time.sleep(0.4)
    seen.wait(0)  # what the removal and the new watch reported
    (cases / "a.yaml").write_text("title: B\n", "utf-8")
    assert seen.wait(5), "a save in the folder made again was not seen"


@linux_only
def test_an_editors_save_of_a_watched_file_is_one_change_not_two(tmp_path, inotify_here, watcher):
    """Each save by rename gives mkdocs.yml a new inode: the folder check must not take that for a
    replaced folder and report the save again a second later (a second rebuild)."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: A\n", "utf-8")
    w = watcher(600)
    w.CHECK_SECONDS = 600  # the check runs when the test calls it
    seen = Seen()
    assert w.schedule(seen, str(config)).observer is w.native
    w.start()
    _save(config, "site_name: B\n")
    assert seen.wait(5), "the save was not reported"
    time.sleep(0.3)
    seen.wait(0)  # the save's other events
    w.check_names()
    assert not seen.wait(0.5), [(e.event_type, e.src_path) for e in seen.events[-3:]]
    _save(config, "site_name: C\n")  # and the next save is still seen
    assert seen.wait(5)
