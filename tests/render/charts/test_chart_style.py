"""casebook.render.charts.style: one font and palette; each platform in its brand colour where that reads."""

from __future__ import annotations

from casebook.render.charts.style import CATEGORY, CONFIG, FONT_FAMILY, platform_colors


def test_brand_colours_unless_near_black_or_too_close_to_one_used():
    # VK #0077FF kept; TikTok's black is lost on a dark page: the first category colour;
    # Facebook #0866FF is within a hair of VK's blue (distance 19 < 60): the next spare one
    assert platform_colors(["vk", "tiktok", "instagram", "facebook", "telegram"]) == \
        ["#0077FF", CATEGORY[0], "#E4405F", CATEGORY[1], "#26A5E4"]
    assert platform_colors(["unknown-platform"]) == [CATEGORY[0]]


def test_every_chart_is_set_in_the_font_vl_convert_measures_and_the_pdf_embeds():
    # vl-convert 1.9 carries Liberation Sans 2.00.1 in memory and measures every
    # label with it; theme/fonts holds the same file for the PDF (print.css
    # "CB Chart"), and a browser showing the SVG finds it or a font of the same
    # widths (Arial, Helvetica) on the reader's machine
    from fontTools.ttLib import TTFont

    from casebook.settings import fonts_dir, theme_dir

    assert FONT_FAMILY.split(", ")[:3] == ["Liberation Sans", "Arial", "Helvetica"]
    assert CONFIG["font"] == CONFIG["axis"]["labelFont"] == CONFIG["legend"]["labelFont"] == FONT_FAMILY
    assert CONFIG["text"]["font"] == FONT_FAMILY
    css = (theme_dir() / "pdf" / "print.css").read_text("utf-8")
    for style, name in (("Regular", "Liberation Sans"), ("Bold", "Liberation Sans Bold")):
        font = TTFont(fonts_dir() / f"LiberationSans-{style}.ttf")
        assert font["name"].getDebugName(4) == name
        assert font["name"].getDebugName(5).startswith("Version 2.00.1")
        assert ord("Ж") in font.getBestCmap() and ord("₱") in font.getBestCmap()  # Russian; Filipino pesos
        assert f'font-family: "CB Chart"; src: url("../fonts/LiberationSans-{style}.ttf")' in css
