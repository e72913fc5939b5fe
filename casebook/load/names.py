"""Client names as people write them: the one normalisation the loader, ``casebook check`` and the leak audit share.

A name and any text it might hide in go through the same :func:`fold`:

- compatibility forms folded (NFKD: full-width letters, ligatures, a no-break
  space), case folded, accents and every combining mark dropped (``ё`` is
  ``е``, ``Zérno`` is ``Zerno``; a combining grapheme joiner or a variation
  selector vanishes with them);
- invisible characters dropped: format characters (soft hyphen, zero-width
  space and joiners, bidirectional overrides and isolates, the byte order
  mark, tag characters, the whole Default_Ignorable range U+E0000-U+E0FFF,
  astral format characters and marks) and the Hangul fillers, which render as
  nothing, and unassigned or private-use characters between two letters;
  text a right-to-left override reverses is also read reversed, as shown;
- Latin, Cyrillic and Greek letters that look alike folded to one letter
  (Cyrillic ``е`` and Latin ``e``, ``В`` and ``B``, ``Н`` and ``H``...), so
  ``Зeрно`` with a Latin ``e`` reads as ``Зерно``; so are the letters of
  other scripts Unicode's confusables list as a Latin letter
  (casebook.load.lookalikes: Cherokee ``Ꮐ``, Armenian ``օ``, small capital
  ``ᴏ``...), and ``3`` and ``0`` beside a Cyrillic letter read as ``з``, ``о``;
- anything that is not a letter or a digit (quotes, punctuation, dashes,
  underscores, line breaks) becomes one space.

The result is the text's words separated by single spaces, and a name occurs
in a text when its folded form occurs there between two spaces: a whole-word
match that needs no regular expression, so the audit stays linear in the
size of the output.  Markup is read as a reader sees it first
(:func:`shown`): entities decoded, comments and inline tags dropped
(``<b>Zer</b>no`` is ``Zerno``), line-breaking tags (``<br>``, ``<p>``) read as a
space.

**Which forms of a name are forbidden** (:func:`name_forms`):

1. the whole name without its legal form (ООО, ИП, АО, LLC, Inc., Ltd,
   GmbH...) and without quotes: ``ООО «УралСтройДевелопмент»`` is
   ``уралстройдевелопмент``;
2. each part in quotes on its own, the way Russian names a business
   (``Салон «Бархат»``: «Бархат»; ``Студия «Лак»``: «Лак»), when it has at
   least three letters;
3. the name without its generic words (салон, студия, кофейня, shop, studio,
   cafe, coffee, school, client... see ``GENERIC``) and single letters, when
   something of at least four letters remains: ``Coffee House Zerno`` is
   also ``Zerno``;
4. a coined word written in CamelCase (``УралСтройДевелопмент Групп``:
   ``УралСтройДевелопмент``), at least six letters, and its parts apart
   when each has three letters (``Урал Строй Девелопмент``, ``Урал-Строй-...``),
   or some of them joined (``Уралстрой Девелопмент``; a name of three or four
   words too: ``goldenspoon catering``);
5. every form of several words also written as one (a hashtag, a handle, a
   domain): ``Golden Spoon`` is ``goldenspoon``.  Such a joined form (and a
   CamelCase word) of at least eight letters (MIN_INSIDE) is matched inside
   longer words too (``#GoldenSpoonWeek``, ``instagram.com/goldenspoonatx``):
   it is marked with INSIDE in the forms, and :class:`Candidates` finds the
   words that may hold one without a substring test per word;
6. with its connector written each way (``&``, ``+``, ``and``, ``и``,
   ``'n'``, ``n``: ``Thread & Tide`` is also ``Thread and Tide``) and its
   numbers apart or together (``№1``: ``no1``, ``no 1``, ``n1``, ``n 1``,
   so ``№ 1``, ``No. 1`` and ``N1`` name it; ``studio54``, ``studio 54``);
7. for a Cyrillic name, each of these forms of its Latin spellings
   (casebook.load.translit: the passport's, BGN/PCGN's, GOST 7.79 B's and
   their mixtures, at most 12) of at least four letters: «Зерно» is also
   ``zerno``, so a slug ``zerno-coffee-vk`` or a link ``vk.com/zerno_kazan``
   names it (three Latin letters turn up by chance in a PDF's streams).

Texts are read besides as a reader also reads them (casebook.load.textfold.written_forms):
web addresses with their %-escapes and ``xn--`` labels decoded, and hashtags and handles
whose words start with capitals split into their words (``#ЗерноКазань``).

A hidden name that is part of a name a public case discloses («Зерно» of
«Зерно Маркет») is looked for everywhere but inside that name (casebook.load.hidden:
the disclosed name is masked before the hidden one is looked for); the very
name a public case discloses is not looked for in the forms it shares with it.

A single ordinary word of a longer name (``Thread`` of ``Thread & Tide``) is
not forbidden on its own: such words occur in any text, and forbidding them
would fail builds for nothing.  Inflected forms (``в Бархате``) are not
matched either; those of a one-word Cyrillic name (:func:`inflected_forms`)
are a warning of ``casebook check`` in the name's own case.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from . import lookalikes, masking, textfold, translit
from .masking import INSIDE, MASK, NOT_CUT, masked  # noqa: F401 - API
from .translit import latin_spellings
from .textfold import (COMPAT_WORD_RANGES, MIXED_FROM, by_width, decoded_addresses, fold, padded,  # noqa: F401 - API
                       plain_words, shown, shown_forms, split_tags, vocabulary, written_forms)

# Legal forms: left out of a name wherever they stand in it (folded like any text).
LEGAL_FORMS = """ооо оао зао пао ао нао ип чп тоо нко ано пбоюл гк ltd llc inc corp co gmbh plc llp lp pte pty
    bv srl sarl sas oü ug corporation incorporated limited
    ip oao zao pao nao chp nko ano""".split()  # the Russian ones in Latin letters too (casebook.load.translit)

# Words that say what kind of business a client is, not which one (and small
# words): a name's distinctive part is what is left without them.
GENERIC = """
    салон салона студия студии студию кофейня кофейни кафе ресторан ресторана бар магазин магазина
    школа школы центр центра агентство агентства компания компании группа группы клиника клиники
    сеть сети клуб клуба бутик ателье пекарня пекарни пиццерия шоурум маникюра красоты барбершоп отель
    гостиница мастерская фабрика завод торговый дом отчет отчёт smm фитнес лаборатория девелопмент
    и в на с из для по у о к от до за под
    the and of for a an shop store studio cafe coffee bakery restaurant bar salon school academy agency
    company group clinic center centre club boutique hotel house home lab labs media digital marketing
    report official brand beauty fitness travel motors wear homes kitchen market
    client clients customer service services solutions consulting partners team global international
    city new best first pro plus online store project projects studios group inc
    клиент клиенты проект сервис услуги партнеры команда город новый лучший онлайн
    ni ng sa ang at mga tindahan panaderya kapihan karinderya
