"""Whatever a file holds, loading ends in a case or in located problems.

Never another exception: not for random bytes, not for random YAML, not
for a demo case with keys deleted, renamed or given values of the wrong
type.  A case that loads can also be computed without an exception.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.compute import facts as compute
from casebook.errors import Problem
from casebook.load.cases import LoadedCase, load_case_file
from casebook.load.model import Case

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "cases" / "kazan-coffee-vk.yaml"
REPORT = REPO / "cases" / "lak-studio-report-2025-10.yaml"

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder with the demo media, so valid mutations can load."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "cases" / "media", root / "cases" / "media")
    return root


def _load_bytes(root: Path, raw: bytes):
    path = root / "cases" / "prop.yaml"
    path.write_bytes(raw)
    return load_case_file(path, root)


def _assert_outcome(outcome) -> None:
    loaded, problems, _located = outcome
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem)
        assert isinstance(p.line, int) and p.line >= 0
        assert isinstance(p.column, int) and p.column >= 0
        assert isinstance(p.message, str) and p.message
        assert p.severity in ("error", "warning")
        p.format()
    if loaded is None:
        assert any(p.is_error for p in problems), "a refused file names at least one error"
    else:
        assert isinstance(loaded, LoadedCase) and isinstance(loaded.case, Case)
        assert not any(p.is_error for p in problems)
        compute.facts(loaded.case)  # a valid case can always be computed


# --------------------------------------------------------------------------
# strategies

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=10**15 - 2, max_value=10**400),  # past any real count: must not overflow
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["2025-13", "2025-02", "vk", "telegram", "er", "cpl", "RUB", "media/x.png",
                     "https://example.com", "javascript:alert(1)", "../../etc/passwd.png", "-1", "yes"]),
)
keys = st.one_of(st.text(max_size=12), st.integers(-5, 5), st.sampled_from(
    ["slug", "title", "client", "after", "metrics", "vk", "platforms", "series", "report", "kind", "media"]))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=30,
)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _parent(doc, path):
    node = doc
    for elem in path[:-1]:
        node = node[elem]
    return node


@st.composite
def mutated(draw, source: Path = DEMO):
    doc = copy.deepcopy(yaml.safe_load(source.read_text("utf-8")))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        op = draw(st.sampled_from(["delete", "replace", "rename", "duplicate"]))
        if op == "delete":
            del parent[path[-1]]
        elif op == "replace":
            parent[path[-1]] = draw(documents)
        elif op == "rename" and isinstance(parent, dict):
            new_key = draw(st.one_of(keys, st.just(str(path[-1]) + "x"), st.just(str(path[-1]).upper())))
            parent[new_key] = parent.pop(path[-1])
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return doc


def _dump(doc) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


# --------------------------------------------------------------------------
# properties


def test_the_demo_sources_load(project):
    for source in (DEMO, REPORT):
        outcome = _load_bytes(project, source.read_bytes())
        _assert_outcome(outcome)
        assert outcome[0] is not None


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes(project, raw):
    _assert_outcome(_load_bytes(project, raw))


@SETTINGS
@given(documents)
def test_any_yaml_document(project, doc):
    _assert_outcome(_load_bytes(project, _dump(doc)))


@SETTINGS
@given(st.sampled_from([DEMO, REPORT]).flatmap(mutated))
def test_mutated_demo_case_or_report(project, doc):
    """Keys deleted or renamed, values replaced by other types, list items doubled."""
    _assert_outcome(_load_bytes(project, _dump(doc)))


@SETTINGS
@given(st.data())
def test_text_edits_of_demo_case(project, data):
    """Typing slips: characters inserted into or cut out of the real file."""
    text = DEMO.read_text("utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            insert = data.draw(st.one_of(
                st.sampled_from(["\t", ":", " ", "\n", "\"", "'", "[", "{", "-", "#", "&a", "*a", "!!", "---\n", "\x00"]),
                st.text(max_size=3),
            ))
            text = text[:at] + insert + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 20)):]
    _assert_outcome(_load_bytes(project, text.encode("utf-8", "surrogatepass")))
