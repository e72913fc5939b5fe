"""Cyrillic names in Latin letters, the ways people write them: a client «Зерно» is ``zerno`` in a slug or a handle.

The schemes in use for Russian differ in a few letters, and people mix
them: the Russian passport (ICAO 9303, since 2013), BGN/PCGN (English
texts, maps), GOST 7.79 B (``x`` for х, ``j`` for й), plus the informal
spellings of handles and domains (``h``, ``tz``, ``sch``, ``ja``).  Each letter lists its
spellings, the passport's first; a name gets each scheme whole, then the
mixtures, up to :data:`MAX_SPELLINGS` in all.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# Spellings of each lower-case letter (after NFC and case folding): the passport's (ICAO 9303), BGN/PCGN's and
# GOST 7.79 B's (a shorter tuple: its last for the rest), then informal ones.  ISO 9's diacritics (ž, č, š) fold
# away into other words' letters (ш as s), so only its h (х), c (ц) and j (й), which people do use, are here.
_LETTERS: dict[str, tuple[str, ...]] = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e",), "ё": ("e", "e", "yo", "jo"),
    "ж": ("zh",), "з": ("z",), "и": ("i",), "й": ("i", "y", "j"), "к": ("k",), "л": ("l",), "м": ("m",),
    "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",),
    "х": ("kh", "kh", "x", "h"), "ц": ("ts", "ts", "c", "tz"), "ч": ("ch",), "ш": ("sh",),
    "щ": ("shch", "shch", "shh", "sch"), "ъ": ("",), "ы": ("y", "y", "y", "i"), "ь": ("",), "э": ("e",),
    "ю": ("iu", "yu", "yu", "ju"), "я": ("ia", "ya", "ya", "ja"),
    # Ukrainian and Belarusian letters in Russian-language names
    "і": ("i",), "ї": ("i", "yi", "yi", "ji"), "є": ("ie", "ye", "ye", "je"), "ґ": ("g",), "ў": ("u", "u", "u", "w"),
}
# е at the start of a word or after a vowel, ъ or ь is also "ye" (BGN/PCGN: Yelena, Alekseyev)
_IOTATED = {"е": ("e", "ye", "e", "je")}
_VOWELS = set("аеёиоуыэюяіїє")
_SOFT = {"ъ", "ь"}
SCHEMES = ("passport (ICAO 9303)", "BGN/PCGN", "GOST 7.79 B")
MAX_SPELLINGS = 12  # Latin spellings of one name at most: the schemes first, then their mixtures
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


def _choices(text: str) -> list[tuple[str, ...]]:
    """The spellings of each character of a case-folded text (a non-Cyrillic character: itself)."""
    out = []
    for i, c in enumerate(text):
        before = text[i - 1] if i else ""
        if c in _IOTATED and (not before.isalpha() or before in _VOWELS or before in _SOFT):
            out.append(_IOTATED[c])
        else:
            out.append(_LETTERS.get(c, (c,)))
    return out


def _cased(spelling: str, original: str) -> str:
    """A spelling in the case of the letter it stands for: Ж is "Zh", so a CamelCase name stays CamelCase."""
    return spelling[:1].upper() + spelling[1:] if original.isupper() else spelling


def latin_spellings(name: str) -> list[str]:
    """The name written in Latin letters by each scheme, then by mixtures of them; [] if it has no Cyrillic letter.

    Upper-case letters stay upper case (``УралСтрой``: ``UralStroi``...), so
    the forms of the spelling are made as those of the name are.
    """
    name = unicodedata.normalize("NFC", name)
    if not _CYRILLIC_RE.search(name):
        return []
    low = name.lower()
    choices = _choices(low)
    out: dict[str, None] = {}
    for column in range(len(SCHEMES)):
        out["".join(_cased(opts[min(column, len(opts) - 1)], o) for opts, o in zip(choices, name))] = None
    for picks in itertools.product(*(tuple(dict.fromkeys(opts)) for opts in choices)):
        if len(out) >= MAX_SPELLINGS:
            break
        out["".join(_cased(p, o) for p, o in zip(picks, name))] = None
    return list(out)[:MAX_SPELLINGS]


__all__ = ["MAX_SPELLINGS", "SCHEMES", "latin_spellings"]
