"""The loader's own behaviour: positions, file discovery, whole-project rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.load.cases import find_case_files, load_case_file, load_cases, load_profile
from casebook.load.yamlsrc import YamlProblem, parse

REPO = Path(__file__).resolve().parents[2]
GOOD = """slug: {slug}
title: "A small case"
client: {{name: "Acme Bakery", disclose_name: true, industry: food-and-beverage}}
role: "SMM manager"
period: {{start: 2025-01-01, end: 2025-03-31}}
platforms: [instagram]
currency: USD
after:
  metrics:
    instagram: {{followers: 1200, reach: 5000, engagements: 300}}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_positions_of_values_and_keys():
    located = parse("a: 1\nb:\n  c: [x, {d: 2}]\n")
    assert located.data == {"a": 1, "b": {"c": ["x", {"d": 2}]}}
    assert located.values[("a",)] == (1, 4)
    assert located.keys[("b", "c")] == (3, 3)
    assert located.values[("b", "c", 1, "d")] == (3, 14)
    # an unknown path falls back to its nearest known ancestor
    assert located.where(("b", "c", 1, "zzz")) == (3, 10)
    assert located.where(("nothing", "here")) == (1, 1)


def test_merge_keys_and_anchors_are_resolved():
    located = parse("base: &b {reach: 10, likes: 2}\nvk:\n  <<: *b\n  likes: 3\n")
    assert located.data["vk"] == {"reach": 10, "likes": 3}


def test_duplicate_key_names_the_first_line():
    with pytest.raises(YamlProblem) as info:
        parse("a: 1\nb: 2\na: 3\n")
    assert (info.value.line, info.value.column) == (3, 1)
    assert "first defined on line 1" in info.value.message


def test_duplicate_date_keys_in_a_series():
    with pytest.raises(YamlProblem) as info:
        parse("s: {2025-01-01: 1, 2025-01-01: 2}\n")
    assert "duplicate key '2025-01-01'" in info.value.message


