"""Which parts of a hidden name are allowed inside a disclosed one (casebook.load.hidden.allowed_in),
checked against its definition written out plainly."""

from __future__ import annotations

from casebook.load.hidden import DisclosedForms, allowed_in, word_runs
from casebook.load.names import INSIDE, MIN_PART, fold, name_forms


def _by_definition(forms: tuple[str, ...], disclosed: list[str]) -> tuple[str, ...]:
    """allowed_in as its docstring says it: each disclosed form, longer than the hidden form, that holds
    one of them as a run of its words (or joined), or, written as one word, inside it."""
    own = {f.lstrip(INSIDE) for f in forms}
    out = set()
    for form in disclosed:
        bare = form.lstrip(INSIDE)
        if bare in own:
            continue
        if " " in bare:
            runs = {r.lstrip(INSIDE) for r in word_runs([bare])}
            holds = any(f in runs for f in own)
        else:
            holds = any(f.replace(" ", "") in bare and sum(c.isalpha() for c in f) >= MIN_PART for f in own)
        if holds:
            out.add(form)
    return tuple(sorted(out))


DISCLOSED = ["Зерно Маркет", "Кофейня «Лунмирзор»", "GoldenSpoon Catering", "ООО «УралСтройДевелопмент»",
             "Thread & Tide", "Школа «Юлфалвел»", "Барбершоп Zerno", "Golden Spoon Week"]
HIDDEN = ["Зерно", "Фитнес-клуб «Лунмирзор»", "Golden Spoon", "УралСтрой", "Тайд", "Юлфалвел", "Spoon",
          "Лунмирзор Маркет", "Строй Девелопмент", "Catering Zerno"]


def test_allowed_in_with_its_index_is_its_definition():
    """At 1,000 cases allowed_in took 3.1 s a build step, comparing every hidden name with every
    disclosed form; the index (DisclosedForms) built once must allow exactly what the definition does."""
    disclosed = list(dict.fromkeys(f for n in DISCLOSED for f in name_forms(n)))
    index = DisclosedForms(disclosed)
    allowed_somewhere = 0
    for name in HIDDEN + DISCLOSED:
        forms = name_forms(name)
        expected = _by_definition(forms, disclosed)
        assert allowed_in(forms, index) == expected, name
        assert allowed_in(forms, disclosed) == expected, name
        allowed_somewhere += bool(expected)
    assert allowed_somewhere >= 6  # the cases above do exercise both kinds of hold


def test_a_part_of_a_disclosed_name_is_allowed_only_in_the_forms_that_hold_it():
    disclosed = list(name_forms("Зерно Маркет")) + list(name_forms("Кофейня «Лунмирзор»"))
    allowed = allowed_in(name_forms("Зерно"), DisclosedForms(disclosed))
    assert fold("Зерно Маркет") in allowed and fold("Zerno Market") in allowed
    assert not any(fold("Лунмирзор") in form for form in allowed)
    assert allowed_in(name_forms("Зерно Маркет"), DisclosedForms(disclosed)) == ()  # the name itself: not "longer"


def test_the_same_cases_asked_again_get_the_same_answer_and_others_their_own(tmp_path, monkeypatch):
    """A build asks for the hidden names of one project three times (loading, the audit twice): the
    answer is worked out once for those very case objects, and again for any other list."""
    from casebook.load import hidden
    from casebook.load.cases import load_cases

    from sitebuild import copy_demo

    root = copy_demo(tmp_path / "p")
    cases = load_cases([root / "cases"], root).cases
    monkeypatch.setattr(hidden, "_last", None)  # loading asked already (for the check across cases)
    worked = []
    work = hidden._hidden_names
    monkeypatch.setattr(hidden, "_hidden_names", lambda cs: worked.append(len(cs)) or work(cs))
    first = hidden.hidden_names(cases)
    assert {h.name for h in first} >= {"Halo-Halo Haus"} and worked == [len(cases)]
    assert hidden.hidden_names(cases) == first and worked == [len(cases)]
    fewer = [c for c in cases if c.case.client.name != "Halo-Halo Haus"]
    assert "Halo-Halo Haus" not in {h.name for h in hidden.hidden_names(fewer)}
    again = load_cases([root / "cases"], root).cases  # the project loaded again: other objects
    assert [(h.name, h.forms) for h in hidden.hidden_names(again)] == [(h.name, h.forms) for h in first]
    assert worked == [len(cases), len(fewer), len(again)]


def test_the_same_cases_in_the_projects_order_get_the_answer_loading_worked_out(tmp_path, monkeypatch):
    """Loading lists the hidden names for the cases in the order it read them; the project sorts them, and
    the leak audit asks with that list: the same objects, so the same names, in the order a fresh answer
    for the sorted list would have them, with nothing worked out again."""
    from casebook.load import hidden
    from casebook.load.cases import load_cases

    from sitebuild import copy_demo

    root = copy_demo(tmp_path / "p")
    cases = load_cases([root / "cases"], root).cases
    monkeypatch.setattr(hidden, "_last", None)
    first = hidden.hidden_names(cases)
    reordered = sorted(cases, key=lambda c: c.case.slug, reverse=True)
    assert [c.case.slug for c in reordered] != [c.case.slug for c in cases]
    worked = []
    work = hidden._hidden_names
    monkeypatch.setattr(hidden, "_hidden_names", lambda cs: worked.append(len(cs)) or work(cs))
    answer = hidden.hidden_names(reordered)
    assert worked == []
    fresh = work(reordered)
    assert [(h.name, h.forms, h.source, h.why, h.allowed) for h in answer] == \
        [(h.name, h.forms, h.source, h.why, h.allowed) for h in fresh]
    assert sorted(h.name for h in answer) == sorted(h.name for h in first)
    twice = reordered[:1] + reordered[:-1]  # as many cases, one of them twice: not the same cases
    hidden.hidden_names(twice)
    assert worked == [len(twice)]