""".split()


@lru_cache(maxsize=1)
def _word_sets() -> tuple[frozenset[str], frozenset[str]]:
    generic = " ".join(GENERIC + [spelling for word in GENERIC for spelling in latin_spellings(word)])
    return frozenset(fold(" ".join(LEGAL_FORMS)).split()), frozenset(fold(generic).split())  # krasoty too


_QUOTED_RE = re.compile(r"«([^«»]+)»|“([^“”]+)”|„([^„“”]+)[“”]|\"([^\"]+)\"|‹([^‹›]+)›")
_WORDS_RE = re.compile(r"[^\W_]+")


def _camel(word: str) -> bool:
    """Whether a word has an upper-case letter right after a lower-case one (УралСтрой, SpeakUp)."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))
MIN_PART = 3  # letters a quoted part of a name needs to be forbidden on its own
MIN_REST = 4  # letters the rest of a name without its generic words needs
MIN_LATIN = 4  # letters a form of a Cyrillic name's Latin spelling needs


def _letters(form: str) -> int:
    return sum(c.isalpha() for c in form)


@lru_cache(maxsize=4096)
def name_forms(name: str) -> tuple[str, ...]:
    """The folded forms of a client name that must not be published (see the module docstring), whole name first.

    A Cyrillic name's forms are followed by those of its Latin spellings
    (casebook.load.translit): «Зерно» is also ``zerno``.
    """
    forms = [f for variant in _connected(name) for f in _forms_as_written(variant)]
    for spelling in latin_spellings(name):
        # three Latin letters ("lak" for «Лак») turn up by chance in a PDF's compressed streams
        forms += [f for f in _forms_as_written(spelling) if _letters(f) >= MIN_LATIN]
    return tuple(dict.fromkeys(v for f in forms for v in _numbered(f)))


