"""The leak audit finds what must not be published."""

from __future__ import annotations

import pytest

from casebook.audit import audit, forbidden_names
from casebook.project import open_project
from sitebuild import copy_demo


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(copy_demo(tmp_path_factory.mktemp("audit") / "p"))


def test_forbidden_names_cover_undisclosed_and_private_clients(project):
    names = forbidden_names(project)
    for loaded in project.cases:
        c = loaded.case
        if not c.client.disclose_name:
            assert c.client.name in names
        if c.is_public and c.client.disclose_name:
            assert c.client.name not in names


def write(site, rel, content):
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def test_clean_output_passes(project, tmp_path):
    write(tmp_path, "index.html", "<html><body><a href='https://t.me/x'>a link is fine</a></body></html>")
    assert audit(tmp_path, project) == []


def test_each_kind_of_leak_is_found(project, tmp_path):
    name = sorted(forbidden_names(project))[0]
    private = project.private_cases[0].case.slug
    write(tmp_path, "a.html", f"<p>Thanks, {name}</p>")
    write(tmp_path, "search/search_index.json", f'{{"docs": [{{"location": "cases/{private}/"}}]}}')
    write(tmp_path, "b.html", f"<p>built in {project.root}</p>")
    write(tmp_path, "c.html", '<script src="https://cdn.example.com/x.js"></script>')
    write(tmp_path, "d.css", "body { background: url(https://tracker.example/p.gif) }")
    write(tmp_path, f"media/{private}/x.jpg", b"\xff\xd8")
    found = {(f.file, f.what) for f in audit(tmp_path, project)}
    assert ("a.html", "undisclosed or private client name") in found
    assert ("search/search_index.json", "private case") in found
    assert ("b.html", "absolute path of the build machine") in found
    assert ("c.html", "resource from an outside host") in found
    assert ("d.css", "resource from an outside host") in found
    assert (f"media/{private}/x.jpg", "private case in a file name") in found


def test_leak_inside_a_pdf_is_found(project, tmp_path):
    from weasyprint import HTML

    name = sorted(forbidden_names(project))[0]
    HTML(string=f"<p>Client: {name}</p>").write_pdf(tmp_path / "x.pdf")
    found = audit(tmp_path, project)
    assert any(f.file == "x.pdf" and name in f.detail for f in found)


def test_names_are_found_however_the_words_are_joined(project, tmp_path):
    """The word pre-filter must not hide a name written with hyphens, underscores or line breaks."""
    name = next(n for n in sorted(forbidden_names(project)) if len(n.split()) > 1)
    words = name.split()
    write(tmp_path, "a.html", "<p>" + "-".join(words) + "</p>")
    write(tmp_path, "b.txt", "_".join(words).upper())
    write(tmp_path, "c.html", "<p>" + "\n".join(words) + "</p>")
    write(tmp_path, "d.html", "<p>" + "".join(words) + "</p>")  # one word: not the name
    found = {f.file for f in audit(tmp_path, project) if f.detail == name}
    assert found == {"a.html", "b.txt", "c.html"}


def test_pdf_text_is_read_once_per_pdf(project, tmp_path, monkeypatch):
    from weasyprint import HTML

    from casebook import audit as audit_mod

    name = sorted(forbidden_names(project))[0]
    site = tmp_path / "site"
    site.mkdir()
    HTML(string=f"<p>Client: {name}</p>").write_pdf(site / "x.pdf")
    first = audit(site, project, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(audit_mod, "pdf_text", lambda data: (_ for _ in ()).throw(AssertionError("read again")))
    assert audit(site, project, cache_dir=tmp_path / "cache") == first
    assert any(name in f.detail for f in first)
