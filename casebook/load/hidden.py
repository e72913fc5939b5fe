"""Which client names public output must not contain (:func:`hidden_names`), and where a part of one is
allowed: inside a name a public case discloses (:func:`allowed_in`).

The forms of each name are casebook.load.names'; this module decides whose
names are hidden and, for a hidden name that is part of a disclosed one
(«Зерно» of «Зерно Маркет»), which disclosed forms hold it.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from .names import INSIDE, MIN_PART, _joined, _letters, fold, name_forms


def word_runs(texts: list[str]) -> set[str]:
    """Every run of consecutive words of each text folded: ``form in word_runs(ts)`` is
    ``any(f" {form} " in padded(t) for t in ts)`` for a form (folded, so words and single spaces).

    A folded text is its words with single spaces between them, so a form
    occurs in it exactly when it is one of these runs; a name has a few
    words, so the set is small.
    """
    runs: set[str] = set()
    for text in texts:
        words = fold(text).split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                runs.add(" ".join(words[start:end]))
                if end - start > 1:  # and written as one word (see _joined)
                    runs.add(_joined(" ".join(words[start:end])))
    return runs


class DisclosedForms:
    """The forms of the disclosed names, indexed once for :func:`allowed_in`: each run of a form's words
    (and the run joined) to the forms it is a run of, and the forms written as one word in one text.

    allowed_in compared each hidden name's forms with every disclosed form,
    their runs made again each time: at 1,000 cases (360 hidden names, some
    1,800 disclosed forms) 3.1 s a call, and a build calls it three times.
    """

    def __init__(self, disclosed: list[str]):
        self.by_run: dict[str, set[str]] = {}
        joined = []
        for form in dict.fromkeys(disclosed):
            bare = form.lstrip(INSIDE)
            if " " in bare:  # a run of its words, or of them joined
                for run in word_runs([bare]):
                    self.by_run.setdefault(run.lstrip(INSIDE), set()).add(form)
            else:  # a joined name: what it holds is found inside it
                joined.append(form)
        self.joined = joined
        self.text = "\n".join(form.lstrip(INSIDE) for form in joined)  # no form holds a line break
        self.starts = list(itertools.accumulate((len(form.lstrip(INSIDE)) + 1 for form in joined[:-1]), initial=0))

    def inside(self, part: str) -> set[str]:
        """The joined forms that hold ``part``."""
        found, at = set(), self.text.find(part)
        while at >= 0:
            found.add(self.joined[bisect.bisect_right(self.starts, at) - 1])
            at = self.text.find(part, at + 1)
        return found


def allowed_in(forms: tuple[str, ...], disclosed: list[str] | DisclosedForms) -> tuple[str, ...]:
    """The forms of disclosed names (``disclosed``) that hold one of ``forms`` and are longer: where one
    of them stands, the form is part of a name that is published anyway («Зерно» in «Зерно Маркет»),
    and nowhere else."""
    index = disclosed if isinstance(disclosed, DisclosedForms) else DisclosedForms(disclosed)
    own = {f.lstrip(INSIDE) for f in forms}
    out = set()
    for f in own:
        out.update(index.by_run.get(f, ()))
        if _letters(f) >= MIN_PART:
            out.update(index.inside(f.replace(" ", "")))
    return tuple(sorted(form for form in out if form.lstrip(INSIDE) not in own))


@dataclass(frozen=True)
class Hidden:
    """A client name public output must not contain, and why (``allowed``: disclosed names that hold a
    form of it, where that form is theirs: see allowed_in)."""

    name: str
    forms: tuple[str, ...]
    source: object  # the LoadedCase it comes from
    why: str  # "undisclosed" or "private"
    allowed: tuple[str, ...] = ()


# The last list of cases asked about (the very objects) and its answer: a build asks three times about
# the same project (loading, and the leak audit twice, with the cases sorted), 0.05-0.19 s each at 1,000 cases.
_last: tuple[list, list[Hidden]] | None = None


def hidden_names(cases: list) -> list[Hidden]:
    """Names public output must not contain: of private cases and reports (and their branding), and undisclosed ones.

    A public case's client name with ``disclose_name: true`` is published
    anyway: a hidden name that is that name (a private report of that
    client), or the branding of such a report, is not looked for in the
    forms it shares with it; one that is another client's but a part of it
    («Зерно» of «Зерно Маркет») is looked for everywhere but inside the
    disclosed name.
    """
    if _last is not None and len(_last[0]) == len(cases):
        if all(a is b for a, b in zip(_last[0], cases)):
            return list(_last[1])
        ids = {id(c) for c in cases}
        if len(ids) == len(cases) and ids == {id(c) for c in _last[0]}:
            return _in_order(_last[1], cases)  # the very cases, sorted (the project's order, not loading's)
    out = _hidden_names(cases)
    remember(cases, out)
    return out


def _in_order(hidden: list[Hidden], cases: list) -> list[Hidden]:
    """``hidden``, listed for the same cases in another order, as _hidden_names lists it for ``cases``: case
    by case.  What a case's names are depends on which cases there are, never on their order (``allowed``
    is sorted)."""
    by_case: dict[int, list[Hidden]] = {}
    for h in hidden:
        by_case.setdefault(id(h.source), []).append(h)
    return [h for loaded in cases for h in by_case.get(id(loaded), ())]


def remember(cases: list, hidden: list[Hidden]) -> None:
    """``hidden`` is hidden_names(cases): the next question about these very cases is answered with it."""
    global _last
    _last = (list(cases), list(hidden))


def _hidden_names(cases: list) -> list[Hidden]:
    disclosed_names = [c.case.client.name for c in cases if c.case.is_public and c.case.client.disclose_name]
    disclosed_forms = list(dict.fromkeys(f for n in disclosed_names for f in name_forms(n)))
    same_client = {name_forms(n)[0] for n in disclosed_names if name_forms(n)}
    disclosed = word_runs([f for f in disclosed_forms if not f.startswith(INSIDE)])
    index = DisclosedForms(disclosed_forms)
    out: list[Hidden] = []
    for loaded in cases:
        case = loaded.case
        names = []
        if not case.client.disclose_name:
            names.append((case.client.name, "undisclosed"))
        elif not case.is_public:
            names.append((case.client.name, "private"))
        if not case.is_public and case.report and case.report.branding and case.report.branding.name:
            names.append((case.report.branding.name, "private"))
        client = name_forms(case.client.name)
        published = bool(client) and client[0] in same_client  # this case's client is disclosed by a public case
        for name, why in names:
            if len(name.strip()) < 2:
                continue
            forms = name_forms(name)
            # this very client is published, or this is the branding of its report («Отчёт SMM · Школа
            # «Юлфалвел»»): not what it shares with that («Юлфалвел» is the disclosed client's word)
            if forms and published:
                forms = tuple(f for f in forms if f not in disclosed)  # the runs of the disclosed names
                if forms:
                    out.append(Hidden(name, forms, loaded, why))
            elif forms:
                out.append(Hidden(name, forms, loaded, why, allowed_in(forms, index)))
    return out
