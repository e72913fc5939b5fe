"""The audit begun while the build waits for a PDF: the pages' verdicts kept, nothing taken on trust."""

from __future__ import annotations

import pytest

from casebook.build.audit import audit
from casebook.build.auditahead import audit_ahead
from casebook.load.project import open_project
from sitebuild import copy_demo
from test_audit import _site_with_leaks, write


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(copy_demo(tmp_path_factory.mktemp("ahead") / "p"))


def test_pages_scanned_ahead_are_not_scanned_again_and_the_findings_are_the_same(project, tmp_path, monkeypatch):
    from casebook.build import audit as audit_mod

    site, cache = tmp_path / "site", tmp_path / "cache"
    name = _site_with_leaks(project, site)
    whole = audit(site, project)  # no cache: every file read
    assert audit_ahead(site, project, cache) == len([p for p in site.rglob("*") if p.is_file() and p.suffix != ".pdf"])
    scanned = []
    real = audit_mod._scan

    def counted(rel, *args, **kwargs):
        scanned.append(rel)
        return real(rel, *args, **kwargs)

    monkeypatch.setattr(audit_mod, "_scan", counted)
    assert audit(site, project, cache_dir=cache) == whole
    assert scanned == ["pdf/x.pdf"]  # the PDF was left for the audit: it may still be being joined
    assert ("leak.html", name) in {(f.file, f.detail) for f in whole}


def test_a_page_changed_after_it_was_scanned_ahead_is_scanned_again(project, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    name = _site_with_leaks(project, site)
    (site / "leak.html").unlink()
    assert audit_ahead(site, project, cache) > 0
    write(site, "index.html", f"<p>written after, {name}</p>")  # a later step (or an attacker) changes a page
    assert ("index.html", name) in {(f.file, f.detail) for f in audit(site, project, cache_dir=cache)}


def test_a_cold_builds_worth_is_left_to_the_audit_and_its_workers(project, tmp_path, monkeypatch):
    from casebook.build import auditahead

    site, cache = tmp_path / "site", tmp_path / "cache"
    _site_with_leaks(project, site)
    monkeypatch.setattr(auditahead, "AHEAD_MAX", 10)
    assert audit_ahead(site, project, cache) == 0
    assert not list(cache.glob("verdicts-*.json"))
