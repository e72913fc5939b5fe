"""casebook.render.charts.locale: d3 number and time formats of a case's locale, and JSON safe in a page."""

from __future__ import annotations

import json

from casebook.render.charts.locale import d3_locale, embed_options, script_json


def test_number_and_month_formats_follow_the_locale_and_currency():
    number, time = d3_locale("de", "EUR")
    assert (number["decimal"], number["thousands"]) == (",", ".")
    assert number["currency"][1].strip() == "€"  # after the amount in German
    assert time["shortMonths"][2] == "Mrz"  # d3's own de-DE data
    number, _ = d3_locale("en", "USD")
    assert number["currency"] == ["$", ""]
    assert embed_options("en", "USD")["formatLocale"] == number


def test_script_json_cannot_end_its_script_element():
    value = {"title": '</script><script>alert("x")</script> & \u2028'}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value