def test_find_case_files_skips_drafts_hidden_and_other_files(tmp_path):
    _write(tmp_path, "b.yaml", "x: 1")
    _write(tmp_path, "a.yml", "x: 1")
    _write(tmp_path, "_draft.yaml", "x: 1")
    _write(tmp_path, ".hidden.yaml", "x: 1")
    _write(tmp_path, ".git/config.yaml", "x: 1")
    _write(tmp_path, "notes.txt", "x: 1")
    _write(tmp_path, "sub/c.yaml", "x: 1")
    files, problems = find_case_files([tmp_path, tmp_path / "b.yaml"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.yml", "b.yaml", "sub/c.yaml"]
    assert problems == []


def test_one_bad_case_stops_the_whole_build(tmp_path):
    _write(tmp_path, "cases/good.yaml", GOOD.format(slug="good"))
    _write(tmp_path, "cases/bad.yaml", GOOD.format(slug="bad").replace("followers: 1200", "followers: -1"))
    result = load_cases([tmp_path / "cases"], tmp_path)
    assert not result.ok
    assert result.cases == []  # no partial output
    assert [p.file for p in result.problems] == ["cases/bad.yaml"]


def test_problems_are_sorted_by_file_and_line(tmp_path):
    _write(tmp_path, "b.yaml", GOOD.format(slug="b").replace("USD", "usd").replace("[instagram]", "[instagramm]"))
    _write(tmp_path, "a.yaml", "slug: [")
    result = load_cases([tmp_path], tmp_path)
    keys = [(p.file, p.line, p.column) for p in result.problems]
    assert keys == sorted(keys)
    assert [p.file for p in result.problems] == ["a.yaml", "b.yaml", "b.yaml"]


def test_loaded_case_keeps_source_and_digest(tmp_path):
    path = _write(tmp_path, "ok.yaml", GOOD.format(slug="ok"))
    loaded, problems, located = load_case_file(path, tmp_path)
    assert problems == []
    assert loaded.source == path.resolve()
    assert len(loaded.digest) == 64
    assert located.where(("slug",)) == (1, 7)
    again, _, _ = load_case_file(path, tmp_path)
    assert again.digest == loaded.digest
    _write(tmp_path, "ok.yaml", GOOD.format(slug="ok") + "\n")
    changed, _, _ = load_case_file(path, tmp_path)
    assert changed.digest != loaded.digest


def test_warning_does_not_stop_loading(tmp_path):
    _write(tmp_path, "w.yaml", GOOD.format(slug="w").replace("engagements: 300", "engagements: 6000"))
    result = load_cases([tmp_path], tmp_path)
    assert result.ok and len(result.cases) == 1
    assert [p.severity for p in result.problems] == ["warning"]


def test_report_defaults_to_private(demo_cases):
    report = demo_cases["lak-studio-report-2025-10"]
    assert report.kind == "report" and report.visibility == "private"
    assert demo_cases["ural-residential-nda"].visibility == "private"
    assert demo_cases["kazan-coffee-vk"].is_public


def test_demo_profile_loads():
    profile, problems = load_profile(REPO / "profile.yaml", REPO)
    assert problems == [], [p.format() for p in problems]
    assert profile.name


def test_profile_problems_are_located(tmp_path):
    path = _write(tmp_path, "profile.yaml", "name: Anna\nrole: SMM\ncontacts:\n  emial: a@b.co\n")
    profile, problems = load_profile(path, tmp_path)
    assert profile is None
    assert [p.format() for p in problems] == [
        "profile.yaml:4:3: contacts.emial: unknown field 'emial'; did you mean 'email'?"
    ]


# -- the load cache ------------------------------------------------------------


@pytest.fixture
def cached_project(tmp_path, monkeypatch):
    import shutil

    from casebook import store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    store.user_key.cache_clear()
    root = tmp_path / "p"
    shutil.copytree(REPO / "cases", root / "cases")
    yield root
    store.user_key.cache_clear()


def _load(root: Path):
    return load_cases([root / "cases"], root, cache_dir=root / ".cache")


def test_cached_load_gives_the_same_cases_and_warnings(cached_project):
    first = _load(cached_project)
    assert first.ok and list((cached_project / ".cache" / "load").glob("*.pickle"))
    second = _load(cached_project)
    assert [c.case for c in second.cases] == [c.case for c in first.cases]
    assert [c.digest for c in second.cases] == [c.digest for c in first.cases]
    assert second.problems == first.problems


def test_cache_follows_the_case_and_its_media(cached_project):
    _load(cached_project)
    # an edited case is read again
    case = cached_project / "cases" / "glowlab-ph-tiktok.yaml"
    case.write_text(case.read_text("utf-8").replace("slug: glowlab-ph-tiktok", "slug: glowlab-edited"), "utf-8")
    assert "glowlab-edited" in {c.case.slug for c in _load(cached_project).cases}
    # a media file gone since the last load is an error again, with its line
    (cached_project / "cases" / "media" / "glowlab" / "cover.png").unlink()
    result = _load(cached_project)
    assert not result.ok
    assert any(p.path == "cover" and "does not exist" in p.message and p.line == 28 for p in result.errors)


def test_cache_never_keeps_a_case_with_errors_or_trusts_a_planted_entry(cached_project):
    import pickle

    case = cached_project / "cases" / "kazan-coffee-vk.yaml"
    case.write_text(case.read_text("utf-8").replace("platforms:", "platfroms:", 1), "utf-8")
    for _ in range(2):  # the error is shown every time
        assert any("platfroms" in p.message or p.path == "platfroms" for p in _load(cached_project).errors)
    case.write_text(case.read_text("utf-8").replace("platfroms:", "platforms:", 1), "utf-8")
    _load(cached_project)
    # an entry written by someone without this user's key is ignored
    for entry in (cached_project / ".cache" / "load").glob("*.pickle"):
        body = pickle.dumps((b"1", "planted", [], (1, 1), []))
        entry.write_bytes(b"\0" * 32 + body)
    result = _load(cached_project)
    assert result.ok and all(c.case != "planted" for c in result.cases)


def test_a_hidden_name_in_another_case_is_found_when_the_cases_come_from_the_cache(cached_project):
    """Each case's folded texts and referenced files are kept in the load cache: a public case read
    from the cache is still searched for a private client's name that appears only later, and
    points to the same files as when it was parsed."""
    from dataclasses import replace

    from casebook.load.media import referenced_files

    public = cached_project / "cases" / "kazan-coffee-vk.yaml"
    text = public.read_text("utf-8")
    assert "summary: |\n  " in text
    public.write_text(text.replace("summary: |\n  ", "summary: |\n  Also worked for Golden Spoon Bakery. ", 1), "utf-8")
    first = _load(cached_project)
    assert first.ok  # no case has that client yet
    cached = _load(cached_project)  # every case from the cache
    assert any(loaded.refs and loaded.refs[1] for loaded in cached.cases), "demo cases point to files"
    for loaded in cached.cases:
        assert loaded.refs is not None and loaded.text_forms is not None or not loaded.case.is_public
        assert referenced_files(loaded, cached_project) == referenced_files(replace(loaded, refs=None), cached_project)
    nda = (cached_project / "cases" / "ural-residential-nda.yaml").read_text("utf-8")
    nda = nda.replace("slug: ural-residential-nda", "slug: second-nda-case").replace(
        'name: "ООО «УралСтройДевелопмент»"', 'name: "Golden Spoon Bakery"')
    (cached_project / "cases" / "second-nda-case.yaml").write_text(nda, "utf-8")
    result = _load(cached_project)  # zerno from the cache, with its kept texts
    leaks = [p for p in result.problems if p.file.endswith("kazan-coffee-vk.yaml") and "Golden Spoon" in p.message]
    assert leaks and leaks[0].path == "summary"


def test_an_unreadable_case_file_is_reported_at_line_1(tmp_path, monkeypatch):
    """Lines and columns are 1-based in every message an editor jumps to: never 0:0."""
    from casebook.load.cases import read_document

    case = tmp_path / "cases" / "x.yaml"
    case.parent.mkdir()
    case.write_text("slug: x\n", "utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    located, _raw, problems = read_document(case, tmp_path)
    assert located is None
    assert [p.format() for p in problems] == ["cases/x.yaml:1:1: cannot read file: Permission denied"]


def test_real_paths_are_what_resolve_gives_for_plain_files_links_and_linked_folders(tmp_path):
    """find_case_files resolves each folder once and a file only when it is a link: the same
    paths as Path.resolve, so a link leading out of the project is still seen for what it is."""
    from casebook.load.cases import real_paths

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.yaml").write_text("a", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.yaml").write_text("b", "utf-8")
    (tmp_path / "real" / "link-out.yaml").symlink_to(tmp_path / "elsewhere" / "b.yaml")
    (tmp_path / "real" / "link-in.yaml").symlink_to("a.yaml")
    (tmp_path / "real" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "linked-folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    files = [tmp_path / "real" / "a.yaml", tmp_path / "real" / "link-out.yaml", tmp_path / "real" / "link-in.yaml",
             tmp_path / "real" / "dangling.yaml", tmp_path / "linked-folder" / "b.yaml",
             tmp_path / "real" / ".." / "real" / "a.yaml", tmp_path / "real" / "missing.yaml"]
    real = real_paths(files)
    assert real == {f: f.resolve() for f in files}
    assert real[tmp_path / "linked-folder" / "b.yaml"] == (tmp_path / "elsewhere" / "b.yaml").resolve()
    assert real[tmp_path / "real" / "link-out.yaml"] == (tmp_path / "elsewhere" / "b.yaml").resolve()


def test_a_case_name_that_is_no_file_is_an_error_not_left_out(tmp_path):
    """A review found a case file turned into a pipe or a link to nothing silently left out of
    `casebook check` (exit 0) and of the published site.  (A folder named like one is searched for
    case files as any folder is: tests/load/test_bad_inputs.py.)"""
    import os

    cases = tmp_path / "cases"
    cases.mkdir()
    _write(cases, "kept.yaml", "slug: kept\n")
    os.mkfifo(cases / "piped.yaml")
    (cases / "folder.yaml").mkdir()
    (cases / "dangling.yaml").symlink_to(tmp_path / "drafts" / "gone.yaml")
    (cases / "_draft.yaml").mkdir()  # a draft is skipped whatever it is
    found, problems = find_case_files([cases], tmp_path)
    assert [f.name for f in found] == ["kept.yaml"]
    assert sorted((Path(p.file).name, p.message) for p in problems) == [
        ("dangling.yaml", "a link to a file that does not exist; point it at a file or remove it"),
        ("piped.yaml", "not a regular file (a pipe, socket or device); casebook reads only files")]
    assert all(p.is_error for p in problems)
    _found, named = find_case_files([cases / "piped.yaml"], tmp_path)  # named on the command line
    assert [p.message for p in named] == ["not a regular file (a pipe, socket or device); casebook reads only files"]
