"""Text folded the way client names are matched: the text side of casebook.load.names.

:func:`fold` is what the module docstring of casebook.load.names describes;
:func:`vocabulary` is its word set (the audit's pre-filter), :func:`shown`
markup as a reader sees it.  Split from names.py (the forms of a name and
the rules that look for them) by concept: how text is read, not what is looked for.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from . import lookalikes

# Default-ignorable characters that are not format characters (Cf): they
# render as nothing, so a name with one inside reads as the name.
_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x3164, 0xFFA0,
              *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *range(0x1BCA0, 0x1BCA4),
              *range(0x1D173, 0x1D17B), *range(0xFFF0, 0xFFF9), *range(0xE0000, 0xE1000)}
# (U+E0000-U+E0FFF is all Default_Ignorable: tags, variation selectors and the unassigned rest, which a
# browser shows as nothing too.)

# Letters that look alike, after case folding, mapped to one of them (the
# Latin one).  Upper-case look-alikes count too: Cyrillic "Н" looks like "H",
# so its lower case "н" folds to "h".
_LOOKALIKE = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h",
    "ү": "y", "ѵ": "v", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "ϲ": "c", "ϳ": "j", "μ": "µ",
    # Latin letters that pass for others
    "ı": "i", "ȷ": "j", "ɑ": "a", "ο": "o", "ʏ": "y", "ꞵ": "b",
}


# the letters of other scripts Unicode lists as confusable with a Latin one (casebook.load.lookalikes), then these
_LOOKALIKE_TABLE = {ord(k): v for k, v in {**lookalikes.table(), **_LOOKALIKE}.items()}
# 3 and 0 beside a Cyrillic letter stand for з and о (3ерно, Зерн0)
_CYRILLIC_DIGIT_RE = re.compile("[03](?:(?<=[\u0430-\u044f][03])|(?=[\u0430-\u044f]))")
_DIGIT_LETTER = {"3": "з", "0": "о"}
_NONWORD_RE = re.compile(r"[\W_]+")
_WORD_RE = re.compile(r"[^\W_]+")
# Astral characters that show as nothing (variation selectors, tags...) or are marks
_ASTRAL_DROPPED = sorted(c for c in _IGNORABLE if c > 0xFFFF) + [*range(0x1D165, 0x1D16A), *range(0x1D16D, 0x1D173)]


@lru_cache(maxsize=1)
def _dropped_re() -> re.Pattern:
    """Characters dropped before words are split: format characters, marks and the default-ignorables.

    Built once from the Unicode database (the Basic Multilingual Plane, plus
    the astral ignorables): a regular expression does the work in C.
    """
    codes = [c for c in range(0x80, 0x10000)
             if c in _IGNORABLE or unicodedata.category(chr(c)) in ("Cf", "Mn", "Me", "Mc")]
    codes += _ASTRAL_DROPPED + [*range(0xE0000, 0xE0080)]
    return re.compile(f"[{char_class(codes)}]+")


def char_class(codes) -> str:
    """The inside of a regular expression's character class holding these code points, as ranges."""
    ranges: list[list[int]] = []
    for c in sorted(set(codes)):
        if ranges and c == ranges[-1][1] + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _astral_dropped_re() -> re.Pattern:
    """The astral format characters and marks (Egyptian hieroglyph controls, Glagolitic combining letters...).

    Apart from _dropped_re: a class of hundreds of astral ranges would be
    tried on every character; this one runs only on a text with an astral character.
    """
    codes = [c for c in range(0x10000, 0x40000) if unicodedata.category(chr(c)) in ("Cf", "Mn", "Me", "Mc")]
    codes += [*range(0xE0000, 0xE1000)]
    return re.compile(f"[{char_class(codes)}]+")


def _drop_astral(text: str) -> str:
    return _astral_dropped_re().sub("", text) if _ASTRAL_RE.search(text) else text