@lru_cache(maxsize=4096)
def latin_forms(name: str) -> frozenset[str]:
    """The forms name_forms adds for a Cyrillic name's Latin spellings alone (``zerno`` for «Зерно»; none for a
    Latin name): the audit does not look for them in scripts and stylesheets, whose minified words include
    ``start``, ``more`` or ``delta`` («Старт», «Море», «Дельта»)."""
    own = {v for variant in _connected(name) for f in _forms_as_written(variant) for v in _numbered(f)}
    return frozenset(f for f in name_forms(name) if f not in own)


# "&", "+", "and", "и", "'n'" and "n" between two words of a name: one connector, written any of these ways
_CONNECTOR_RE = re.compile(r"(?<=\w)(?:\s*(?:&|\+|['’]n['’])\s*|\s+(?:and|и|n)\s+)(?=\w)", re.IGNORECASE)
CONNECTORS = (" and ", " ", " n ", " и ")  # "&" and "+" fold to nothing, "'n'" to n
_NUMBERED_RE = re.compile(r"^(no|[^\W\d_]*?)(\d+)$|^(\d+)([^\W\d_]+)$")
MAX_NUMBERED = 8  # spellings of a form's numbers at most


def _connected(name: str) -> list[str]:
    """The name with its connectors written each way: Thread & Tide, Thread and Tide, Thread 'n' Tide..."""
    if not _CONNECTOR_RE.search(name):
        return [name]
    return [name] + [_CONNECTOR_RE.sub(c, name) for c in CONNECTORS]


_APART_RE = re.compile(r"(?<=[^\W\d_]) (?=\d)")  # a word, then a number: «№ 1», "Studio 54"


def _numbered(form: str) -> list[str]:
    """A form with its numbers written apart and together: «№1» is no1, no 1 (№ 1, No. 1), n1 and n 1 (N1),
    and so is «№ 1» (a name written with the space as the text without it)."""
    if not any(c.isdigit() for c in form) or form.startswith(INSIDE):
        return [form]
    joined = _APART_RE.sub("", form)
    if joined != form:
        return list(dict.fromkeys([form, *_numbered(joined)]))[:MAX_NUMBERED + 1]
    options = []
    for word in form.split():
        m = _NUMBERED_RE.match(word)
        if not m or not (m.group(1) or m.group(4)):
            options.append((word,))
        elif m.group(4):  # 54studio
            options.append((word, f"{m.group(3)} {m.group(4)}"))
        elif m.group(1) == "no":
            options.append((word, f"no {m.group(2)}", f"n{m.group(2)}", f"n {m.group(2)}"))
        else:  # studio54
            options.append((word, f"{m.group(1)} {m.group(2)}"))
    return [" ".join(p) for p in itertools.islice(itertools.product(*options), MAX_NUMBERED)]


def _forms_as_written(name: str) -> tuple[str, ...]:
    """name_forms of the name in the letters it is written in."""
    legal, generic = _word_sets()
    words = [w for w in fold(name).split() if w not in legal]
    if not words:
        words = fold(name).split()  # a name that is only a legal form: still that
    forms = [" ".join(words)] if words else []
    # as written too, legal form and all (one in the middle breaks the words' run), and as markup shows it
    forms += [fold(name), fold(shown(name))]
    for groups in _QUOTED_RE.findall(name):
        if any(c in "".join(groups) for c in "<>="):  # markup between two quotes ("><img src=x ...="): no name
            continue
        part = [w for w in fold("".join(groups)).split() if w not in legal]
        if _letters("".join(part)) >= MIN_PART:
            forms.append(" ".join(part))
    rest = [w for w in words if w not in generic and len(w) > 1]
    if rest != words and _letters("".join(rest)) >= MIN_REST:
        forms.append(" ".join(rest))
    for coined in (w for w in _WORDS_RE.findall(name) if _camel(w)):
        form = fold(coined)
        if form and form not in generic and " " not in form and _letters(form) >= 6:
            forms.append(form)
            parts = fold(_camel_split(coined)).split()
            if len(parts) > 1 and min(map(_letters, parts)) >= MIN_PART:
                forms.append(" ".join(parts))  # Урал Строй Девелопмент, Урал-Строй-Девелопмент
                forms += _partly_joined(parts)  # Уралстрой Девелопмент, Урал Стройдевелопмент
    if 2 < len(words) <= MAX_GROUPED:
        forms += _partly_joined(words)  # goldenspoon catering
    forms += [_joined(f) for f in forms if " " in f]
    for coined in (w for w in _WORDS_RE.findall(name) if _camel(w)):
        if _letters(fold(coined)) >= MIN_INSIDE:
            forms.append(INSIDE + fold(coined))
    inside = {f for f in forms if f.startswith(INSIDE)}  # one inside another is found with it: left out
    redundant = {f for f in inside if any(o != f and o[1:] in f for o in inside)}
    return tuple(dict.fromkeys(f for f in forms if f and f not in redundant))


