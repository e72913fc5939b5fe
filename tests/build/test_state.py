"""casebook.build.state: a build is skipped only when inputs and outputs are as the last build left them."""

from __future__ import annotations

from casebook.build.state import BuildState, _walk, files_signature, output_files


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


def _tree(root):
    """An output folder with what a user's site can hold: nested pages, dot-entries at the top and
    below, a link to a folder outside (a user's `ln -s`), a link to a file and a broken link."""
    (root / "cases" / "a").mkdir(parents=True)
    (root / "cases" / "a" / "index.html").write_text("page")
    (root / "cases" / ".hidden").write_text("below the top")
    (root / "index.html").write_text("index")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    (root / ".nojekyll").write_text("")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "x.pyc").write_text("")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the site's")
    (root / "assets").symlink_to(outside, target_is_directory=True)
    (root / "same.html").symlink_to(root / "index.html")
    (root / "gone.html").symlink_to(root / "nowhere.html")


def test_an_outputs_files_are_listed_with_links_named_never_followed(tmp_path):
    """What a build's record says it wrote: a link to a folder is one entry (a later build
    removes the link, never what it points to); the user's top-level dot-entries are not listed."""
    _tree(tmp_path / "site")
    assert output_files(tmp_path / "site") == ["__pycache__/x.pyc", "assets", "cases/.hidden", "cases/a/index.html",
                                               "gone.html", "index.html", "same.html"]
    assert output_files(tmp_path / "no-site") == []


def test_the_signature_walk_stats_files_in_order_and_skips_linked_folders(tmp_path):
    """The walk behind "nothing changed": each folder's files by name, then its folders; a linked
    folder and a broken link are not walked; a linked file counts by its target's size."""
    _tree(tmp_path / "site")
    walked = [(rel, size) for rel, size, _mtime in _walk(tmp_path / "site", own_only=True)]
    assert walked == [("index.html", 5), ("same.html", 5), ("cases/.hidden", 13), ("cases/a/index.html", 4)]
    everything = [rel for rel, _size, _mtime in _walk(tmp_path / "site")]
    assert everything == [".nojekyll", "index.html", "same.html", ".git/HEAD", "cases/.hidden", "cases/a/index.html"]
