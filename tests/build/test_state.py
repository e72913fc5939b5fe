"""casebook.build.state: a build is skipped only when inputs and outputs are as the last build left them."""

from __future__ import annotations

from casebook.build.state import BuildState, files_signature


def test_recorded_build_is_current_until_an_output_changes(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("one")
    state = BuildState(tmp_path / "cache")
    state.record(out, "inputs-1", [out], pages=1, pdfs=0)
    assert BuildState(tmp_path / "cache").current(out, "inputs-1", [out])["pages"] == 1
    assert BuildState(tmp_path / "cache").current(out, "inputs-2", [out]) is None
    (out / "index.html").write_text("edited")
    assert BuildState(tmp_path / "cache").current(out, "inputs-1", [out]) is None


def test_signature_follows_file_contents(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    before = files_signature(files=[tmp_path / "a.txt"])
    (tmp_path / "a.txt").write_text("yy")
    assert files_signature(files=[tmp_path / "a.txt"]) != before


def test_the_users_dot_entries_in_the_output_do_not_make_a_build_stale(tmp_path):
    """A commit in site/.git (a gh-pages checkout) is not a change of what the build wrote."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("one")
    state = BuildState(tmp_path / "cache")
    state.record(out, "inputs-1", [out], pages=1, pdfs=0)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / ".nojekyll").write_text("")
    assert BuildState(tmp_path / "cache").current(out, "inputs-1", [out]) is not None
    (out / "cases").mkdir()
    (out / "cases" / ".hidden").write_text("below the top: the build's folder, compared")
    assert BuildState(tmp_path / "cache").current(out, "inputs-1", [out]) is None


def test_two_builds_sharing_a_cache_keep_each_others_record(tmp_path):
    """Two projects (or two test workers) building at once into one cache: each one's
    "nothing changed" survives the other's record, whichever finishes last."""
    one, two = tmp_path / "one", tmp_path / "two"
    for out in (one, two):
        out.mkdir()
        (out / "index.html").write_text(out.name)
    first, second = BuildState(tmp_path / "cache"), BuildState(tmp_path / "cache")  # both opened before either records
    first.record(one, "inputs-1", [one], pages=1, pdfs=0)
    second.record(two, "inputs-2", [two], pages=2, pdfs=0)
    assert BuildState(tmp_path / "cache").current(one, "inputs-1", [one])["pages"] == 1
    assert BuildState(tmp_path / "cache").current(two, "inputs-2", [two])["pages"] == 2
    second.forget(two)
    assert BuildState(tmp_path / "cache").current(one, "inputs-1", [one]) is not None
    assert BuildState(tmp_path / "cache").current(two, "inputs-2", [two]) is None


def test_a_forced_build_records_the_last_builds_files_beside_its_own_while_it_publishes(tmp_path):
    """`--force` reads no output of an earlier build, but the list of files the last build put in
    the folder still counts: killed mid-publish, the record covers the old files and the new, and
    the next build does not take the old ones for files the user added."""
    from casebook import store

    out, staged = tmp_path / "site", tmp_path / "staged"
    for folder, name in ((out, "old.html"), (staged, "new.html")):
        folder.mkdir()
        (folder / name).write_text(name)
    BuildState(tmp_path / "cache").published(out, ["old.html"])
    with store.fresh(True):  # what `casebook build --force` runs in
        state = BuildState(tmp_path / "cache")
        assert state.publishing(out, staged) == ["new.html"]
    assert BuildState(tmp_path / "cache").files(out) == ["new.html", "old.html"]