MAX_GROUPED = 4  # words a name may have to be looked for with some of them joined, not all (2**3 - 2 ways)


def _partly_joined(parts: list[str]) -> list[str]:
    """The parts with some neighbours written as one word, not all and not none (урал стройдевелопмент...)."""
    if len(parts) > MAX_GROUPED:
        return []
    out = []
    for cuts in itertools.product((" ", ""), repeat=len(parts) - 1):
        if " " in cuts and "" in cuts:
            out.append(parts[0] + "".join(c + p for c, p in zip(cuts, parts[1:])))
    return out


MIN_INSIDE = 8  # letters a joined form needs to be matched inside longer words


def _joined(form: str) -> str:
    """A form of several words written as one (a hashtag, a handle, a domain): inside words once long enough."""
    joined = form.replace(" ", "")
    return INSIDE + joined if _letters(joined) >= MIN_INSIDE else joined


def _camel_split(word: str) -> str:
    """A CamelCase word with a space before each upper-case letter that follows a lower-case one."""
    return "".join(f" {b}" if a.islower() and b.isupper() else b for a, b in zip(" " + word, word))


@dataclass(frozen=True)
class Rule:
    """One name to look for: what to report, its forms, and the words each whole-word form needs.

    ``whole``: the forms matched as whole words, ``needs`` their words;
    ``inside``: the forms (joined words, INSIDE-marked in ``forms``) matched inside longer words too.
    """

    label: str
    forms: tuple[str, ...]
    allowed: tuple[str, ...] = ()  # disclosed names that hold a form: where they stand, it is theirs (hidden.allowed_in)
    needs: tuple[frozenset[str], ...] = ()
    whole: tuple[str, ...] = ()
    inside: tuple[str, ...] = ()

    def __post_init__(self):
        whole = tuple(f for f in self.forms if not f.startswith(INSIDE))
        object.__setattr__(self, "whole", whole)
        object.__setattr__(self, "inside", tuple(f[len(INSIDE):] for f in self.forms if f.startswith(INSIDE)))
        object.__setattr__(self, "needs", tuple(frozenset(f.split()) for f in whole))
        # masked longest first (masking.masked): a disclosed name inside a longer one is masked with it
        object.__setattr__(self, "allowed", tuple(sorted(set(self.allowed), key=lambda f: (-len(f.lstrip(INSIDE)), f))))

    def found_in(self, padded_text: str, words: set[str] | None = None, cut: tuple[bool, bool] = NOT_CUT) -> bool:
        """Whether a form occurs in a padded folded text (``words``: the text's word set, a quick pre-filter),
        not counting where it is part of a disclosed name that holds it (``allowed``; ``cut``: which edges
        of the text were cut from a longer one, casebook.load.masking)."""
        if self.allowed:
            padded_text = masked(padded_text, self.allowed, cut)
        for form, needs in zip(self.whole, self.needs):
            if words is not None and not needs <= words:
                continue
            if f" {form} " in padded_text:
                return True
        return any(form in padded_text for form in self.inside)


