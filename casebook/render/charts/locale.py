"""The case's locale for the chart embed: d3 number and time formats, and the embed options."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import get_currency_symbol


def d3_locale(locale: str, currency: str) -> tuple[dict, dict]:
    """(format_locale, time_format_locale) for d3, vl-convert and vega-embed.

    The d3 locale of the language (en -> en-US, ru -> ru-RU ...; en-US when
    d3 has none) with the separators, percent sign and currency of Babel,
    so axis numbers match the Translator's ``12 345``, ``84 000 ₽``,
    ``₱84,000``.  Month names come from d3 (``фев``, ``мар``) or, for a
    language d3 lacks (fil), from Babel (``Peb``, ``Mar``).
    """
    number, time = _d3_locale(locale, currency)
    return json.loads(number), json.loads(time)


def embed_options(locale: str, currency: str) -> dict:
    """vega-embed options for a case: its locale, SVG renderer, no action menu."""
    number, time = d3_locale(locale, currency)
    return {"actions": False, "renderer": "svg", "formatLocale": number, "timeFormatLocale": time}


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so a title such
    as ``</script>`` in user text cannot end the element.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


# --------------------------------------------------------------------------
# Locales


D3_DEFAULT_REGION = {
    "en": "en-US", "ru": "ru-RU", "uk": "uk-UA", "de": "de-DE", "fr": "fr-FR", "es": "es-ES",
    "it": "it-IT", "pt": "pt-BR", "nl": "nl-NL", "pl": "pl-PL", "cs": "cs-CZ", "sv": "sv-SE",
    "fi": "fi-FI", "da": "da-DK", "nb": "nb-NO", "ja": "ja-JP", "ko": "ko-KR", "zh": "zh-CN",
    "tr": "tr-TR", "he": "he-IL", "ar": "ar-SA", "hu": "hu-HU", "ca": "ca-ES", "mk": "mk-MK",
}


def _d3_candidates(locale: str) -> list[str]:
    lang = locale.split("-")[0]
    out = [locale] if "-" in locale else []
    if lang in D3_DEFAULT_REGION:
        out.append(D3_DEFAULT_REGION[lang])
    return out


def _named(getter, locale: str) -> dict | None:
    for name in _d3_candidates(locale):
        try:
            return dict(getter(name))
        except Exception:  # vl-convert raises for names d3 does not ship
            continue
    return None


@lru_cache(maxsize=None)
def _d3_locale(locale: str, currency: str) -> tuple[str, str]:
    import vl_convert as vlc  # deferred: vl_convert is heavy and loaded only when this runs

    babel_locale = Locale.parse(locale.replace("-", "_"))
    number = _named(vlc.get_format_locale, locale) or dict(vlc.get_format_locale("en-US"))
    symbols = babel_locale.number_symbols.get("latn", {}) if hasattr(babel_locale, "number_symbols") else {}
    number["decimal"] = symbols.get("decimal", number["decimal"])
    number["thousands"] = symbols.get("group", number["thousands"])
    pattern = babel_locale.currency_formats["standard"].pattern.split(";")[0]
    symbol = get_currency_symbol(currency, locale=babel_locale)
    if pattern.strip().startswith("¤"):
        number["currency"] = [symbol + ("\u00a0" if "¤\u00a0" in pattern else ""), ""]
    else:
        number["currency"] = ["", ("\u00a0" if "\u00a0¤" in pattern else "") + symbol]
    if babel_locale.language == "ru":
        number["percent"] = "\u00a0%"  # as Translator.percent writes it
    time = _named(vlc.get_time_format_locale, locale)
    if time is None:
        time = _babel_time_locale(babel_locale) if locale.split("-")[0] != "en" else None
    if time is None:
        time = dict(vlc.get_time_format_locale("en-US"))
    return json.dumps(number, ensure_ascii=False), json.dumps(time, ensure_ascii=False)


def _babel_time_locale(loc: Locale) -> dict:
    """A d3 time locale from Babel, for languages d3 does not ship (fil)."""
    months = loc.months["format"]
    days = loc.days["format"]
    # d3 weeks start on Sunday; Babel numbers days from Monday = 0.
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    periods = loc.day_periods.get("format", {}).get("abbreviated", {})
    return {
        "dateTime": "%x, %X",
        "date": "%m/%d/%Y",
        "time": "%-I:%M:%S %p",
        "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
        "days": [str(days["wide"][i]) for i in sunday_first],
        "shortDays": [str(days["abbreviated"][i]) for i in sunday_first],
        "months": [str(months["wide"][i]) for i in range(1, 13)],
        "shortMonths": [str(months["abbreviated"][i]) for i in range(1, 13)],
    }


# --------------------------------------------------------------------------
# Building blocks
