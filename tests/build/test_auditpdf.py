"""The leak audit reads a PDF part by part and finds what a whole read finds, joined PDFs included."""

from __future__ import annotations

import json
import random

import pytest

from casebook.build import audit as audit_mod
from casebook.build.audit import audit, forbidden_names, pdf_text
from casebook.build.auditpdf import PARTS_GLOB
from casebook.build.pdftext import _pdfium_read
from casebook.load.project import open_project
from pdfjoin import join, pdf_of
from sitebuild import copy_demo


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(copy_demo(tmp_path_factory.mktemp("auditpdf") / "p"))


def _whole(project, rel: str, data: bytes) -> set:
    """What a read of the whole PDF text finds (the audit before PDFs were read part by part)."""
    rules = audit_mod._rules(project)
    return {(f.what, f.detail) for f in audit_mod._scan_text(rel, ".pdf", pdf_text(data), rules)}


def _found(findings, rel: str) -> set:
    return {(f.what, f.detail) for f in findings if f.file == rel}


def test_a_name_in_any_part_of_a_joined_pdf_is_found_as_a_whole_read_finds_it(project, tmp_path):
    names = sorted(forbidden_names(project))
    rng = random.Random(7)
    site = tmp_path / "site"
    (site / "pdf" / "tags").mkdir(parents=True)
    cases = []
    for i in range(4):
        leak = f"<p>Client: {names[i]}</p>" if i % 2 else ""
        filler = " ".join(rng.choice(["reach", "leads", "budget", "growth"]) for _ in range(400))
        cases.append(pdf_of(f"<h1>Case {i}</h1><p>{filler}</p>{leak}<p style='break-before: page'>{filler}</p>"))
        (site / "pdf" / f"case-{i}.pdf").write_bytes(cases[i])
    cover = pdf_of(f"<h1>Portfolio</h1><p>Made for {names[5]}</p>")
    joined = join(cover, *cases)
    (site / "pdf" / "tags" / "all.pdf").write_bytes(joined)
    cache = tmp_path / "cache"
    first = audit(site, project, cache_dir=cache)
    whole = _whole(project, "pdf/tags/all.pdf", joined)
    assert {("undisclosed or private client name", n) for n in (names[1], names[3], names[5])} <= whole
    assert _found(first, "pdf/tags/all.pdf") == whole
    for i in range(4):
        assert _found(first, f"pdf/case-{i}.pdf") == _whole(project, f"pdf/case-{i}.pdf", cases[i])
    # the case PDFs' parts are kept: a joined PDF made again of them is found the same without reading them
    (site / "pdf" / "tags" / "all.pdf").write_bytes(join(*cases[::-1]))
    again = audit(site, project, cache_dir=cache)
    assert _found(again, "pdf/tags/all.pdf") == _whole(project, "pdf/tags/all.pdf", join(*cases[::-1]))
    assert ("undisclosed or private client name", names[1]) in _found(again, "pdf/tags/all.pdf")


def test_a_name_broken_across_a_page_break_is_found(project, tmp_path):
    name = next(n for n in sorted(forbidden_names(project)) if " " in n)
    first, rest = name.split(" ", 1)
    long_text = " ".join(["words"] * 900)  # the break falls far from either page's edges
    data = pdf_of(f"<p>{long_text} {first}</p><p style='break-before: page'>{rest} {long_text}</p>")
    assert ("undisclosed or private client name", name) in _whole(project, "x.pdf", data)
    (tmp_path / "x.pdf").write_bytes(data)
    found = audit(tmp_path, project, cache_dir=tmp_path / "cache")
    assert ("undisclosed or private client name", name) in _found(found, "x.pdf")


def test_a_tampered_parts_record_does_not_hide_a_leak(project, tmp_path):
    name = sorted(forbidden_names(project))[0]
    case = pdf_of(f"<p>Thanks to {name}</p>")
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    (site / "case.pdf").write_bytes(case)
    audit(site, project, cache_dir=cache)
    [record] = cache.glob(PARTS_GLOB)
    doc = json.loads(record.read_text())
    doc["parts"] = {k: [] for k in doc["parts"]}  # every part "clean"
    record.write_text(json.dumps(doc))
    (site / "joined.pdf").write_bytes(join(pdf_of("<p>cover</p>"), case))
    found = audit(site, project, cache_dir=cache)
    assert ("undisclosed or private client name", name) in _found(found, "joined.pdf")


def test_a_disclosed_name_broken_across_a_page_break_is_not_a_leak_and_a_hidden_one_is(tmp_path):
    """A page's text is searched on its own: one that began «Лунмирзор»...» (the disclosed «Кофейня
    «Лунмирзор»» broken across the break) read as the undisclosed «Фитнес-клуб «Лунмирзор»»."""
    from test_audit import _shared_word_project

    project = _shared_word_project(tmp_path / "p")
    filler = " ".join(["охват и заявки"] * 170)  # a page's text is longer than the window across a break
    site = tmp_path / "site"
    (site / "pdf").mkdir(parents=True)
    broken = '<p>{f} {a}</p><p style="page-break-before: always">{b} {f}</p>'
    (site / "pdf" / "a.pdf").write_bytes(pdf_of(broken.format(f=filler, a="Кофейня", b="«Лунмирзор»: кейс 168")))
    (site / "pdf" / "b.pdf").write_bytes(pdf_of(broken.format(f=filler, a="Фитнес-клуб", b="«Лунмирзор»: кейс 7")))
    pages = _pdfium_read((site / "pdf" / "a.pdf").read_bytes())["pages"]
    assert pages[0].rstrip().endswith("Кофейня") and pages[1].startswith("«Лунмирзор»")  # broken across pages
    found = {(f.file, f.detail) for f in audit(site, project, cache_dir=tmp_path / "cache")}
    assert found == {("pdf/b.pdf", "Фитнес-клуб «Лунмирзор»")}