class Candidates:
    """Which rules a text might match, from its words: the pre-filter of the audit and of the check across cases.

    A whole-word form needs its words among the text's (looked up by its
    longest word: by_longest_word).  A form matched inside words needs a
    word that contains it: each word of at least MIN_INSIDE characters is
    looked up once, by its MIN_INSIDE-character slices, and the answer kept,
    so a text costs a few dictionary lookups a long word, not one substring
    test per word and form.
    """

    def __init__(self, rules: Iterable[tuple[Any, Rule]]):
        rules = list(rules)
        self.rules = dict(rules)
        self.by_word, self.always = by_longest_word(rules)
        self.inside: dict[str, dict[str, set]] = {}  # a form's first MIN_INSIDE characters -> form -> keys
        for key, rule in rules:
            for form in rule.inside:
                self.inside.setdefault(form[:MIN_INSIDE], {}).setdefault(form, set()).add(key)
        self._seen: set[str] = set()  # words looked up
        self._hits: dict[str, set] = {}  # those that hold a form: the keys of its rules

    def _look_up(self, word: str) -> None:
        keys: set = set()
        for at in range(len(word) - MIN_INSIDE + 1):
            for form, of in self.inside.get(word[at:at + MIN_INSIDE], {}).items():
                if word.startswith(form, at):
                    keys |= of
        if keys:
            self._hits[word] = keys

    def __call__(self, words: set[str]) -> list:
        """The keys of the rules worth trying on a text with these words (folded), sorted."""
        inside: set = set()
        if self.inside:
            if len(self._seen) > 500_000:  # a PDF's streams: many one-off words
                self._seen.clear()
                self._hits.clear()
            new = words - self._seen  # set operations in C: most words were seen, and few hold a form
            for word in new:
                if len(word) >= MIN_INSIDE:
                    self._look_up(word)
            self._seen |= new
            inside = inside.union(*(self._hits[w] for w in words & self._hits.keys()))
        keys = inside.union(self.always, *(self.by_word[w] for w in self.by_word.keys() & words))
        return sorted(k for k in keys if k in inside or any(needs <= words for needs in self.rules[k].needs))


def by_longest_word(rules: Iterable[tuple[Any, Rule]]) -> tuple[dict[str, set], frozenset]:
    """The rules' keys by one word each of their forms needs (its longest), and the keys of those with
    a form that needs none.  A text can hold a form only if it holds that word: a text's words look up
    the few rules worth trying instead of trying them all (hundreds of client names)."""
    index: dict[str, set] = {}
    always = set()
    for key, rule in rules:
        for needs in rule.needs:
            if needs:
                index.setdefault(max(needs, key=lambda w: (len(w), w)), set()).add(key)
            else:
                always.add(key)
    return index, frozenset(always)


# Russian case endings a one-word name takes in a sentence («для Зерна», «с Зерном»), after its last vowel,
# й or ь is dropped: a closed list, matched as whole words, never inside longer ones (зерновой is not Зерно)
ENDINGS = "а я у ю ом ем ём ой ей е и ы ам ям ами ями ах ях ов ев".split()
MIN_STEM = 3  # letters a stem needs («Лак» is too short: лака, лаку would be any word)
_STEM_CUT = "аяоеёыиуюйь"


def inflected_forms(name: str) -> tuple[str, ...]:
    """The folded forms of a one-word Cyrillic name in Russian's other cases, not the name's own forms.

    Only warned about (casebook.load.checks): an inflected name can be an
    ordinary word («Зерна», coffee beans), which an error would forbid.
    """
    legal, generic = _word_sets()
    words = [w for w in _WORDS_RE.findall(name.lower()) if fold(w) not in legal and fold(w) not in generic]
    if len(words) != 1 or not re.fullmatch(r"[а-яё]+", words[0]):
        return ()
    word = words[0]
    stem = word[:-1] if word[-1] in _STEM_CUT else word
    if len(stem) < MIN_STEM:
        return ()
    own = set(name_forms(name))
    return tuple(dict.fromkeys(f for f in (fold(stem + e) for e in ENDINGS) if f not in own))


# The modules whose code decides what matches: the audit's cached verdicts depend on all of them.
MODULES = (sys.modules[__name__], textfold, translit, lookalikes, masking)

__all__ = ["GENERIC", "INSIDE", "LEGAL_FORMS", "Candidates", "Rule", "by_longest_word", "fold",
           "inflected_forms", "latin_forms", "name_forms", "padded", "shown", "shown_forms", "vocabulary",
           "decoded_addresses", "split_tags", "written_forms"]
