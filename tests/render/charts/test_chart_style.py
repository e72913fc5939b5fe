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


def test_vl_convert_measures_labels_with_the_font_the_pdf_draws():
    # a label's width as vl-convert lays it out (a view sized to the text alone,
    # rounded up to a pixel) is the sum of the theme file's advance widths: what
    # the PDF then prints.  Noto Sans, the charts' font before, is 3-8 % wider.
    import vl_convert as vlc
    from fontTools.ttLib import TTFont

    from casebook.render.charts.static import _register_fonts
    from casebook.settings import fonts_dir

    _register_fonts()  # as a build does: the theme's fonts are registered too
    for style, weight in (("Regular", "normal"), ("Bold", "bold")):
        font = TTFont(fonts_dir() / f"LiberationSans-{style}.ttf")
        cmap, hmtx, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
        for label in ("Подписчики и охват за четыре месяца", "Reach ×3.4 in 4 months, leads at 22 each",
                      "Gastos ₱12,500 — Panaderya QC"):
            expected = sum(hmtx[cmap[ord(ch)]][0] for ch in label) * 12 / em
            spec = {"padding": 0, "width": 1, "height": 1, "data": {"values": [{"t": label}]},
                    "mark": {"type": "text", "align": "left", "baseline": "top", "x": 0, "y": 0,
                             "font": FONT_FAMILY, "fontSize": 12, "fontWeight": weight},
                    "encoding": {"text": {"field": "t"}}}
            measured = vlc.vegalite_to_scenegraph(spec)["width"]
            assert abs(measured - expected) <= 1, (style, label, measured, expected)
