"""casebook.render.i18n: numbers, money and dates as the case's locale writes them."""

from __future__ import annotations

import datetime as dt

from casebook.render.i18n import translator


def test_numbers_and_money_follow_the_locale():
    assert translator("en").number(12500) == "12,500"
    assert translator("ru").number(12500) == "12\xa0500"
    assert "$" in translator("en").money(1500, "USD")


def test_unknown_text_keys_fall_back_to_english():
    en, fil = translator("en"), translator("fil")
    assert fil.t("ui.cases") and en.t("ui.cases") == "Cases"


def test_month_names_are_localized():
    assert translator("ru").month_name(dt.date(2025, 2, 1)).lower().startswith("февр")
    assert translator("en").month_name(dt.date(2025, 2, 1)).startswith("Feb")