@lru_cache(maxsize=1)
def _latin1_table() -> tuple[bytes, bytes]:
    """fold() for text of the first 256 code points as a byte table: what fold does to each character alone.

    A character whose fold is not one Latin-1 character (``ß`` is ``ss``)
    keeps its first; marks and format characters (the soft hyphen) are
    deleted.
    """
    table, dropped = bytearray(range(256)), bytearray()
    for b in range(256):
        folded = _fold_any(chr(b))
        if _dropped_re().fullmatch(chr(b)):
            dropped.append(b)
        else:
            ch = (folded or " ")[0]
            table[b] = ord(ch) if ord(ch) < 256 else b
    return bytes(table), bytes(dropped)


_BLOCK = 1 << 16
_SPACE_RE = re.compile(r"\s")


def _blocks(text: str):
    """A long text in blocks of about _BLOCK characters that end at white space (where words end anyway)."""
    start, n = 0, len(text)
    while start < n:
        cut = _SPACE_RE.search(text, start + _BLOCK)
        stop = cut.start() if cut else n
        yield text[start:stop]
        start = stop


# Latin-1 characters whose fold is more than one character: replaced before the byte table runs
_LATIN1_WIDE = (("ß", "ss"), ("¼", "1 4"), ("½", "1 2"), ("¾", "3 4"))


_OVERRIDDEN_RE = re.compile("\u202e([^\u202c\n\u2029]*)")


def fold(text: str) -> str:
    """The text's words, normalised (see the module docstring), separated by single spaces.

    Text after a right-to-left override (U+202E) shows reversed; it is
    folded both as stored and as shown (``\u202eтахраБ`` reads «Бархат»).
    Every step runs in C (normalisation, case folding, two regular
    expressions and a translation table): megabytes of a PDF's raw text fold
    in a fraction of a second.
    """
    if "\u202e" in text:
        text += "\n" + _OVERRIDDEN_RE.sub(lambda m: m.group(1)[::-1], text)
    if text.isascii():
        return _NONWORD_RE.sub(" ", text.casefold()).strip()
    if len(text) > 2 * _BLOCK:  # a PDF's text, then its raw bytes: each block takes the quickest way
        return " ".join(f for f in map(_fold_block, _blocks(text)) if f)
    return _fold_block(text)


def _fold_block(text: str) -> str:
    """fold() without the split into blocks: Latin-1 text by a byte table, any other character by character."""
    if text.isascii():
        return _NONWORD_RE.sub(" ", text.casefold()).strip()
    words = _latin1_words(text)
    return " ".join(words) if words is not None else _fold_any(text)


def _latin1_words(text: str) -> list[str] | None:
    """fold()'s words of Latin-1 text, by the byte table (None: the text is not all Latin-1)."""
    for wide, folded in _LATIN1_WIDE:
        if wide in text:
            text = text.replace(wide, folded)
    try:
        raw = text.encode("latin-1")  # a PDF's raw bytes, Western text: one byte a character
    except UnicodeEncodeError:
        return None
    table, dropped = _latin1_table()
    return raw.translate(table, dropped).decode("latin-1").split()


@lru_cache(maxsize=1)
def _gap_res() -> tuple[re.Pattern, re.Pattern]:
    """(any unassigned or private-use character, or an astral one; a run of them between two letters).

    The Basic Multilingual Plane's are listed (a bitmap in C); an astral
    character is tested in Python, and only where one stands between letters.
    """
    codes = [c for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) in ("Cn", "Co")]
    parts = char_class(codes) + "\U00010000-\U0010ffff"
    return re.compile(f"[{parts}]"), re.compile(f"(?<=[^\\W\\d_])[{parts}]+(?=[^\\W\\d_])")


def _unseen(m: re.Match) -> str:
    run = m.group(0)
    return "" if all(unicodedata.category(c) in ("Cn", "Co") for c in run) else run


def drop_gaps(text: str) -> str:
    """The text without unassigned or private-use characters between two letters (``Sp\U000f0000oon``).

    A font shows such a character as nothing or as a blank, so the word
    reads whole; elsewhere it stays (a word break, as any non-letter).
    """
    anywhere, between = _gap_res()
    return between.sub(_unseen, text) if anywhere.search(text) else text


