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


def test_the_cover_prints_each_best_figure_in_its_case_language_whatever_lang(casebook, tmp_path):
    """--lang sets the cover's own words; a ru case's figure stays ru (×9,5), an en case's stays en (×7.2)."""
    root = copy_demo(tmp_path / "p")
    en_cover = tmp_path / "en.pdf"
    result = casebook("pdf", "--tag", "lead-generation", "--lang", "en", "-o", en_cover, cwd=root)
    assert result.returncode == 0, result.stderr
    cover = _flat(PdfReader(str(en_cover)).pages[0].extract_text()).replace("\u00a0", " ")
    assert "Cases: 2" in cover, cover  # the interface speaks --lang
    assert "Заявки ×9,5" in cover and "Заявки ×28" in cover, cover  # both ru cases' figures in ru
    assert "Leads ×9.5" not in cover and "Leads ×28" not in cover, cover
    ru_cover = tmp_path / "ru.pdf"
    result = casebook("pdf", "--case", "speakup-school-telegram", "--case", "thread-and-tide-instagram",
                      "--lang", "ru", "-o", ru_cover, cwd=root)
    assert result.returncode == 0, result.stderr
    cover = _flat(PdfReader(str(ru_cover)).pages[0].extract_text()).replace("\u00a0", " ")
    assert "Кейсы: 2" in cover, cover
    assert "Views ×7.2" in cover and "Заявки ×9,5" in cover, cover  # each figure as its own case writes it


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
