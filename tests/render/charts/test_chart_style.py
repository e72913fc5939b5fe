"""casebook.render.charts.style: one font and palette; each platform in its brand colour where that reads."""

from __future__ import annotations

from casebook.render.charts.style import CATEGORY, CONFIG, FONT_FAMILY, platform_colors


def test_brand_colours_unless_near_black_or_too_close_to_one_used():
    # VK #0077FF kept; TikTok's black is lost on a dark page: the first category colour;
    # Facebook #0866FF is within a hair of VK's blue (distance 19 < 60): the next spare one
    assert platform_colors(["vk", "tiktok", "instagram", "facebook", "telegram"]) == \
        ["#0077FF", CATEGORY[0], "#E4405F", CATEGORY[1], "#26A5E4"]
    assert platform_colors(["unknown-platform"]) == [CATEGORY[0]]


def test_every_chart_is_set_in_the_bundled_font():
    assert CONFIG["font"] == FONT_FAMILY and FONT_FAMILY.startswith("Noto Sans")
    assert CONFIG["axis"]["labelFont"] == FONT_FAMILY
