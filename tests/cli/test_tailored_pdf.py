"""casebook pdf --tag T --title --lang --note: a vacancy PDF whose cover speaks to the reader."""

from __future__ import annotations

import re

from pypdf import PdfReader

from casebook.load.project import open_project
from casebook.pdf.compose import best_figures
from casebook.render.views import case_view

from sitebuild import copy_demo


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_vacancy_pdf_has_its_title_note_language_and_best_figures(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    out = tmp_path / "acme.pdf"
    result = casebook("pdf", "--tag", "local-business", "--title", "SMM lead at Acme Foods",
                      "--lang", "ru", "--note", "Three local businesses grown on small budgets", "-o", out, cwd=root)
    assert result.returncode == 0, result.stderr
    cover = _flat(PdfReader(str(out)).pages[0].extract_text())
    assert "SMM lead at Acme Foods" in cover
    assert "Three local businesses grown on small budgets" in cover
    assert "Портфолио" in cover or "Кейсы" in cover, cover  # the cover speaks the --lang language
    project = open_project(root)
    chosen = [case_view(c) for c in project.public_cases if "local-business" in c.case.tags]
    best = best_figures(chosen)
    assert best
    for b in best:  # the best headline figures of the chosen cases
        assert _flat(b["figure"]).replace("\u00a0", " ") in cover.replace("\u00a0", " "), (b, cover)


def test_the_best_figures_are_the_biggest_growths_one_per_case(tmp_path):
    project = open_project(copy_demo(tmp_path / "p"))
    views = [case_view(c) for c in project.public_cases]
    best = best_figures(views)
    growths = sorted((v.facts.headline.growth for v in views if v.facts.headline and v.facts.headline.growth),
                     reverse=True)
    assert len(best) == min(3, len(growths))
    top = max(views, key=lambda v: (v.facts.headline.growth or 0) if v.facts.headline else 0)
    assert best[0]["case"] == top.case.title


def test_an_unknown_cover_language_is_refused_before_anything_is_made(casebook, tmp_path):
    root = copy_demo(tmp_path / "p")
    result = casebook("pdf", "--lang", "xx", "-o", tmp_path / "out.pdf", cwd=root)
    assert result.returncode == 2 and "xx" in result.stderr and "ru" in result.stderr
    assert not (tmp_path / "out.pdf").exists()