def _fold_any(text: str) -> str:
    """fold() for any text, character by character in C but without the one-byte shortcut."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = drop_gaps(_drop_astral(_dropped_re().sub("", text)))
    if "3" in text or "0" in text:
        text = _CYRILLIC_DIGIT_RE.sub(lambda m: _DIGIT_LETTER[m.group(0)], text)
    text = text.translate(_LOOKALIKE_TABLE)
    return _NONWORD_RE.sub(" ", text).strip()


_VOCABULARY_CACHE: dict[str, tuple[str, ...]] = {}
_VOCABULARY_CACHE_MAX = 200_000
_WIDE_RE = re.compile("[^\x00-\xff]")
MIXED_FROM = 4096  # characters: a longer text that is not all Latin-1 is read line by line (see by_width)


# No letter or digit, but letters or digits in compatibility form (№ ™ ⓩ ㎏ 🄰): Unicode 14 (Python
# 3.11); tests/load/test_names.py recomputes them from the running Python's database.
COMPAT_WORD_RANGES = (
    (0x20A8, 0x20A8), (0x2100, 0x2101), (0x2103, 0x2103), (0x2105, 0x2106), (0x2109, 0x2109), (0x2116, 0x2116),
    (0x2120, 0x2122), (0x213B, 0x213B), (0x249C, 0x24E9), (0x2E9F, 0x2E9F), (0x2EF3, 0x2EF3), (0x2F00, 0x2FD5),
    (0x3196, 0x319F), (0x3200, 0x321E), (0x322A, 0x3247), (0x3250, 0x3250), (0x3260, 0x327E), (0x328A, 0x32B0),
    (0x32C0, 0x33FF), (0xFDFC, 0xFDFC), (0x1F110, 0x1F12E), (0x1F130, 0x1F14F), (0x1F16A, 0x1F16C),
    (0x1F190, 0x1F190), (0x1F200, 0x1F202), (0x1F210, 0x1F23B), (0x1F240, 0x1F248), (0x1F250, 0x1F251),
)


@lru_cache(maxsize=1)
def _compat_word_re() -> re.Pattern:
    """One of COMPAT_WORD_RANGES: a word-by-word fold would lose its words (``Салон №1`` is ``caлoh no1``)."""
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in COMPAT_WORD_RANGES) + "]")


def by_width(text: str) -> tuple[str, str]:
    """The text's lines of the first 256 code points, and its other lines, each joined by line breaks.

    No word runs over a line break and every step of :func:`fold` ends at one:
    the words are those of the two halves.  A PDF stream's megabytes of bytes
    then fold by the byte table, and only its few strings character by character.
    The wide characters are found by one search each; the lines between them
    are taken whole, not one by one.
    """
    narrow: list[str] = []
    wide: list[str] = []
    search = _WIDE_RE.search
    n = len(text)
    pos = 0  # where the lines not yet sorted start
    m = search(text)
    while m is not None:
        start = text.rfind("\n", 0, m.start()) + 1  # the wide line's first character
        end = text.find("\n", m.end())
        end = n if end < 0 else end
        if start > pos:
            narrow.append(text[pos:start - 1])
        wide.append(text[start:end])
        pos = end + 1
        m = search(text, pos) if pos <= n else None
    if pos <= n:
        narrow.append(text[pos:])
    return "\n".join(narrow), "\n".join(wide)


def vocabulary(text: str) -> set[str]:
    """The words of fold(text), as a set, without folding the whole text character by character.

    The text is case folded, its invisible characters dropped and split at
    non-word characters (in C); then each distinct word is folded on its own,
    from a cache shared by every file: the audit's pre-filter.  Latin-1 text
    and the Latin-1 lines of a long text (:func:`by_width`) fold by the byte table.
    """
    if "\u202e" in text:
        return set(fold(text).split())
    if text.isascii():
        return set(_WORD_RE.findall(text.casefold()))
    words = _latin1_words(text)
    # Latin-1 text by the byte table, without a whole case fold first: unless ß is its only letter beyond
    # ASCII (the one whose fold is ASCII), which the ASCII branch below takes, as it always has.
    if words is not None and ("ß" not in text or not text.replace("ß", "").isascii()):
        return set(words)
    low = text.casefold()
    if low.isascii():
        return set(_WORD_RE.findall(low))
    if len(text) > MIXED_FROM:
        narrow, wide = by_width(text)
        if narrow:
            return vocabulary(narrow) | _word_by_word(wide, wide.casefold())
    return _word_by_word(text, low)


def _word_by_word(text: str, low: str) -> set[str]:
    """vocabulary() of a text beyond Latin-1 (``low``: its case fold): each distinct word folded once."""
    if _compat_word_re().search(low):  # № is "No", ™ "TM", ⓩ "z": words only a whole fold shows
        return set(fold(text).split())
    dropped = _dropped_re()
    if dropped.search(low):
        low = dropped.sub("", low)
    low = drop_gaps(_drop_astral(low))
    words = set(_WORD_RE.findall(low))
    out: set[str] = set()
    cache = _VOCABULARY_CACHE
    for word in words:
        if word.isascii():
            out.add(word)
            continue
        folded = cache.get(word)
        if folded is None:
            if len(cache) >= _VOCABULARY_CACHE_MAX:
                cache.clear()
            folded = cache[word] = tuple(fold(word).split())
        out.update(folded)
    return out


# A Latin-1 character that is a letter or a digit (what [^\W_] matches) stays, any other is a space.
_PLAIN_TABLE = bytes(b if re.fullmatch(r"[^\W_]", chr(b)) else 0x20 for b in range(256))
# The same for a character's case fold, where the fold is one Latin-1 character (ß and µ are mended after).
_FOLDED_PLAIN_TABLE = bytes(
    (ord(chr(b).casefold()) if len(chr(b).casefold()) == 1 and ord(chr(b).casefold()) < 256 else b)
    if re.fullmatch(r"[^\W_]", chr(b)) else 0x20 for b in range(256))


def plain_words(text: str) -> set[str]:
    """The letter-and-digit runs of the case-folded text (a slug's words), by a byte table where Latin-1."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return _plain_words(text.casefold())
    # Latin-1 text (a PDF's bytes) folds by one table; casefold() leaves two of its letters outside it:
    # ß is "ss" and µ the Greek μ (where a whole-text casefold would send the text down the slow path).
    raw = raw.translate(_FOLDED_PLAIN_TABLE)
    if b"\xdf" in raw:
        raw = raw.replace(b"\xdf", b"ss")
    words = raw.decode("latin-1")
    if "\xb5" in words:
        words = words.replace("\xb5", "\u03bc")
    return set(words.split())


def _plain_words(low: str) -> set[str]:
    try:
        raw = low.encode("latin-1")
    except UnicodeEncodeError:
        if len(low) > MIXED_FROM:
            narrow, wide = by_width(low)
            if narrow:
                return _plain_words(narrow) | set(_WORD_RE.findall(wide))
        return set(_WORD_RE.findall(low))
    return set(raw.translate(_PLAIN_TABLE).decode("latin-1").split())


def padded(text: str) -> str:
    """fold(text) with a space at each end: a form occurs in it as ``f" {form} " in padded``."""
    return f" {fold(text)} "


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BREAK_TAG_RE = re.compile(
    r"</?(?:br|p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|h[1-6]|hr|blockquote|pre|section|article|"
    r"header|footer|nav|aside|main|figure|figcaption|title|option|img)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")


_BREAK_RE = re.compile(r"<w?br\b[^>]*>", re.IGNORECASE)


def shown(markup: str, breaks: bool = True) -> str:
    """Markup as a reader sees it: comments and inline tags gone, breaking tags a space, entities decoded.

    ``breaks=False`` drops the breaking tags too: ``Урал<br>Строй`` is one
    word broken over two lines.
    """
    if "<" in markup:
        markup = _COMMENT_RE.sub("", markup)
        markup = _TAG_RE.sub("", _BREAK_TAG_RE.sub(" ", markup) if breaks else markup)
    return html.unescape(markup) if "&" in markup else markup


def _between_letters(markup: str, m: re.Match) -> bool:
    before, after = markup[m.start() - 1: m.start()], markup[m.end(): m.end() + 1]
    return before.isalpha() and after.isalpha()


def shown_forms(markup: str) -> list[str]:
    """Markup as shown (see shown), and with line breaks dropped where one falls inside a word."""
    forms = [shown(markup)]
    if "<" in markup and any(_between_letters(markup, m) for m in _BREAK_RE.finditer(markup)):
        forms.append(shown(markup, breaks=False))
    return forms


# A web address's words as it encodes them: %-escapes (vk.com/%D0%97%D0%B5... is vk.com/Зе..., zer%6Eo is zerno)
# and IDNA labels (xn--e1adtei.xn--p1ai is зерно.рф); a browser, a PDF viewer and a copied link show them decoded.
# (two patterns, each starting with a literal: the regular expression engine then skips to it, which one
# with an alternative or ignoring case cannot; a PDF's texts all hold "%", and the audit reads megabytes)
_ESCAPES_RE = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
_IDNA_RE = re.compile(r"xn--", re.IGNORECASE)
# the characters of an address around them (printable ASCII but white space, quotes, brackets): a PDF's binary
# streams, where "%" and two hex digits turn up by chance, end such a run at once
_ADDRESS_RE = re.compile(r"[!#-&*-;=?-Z^-z~]{0,2048}")
_IDNA_LABEL_RE = re.compile(r"xn--[a-z0-9-]+", re.IGNORECASE)
# a hashtag or handle with its words marked by capitals: #ЗерноКазань, @GoldenSpoonATX
# (a lower-case letter then a capital, in Latin or Cyrillic letters: the markets' scripts)
_TAGGED = r"(?:[^\W_]|_)*?[a-zà-ÿа-яё][A-ZÀ-ÞА-ЯЁ](?:[^\W_]|_)*"
_TAGGED_RES = (re.compile("#" + _TAGGED), re.compile("@" + _TAGGED))  # each from a literal (see _ESCAPES_RE)


def decoded_addresses(text: str) -> str:
    """Each word of ``text`` that holds a %-escape or an IDNA label (``xn--``), decoded as a browser shows
    it, one a line ("" when there is none): what the names are looked for in besides the text itself."""
    idna = "xn--" in text or "XN--" in text or "xN--" in text or "Xn--" in text
    if "%" not in text and not idna:
        return ""
    found = list(_ESCAPES_RE.finditer(text)) if "%" in text else []
    if idna:
        found = sorted(found + list(_IDNA_RE.finditer(text)), key=lambda m: m.start())
    out, end = [], 0
    for m in found:
        if m.start() < end:
            continue
        if m.group(0)[0] == "%" and not any(c.isalpha() for c in _unquoted(m.group(0))):
            continue  # no letter in it: %20, %2F, or bytes of a binary stream
        head = _ADDRESS_RE.match(text[max(0, m.start() - 2048):m.start()][::-1])
        end = _ADDRESS_RE.match(text, m.end()).end()
        out.append(_decoded(text[m.start() - head.end():end]))
    return "\n".join(out)


def _unquoted(escapes: str) -> str:
    from urllib.parse import unquote  # deferred: only a text with an encoded address needs it

    return unquote(escapes, errors="replace")


def _decoded(word: str) -> str:
    word = _unquoted(word)
    return _IDNA_LABEL_RE.sub(_idna, word) if "xn--" in word.lower() else word


def _idna(m: re.Match) -> str:
    try:
        return m.group(0)[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return m.group(0)


def split_tags(text: str) -> str:
    """The hashtags and handles of ``text`` whose words are marked by capitals, their words apart, one a
    line ("" when there is none): ``#ЗерноКазань`` is ``Зерно Казань``, so a short name in it is a word."""
    if "#" not in text and "@" not in text:
        return ""
    return "\n".join("".join(f" {b}" if a.islower() and b.isupper() else b for a, b in zip(" " + word, word))
                     for rx in _TAGGED_RES for word in (m.group(0)[1:] for m in rx.finditer(text)))


def written_forms(text: str) -> list[str]:
    """What a text also says to a reader besides its characters: its encoded addresses decoded and its
    hashtags and handles apart (:func:`decoded_addresses`, :func:`split_tags`), those there are."""
    return [t for t in (decoded_addresses(text), split_tags(text)) if t]


__all__ = ["COMPAT_WORD_RANGES", "MIXED_FROM", "by_width", "decoded_addresses", "fold", "padded", "plain_words",
           "shown", "shown_forms", "split_tags", "vocabulary", "written_forms"]
