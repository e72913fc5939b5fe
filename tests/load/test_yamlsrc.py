"""casebook.load.yamlsrc: YAML with the position of every key and value."""

from __future__ import annotations

import pytest

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
