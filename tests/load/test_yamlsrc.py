"""casebook.load.yamlsrc: YAML with the position of every key and value."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from casebook.load import yamlsrc
from casebook.load.yamlsrc import YamlProblem, decode, parse


def test_duplicate_key_is_a_located_problem():
    with pytest.raises(YamlProblem) as caught:
        parse("slug: a\ntitle: x\nslug: b\n")
    assert caught.value.line == 3


def test_bytes_must_be_utf8_and_a_bom_is_allowed():
    assert decode("\ufeffslug: a\n".encode("utf-8")) == "slug: a\n"
    with pytest.raises(YamlProblem):
        decode(b"slug: \xff\n")


def test_key_positions_point_at_the_key():
    located = parse("client:\n  name: Acme\n")
    assert located.key_where(("client", "name")) == (2, 3)


# -- libyaml reads what it reads alike; PyYAML reads the rest ---------------------

REPO = Path(__file__).resolve().parents[2]
SLIPS = ["\t", ":", " ", "\n", '"', "'", "[", "]", "{", "}", ",", "-", "#", "&a", "*a", "!!", "!", "?", "|", ">",
         "%", "@", "`", "---\n", "...\n", "<<: *a", "\r", "\u0085", "\u2028", "\ufeff", "\x7f", "é", "Кей", "😀"]


def _tree(node):
    """A node's kind, tag, value and place, all the way down (what the builder reads of it)."""
    if node is None:
        return None
    place = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", *place, node.value)
    if isinstance(node, yaml.SequenceNode):
        return ("list", *place, [_tree(child) for child in node.value])
    return ("map", *place, [(_tree(k), _tree(v)) for k, v in node.value])


def _read(loader_class, text):
    loader = loader_class(text)
    try:
        return "read", _tree(loader.get_single_node())
    except Exception as exc:  # noqa: BLE001 - a refusal is an outcome like any other here
        return "refused", type(exc).__name__
    finally:
        loader.dispose()


@pytest.mark.skipif(yamlsrc._FastLoader is None, reason="this PyYAML has no libyaml")
@pytest.mark.parametrize("seed", range(4))
def test_a_file_libyaml_reads_is_read_as_pyyaml_reads_it(seed):
    """Typing slips in the demo's files (seeded, so a failure comes back): wherever the fast
    path is taken and libyaml reads the text, every node has PyYAML's tag, value, line and
    column; the rest goes to PyYAML itself.  Half the slips land in braces, where the two
    parsers differ most (about one read in a hundred there, were braces not looked at)."""
    rnd = random.Random(seed)
    sources = [p.read_text("utf-8") for p in sorted((REPO / "cases").glob("*.yaml"))]
    compared = 0
    for _ in range(500):
        text = rnd.choice(sources)
        for _ in range(rnd.randint(1, 4)):
            braces = [i for i, ch in enumerate(text) if ch in "{[,"]
            at = rnd.choice(braces) if braces and rnd.random() < 0.5 else rnd.randint(0, len(text))
            if rnd.random() < 0.5:
                text = text[:at] + rnd.choice(SLIPS) + text[at:]
            else:
                text = text[:at] + text[at + rnd.randint(1, 20):]
        if not yamlsrc._fast_reads_alike(text):
            continue
        fast = _read(yamlsrc._FastLoader, text)
        if fast[0] == "read":
            compared += 1
            assert fast == _read(yamlsrc._Loader, text), text
    assert compared > 50  # the comparison ran, not just the gate


@pytest.mark.parametrize("text", [
    "a: {start: 2025-10-01, end: }\n",  # an empty value in braces: libyaml places it a column further
    "a: {b: 1, c?: 2}\n",  # '?' in braces: PyYAML refuses it, libyaml reads a key 'c?'
    "a:\tb\n",  # a tab: PyYAML refuses it, libyaml reads it
    "\ufeffa: 1\nb: 2\n",
])
def test_texts_libyaml_reads_otherwise_go_to_pyyaml(text):
    assert not yamlsrc._fast_reads_alike(text)


def test_the_demo_files_take_the_fast_path():
    taken = [p.name for p in sorted((REPO / "cases").glob("*.yaml")) if yamlsrc._fast_reads_alike(p.read_text("utf-8"))]
    assert len(taken) >= len(list((REPO / "cases").glob("*.yaml"))) - 1, taken
