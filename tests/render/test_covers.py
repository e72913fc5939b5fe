"""Generated covers: the headline in large type, never split inside '212 ₽', only public texts."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from casebook.load.cases import LoadedCase
from casebook.render import covers
from casebook.render.views import case_view


def test_a_number_stays_with_its_unit_and_the_headline_fits_three_lines():
    size, lines = covers.fit("Охват ×3,4 за 4 месяца, заявки на дегустации по 212 ₽")
    assert len(lines) <= 3 and size >= 46
    assert any("212\u00a0₽" in line for line in lines)
    long = " ".join(["word"] * 80)
    size, lines = covers.fit(long)
    assert size == 46 and len(lines) == 3 and lines[-1].endswith("…")


def test_a_case_cover_is_a_1200x630_png_of_public_texts_only(demo_cases):
    case = demo_cases["kazan-coffee-vk"]  # client "Зерно" is undisclosed
    view = case_view(LoadedCase(case=case, source=Path("cases/kazan-coffee-vk.yaml"), digest="x"))
    svg = covers.cover_svg(key=case.slug, headline=view.headline, subtitle=case.client_label(),
                           platforms=list(case.platforms), footer="Anna", bars=covers._bars(view))
    assert "Зерно" not in svg and "сеть кофеен в Казани" in svg
    assert "VK" in svg and "Telegram" in svg
    # the bars show the biggest like-with-like growth, and the change is of the same numbers:
    # leads 14 -> 396 over four months each, ×28
    assert "До: 14<" in svg and "После: 396" in svg and "×28" in svg
    cover = covers.case_cover(view, "Anna")
    with Image.open(io.BytesIO(cover.data)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    assert cover.name.startswith("cover-") and cover.name.endswith(".png")
    assert covers.case_cover(view, "Anna") == cover  # the same case, the same image
