"""Interface texts and number, money and date formatting per locale.

Texts come from ``casebook/locales/<language>.yaml``; a key missing there
falls back to English.  Numbers, money and dates are formatted by Babel for
the case's locale: ``12 345 ₽`` in ru, ``₱12,345`` in en-PH.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from casebook.compute.metrics import rounded
from casebook.settings import LOCALES_DIR, package_yaml


@lru_cache(maxsize=None)
def _texts(language: str) -> dict[str, Any]:
    path = LOCALES_DIR / f"{language}.yaml"
    if not path.is_file():
        return {}
    return package_yaml(path) or {}


def _lookup(tree: dict, key: str) -> Any:
    node: Any = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _half_up():
    return decimal.localcontext(rounding=ROUND_HALF_UP)


class Translator:
    """Everything locale-dependent that a template needs, for one locale."""

    def __init__(self, locale: str = "en"):
        self.locale = locale
        self.language = locale.split("-")[0]
        self.babel_locale = Locale.parse(locale.replace("-", "_"))

    # -- texts -------------------------------------------------------------
    def t(self, key: str, **kwargs: Any) -> str:
        value = _lookup(_texts(self.language), key)
        if value is None:
            value = _lookup(_texts("en"), key)
        if value is None:
            return key.rsplit(".", 1)[-1].replace("_", " ")
        text = str(value)
        return text.format(**kwargs) if kwargs else text

    __call__ = t

    def metric(self, metric_id: str) -> str:
        return self.t(f"metric.{metric_id}")

    # -- numbers -----------------------------------------------------------
    def number(self, value: float | None, digits: int | None = None) -> str:
        if value is None:
            return self.t("ui.not_available")
        if digits is None:
            digits = 0 if float(value).is_integer() or abs(value) >= 100 else (1 if abs(value) >= 10 else 2)
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        with _half_up():
            return format_decimal(rounded(value, digits) + 0, format=pattern, locale=self.babel_locale)

    def money(self, value: float | None, currency: str) -> str:
        if value is None:
            return self.t("ui.not_available")
        whole = float(value).is_integer() or abs(value) >= 1000
        if whole:
            pattern = self.babel_locale.currency_formats["standard"].pattern
            pattern = pattern.split(";")[0].replace(".00", "").replace(",00", "")
            with _half_up():
                return format_currency(rounded(value) + 0, currency, format=pattern, locale=self.babel_locale,
                                       currency_digits=False)
        with _half_up():
            return format_currency(rounded(value, 2) + 0, currency, locale=self.babel_locale)

    def percent(self, value: float | None, digits: int = 1, signed: bool = False) -> str:
        if value is None:
            return self.t("ui.not_available")
        digits = digits if abs(value) < 100 else 0
        value = float(rounded(value, digits))  # round first: a sign or colour follows what is shown
        text = self.number(abs(value), digits)
        sign = "+" if signed and value > 0 else ("−" if value < 0 else "")
        return f"{sign}{text}\u00a0%" if self.language == "ru" else f"{sign}{text}%"

    def multiple(self, value: float | None) -> str:
        if value is None:
            return self.t("ui.not_available")
        return "×" + self.number(value, 1 if value < 10 else 0)

    def signed(self, value: float | None, digits: int | None = None) -> str:
        if value is None:
            return self.t("ui.not_available")
        text = self.number(abs(value), digits)
        shown = float(rounded(value, digits)) if digits is not None else value
        if text == self.number(0, digits):
            shown = 0.0
        return ("+" if shown > 0 else "−" if shown < 0 else "") + text

    def change(self, figure, currency: str = "USD") -> str:
        """A change as the one rule (casebook.compute.metrics.change_figure) decided it, with its basis."""
        text = self._change(figure, currency)
        if figure.basis and figure.style != "none":
            text += " " + self.t(f"ui.basis_{figure.basis}")
        return text

    def _change(self, figure, currency: str) -> str:
        if figure.style == "none":
            return self.t("ui.not_available")
        if figure.style == "multiple":
            return self.multiple(figure.value)
        if figure.style == "points":
            pp = "\u00a0п.\u00a0п." if self.language == "ru" else "\u00a0pp"
            return self.signed(figure.value, 1) + pp
        if figure.style == "percent":
            return self.percent(figure.value, figure.digits, signed=True)
        sign = "+" if figure.value > 0 else "−" if figure.value < 0 else ""
        if figure.kind == "money":
            return sign + self.money(abs(figure.value), currency)
        return sign + self.number(abs(figure.value), figure.digits)

    def currency_symbol(self, currency: str) -> str:
        return get_currency_symbol(currency, locale=self.babel_locale)

    def value(self, value: float | None, kind: str, currency: str = "USD") -> str:
        """Format by a metric's kind: count, money, percent, multiple."""
        if kind == "money":
            return self.money(value, currency)
        if kind == "percent":
            return self.percent(value)
        if kind == "multiple":
            return self.multiple(value)
        return self.number(value, 0 if value is None or float(value).is_integer() else None)

    # -- dates -------------------------------------------------------------
    def date(self, value: dt.date | None, style: str = "medium") -> str:
        if value is None:
            return ""
        return format_date(value, format=style, locale=self.babel_locale)

    def month(self, value: dt.date) -> str:
        """'Feb 2025' / 'февр. 2025 г.'"""
        return format_skeleton("yMMM", value, locale=self.babel_locale)

    def month_name(self, value: dt.date) -> str:
        return format_skeleton("MMMM", value, locale=self.babel_locale)

    def period(self, start: dt.date, end: dt.date) -> str:
        """'Feb – May 2025'; a single month reads 'October 2025'."""
        if (start.year, start.month) == (end.year, end.month):
            return format_skeleton("yMMMM", start, locale=self.babel_locale)
        if start.year == end.year:
            first = format_skeleton("MMM", start, locale=self.babel_locale)
            return f"{first} – {format_skeleton('yMMM', end, locale=self.babel_locale)}"
        return f"{self.month(start)} – {self.month(end)}"


@lru_cache(maxsize=None)
def translator(locale: str) -> Translator:
    return Translator(locale)
