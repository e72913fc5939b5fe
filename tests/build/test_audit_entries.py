"""The leak audit reads a search index entry by entry, and keeps each entry's verdict.

An edit changes a few entries of an index of thousands; only those are
scanned again.  These tests hold that this saves work without hiding a leak.
"""

from __future__ import annotations

import json

import pytest

from casebook.build import audit as audit_mod
from casebook.build.audit import audit, forbidden_names
from casebook.load.project import open_project
from sitebuild import copy_demo

INDEX = "search/search_index.json"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(copy_demo(tmp_path_factory.mktemp("entries") / "p"))


def index(texts: list[str]) -> str:
    """A search index as MkDocs writes it: config, then one entry a page."""
    docs = [{"location": f"page-{i}/", "title": f"Page {i}", "text": t} for i, t in enumerate(texts)]
    return json.dumps({"config": {"lang": ["en"], "separator": "[\\s\\-]+"}, "docs": docs})


def write_index(site, texts):
    path = site / INDEX
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(index(texts), "utf-8")


@pytest.fixture
def scanned(monkeypatch):
    """The texts the audit reads, as it reads them (the real scan runs)."""
    seen: list[str] = []
    real = audit_mod._scan_text

    def recording(rel, suffix, text, rules):
        seen.append(text)
        return real(rel, suffix, text, rules)

    monkeypatch.setattr(audit_mod, "_scan_text", recording)
    return seen


def test_a_leak_in_one_entry_of_a_cached_index_is_found_reading_only_that_entry(project, tmp_path, scanned):
    name = sorted(forbidden_names(project))[0]
    site, cache = tmp_path / "site", tmp_path / "cache"
    texts = [f"a clean page number {i} about results" for i in range(50)]
    write_index(site, texts)
    assert audit(site, project, cache_dir=cache) == []
    scanned.clear()
    texts[17] = f"a page that thanks {name} for the results"
    write_index(site, texts)
    found = audit(site, project, cache_dir=cache)
    assert [(f.file, f.what, f.detail) for f in found] == [(INDEX, "undisclosed or private client name", name)]
    # the config and the one changed entry, not the 49 unchanged ones
    assert len(scanned) == 2 and any(name in t for t in scanned)
    assert found == audit(site, project)  # the same as a whole scan without a cache


def test_a_tampered_entry_verdict_is_a_miss_and_the_entry_is_read_again(project, tmp_path):
    name = sorted(forbidden_names(project))[0]
    site, cache = tmp_path / "site", tmp_path / "cache"
    texts = [f"thanks to {name}", "a clean page"]
    write_index(site, texts)
    first = audit(site, project, cache_dir=cache)
    assert [f.detail for f in first] == [name]
    (kept,) = cache.glob("index-entries-*.json")
    doc = json.loads(kept.read_text("utf-8"))
    doc["entries"] = {key: [] for key in doc["entries"]}  # "nothing found in any entry"
    kept.write_text(json.dumps(doc), "utf-8")
    texts[1] = "another clean page"  # the file changes, the leaking entry does not
    write_index(site, texts)
    assert [(f.file, f.detail) for f in audit(site, project, cache_dir=cache)] == [(INDEX, name)]


def test_an_index_with_a_key_twice_is_read_whole(project, tmp_path):
    """A parsed entry keeps only the last of two equal keys: the first must still be read."""
    name = sorted(forbidden_names(project))[0]
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "search").mkdir(parents=True)
    (site / INDEX).write_text('{"docs": [{"location": "a/", "text": "thanks to %s", "text": "clean"}]}' % name, "utf-8")
    assert [f.detail for f in audit(site, project, cache_dir=cache)] == [name]


def test_a_leak_in_the_index_config_or_a_broken_index_is_found(project, tmp_path):
    private = project.private_cases[0].case.slug
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "search").mkdir(parents=True)
    # the private report's slug holds its client's name, two of its words joined (halohalo-haus-...)
    expected = sorted([private, "Halo-Halo Haus"])
    (site / INDEX).write_text(json.dumps({"config": {"note": f"cases/{private}/"}, "docs": []}), "utf-8")
    assert sorted(f.detail for f in audit(site, project, cache_dir=cache)) == expected
    (site / INDEX).write_text('{"docs": [{"location": "cases/%s/"' % private, "utf-8")  # not valid JSON
    assert sorted(f.detail for f in audit(site, project, cache_dir=cache)) == expected


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _joined(parts: list[bytes]) -> bytes:
    """PDFs joined page after page with pikepdf, as casebook.pdf.assemble joins a portfolio."""
    import io

    import pikepdf

    with pikepdf.Pdf.new() as pdf:
        sources = [pikepdf.Pdf.open(io.BytesIO(p)) for p in parts]
        for src in sources:
            pdf.pages.extend(src.pages)
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        for src in sources:
            src.close()
    return buf.getvalue()


def test_a_leak_in_a_page_joined_into_the_portfolio_is_found(project, tmp_path):
    """The portfolio is re-joined after an edit from parts the audit has read before: the new page is read."""
    name = sorted(forbidden_names(project))[0]
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "pdf").mkdir(parents=True)
    parts = [_pdf("<p>Case one: a clean page</p>"), _pdf("<p>Case two: a clean page</p>")]
    for i, part in enumerate(parts):
        (site / "pdf" / f"case-{i}.pdf").write_bytes(part)
    (site / "pdf" / "portfolio.pdf").write_bytes(_joined(parts))
    assert audit(site, project, cache_dir=cache) == []
    parts[1] = _pdf(f"<p>Case two: made for {name}</p>")  # an edit: the part changes, the portfolio is joined again
    (site / "pdf" / "case-1.pdf").write_bytes(parts[1])
    (site / "pdf" / "portfolio.pdf").write_bytes(_joined(parts))
    found = {(f.file, f.detail) for f in audit(site, project, cache_dir=cache)}
    assert found == {("pdf/case-1.pdf", name), ("pdf/portfolio.pdf", name)}
