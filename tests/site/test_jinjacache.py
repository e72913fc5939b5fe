"""casebook.site.jinjacache: compiled templates kept between builds, and only what casebook signed is run."""

from __future__ import annotations

import io
import pickle

import jinja2
import pytest

from casebook.site import jinjacache

pytestmark = pytest.mark.usefixtures("own_cache_key")


def env_with(templates: dict[str, str], cache_root, **options) -> tuple[jinja2.Environment, list[str]]:
    """An environment like MkDocs' (one per build) that notes every template it compiles."""
    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
            compiled.append(name)
            return super().compile(source, name, filename, raw, defer_init)

    env = Counting(loader=jinja2.DictLoader(templates), **options)
    jinjacache.use(env, cache_root)
    return env, compiled


def test_a_template_is_compiled_once_and_renders_the_same_from_the_cache(tmp_path):
    templates = {"main.html": "{% for x in xs %}<li>{{ x }}</li>{% endfor %}"}
    first, compiled = env_with(templates, tmp_path)
    assert first.get_template("main.html").render(xs=[1, 2]) == "<li>1</li><li>2</li>"
    assert compiled == ["main.html"]
    second, compiled = env_with(templates, tmp_path)  # the next build
    assert second.get_template("main.html").render(xs=[1, 2]) == "<li>1</li><li>2</li>"
    assert compiled == []
    third, compiled = env_with({"main.html": "<p>{{ xs|length }}</p>"}, tmp_path)  # the theme changed
    assert third.get_template("main.html").render(xs=[1, 2]) == "<p>2</p>"
    assert compiled == ["main.html"]


def test_planted_bytecode_is_never_run(tmp_path):
    good = {"main.html": "<p>good</p>"}
    env, _ = env_with(good, tmp_path)
    env.get_template("main.html")
    evil_root = tmp_path / "evil"
    evil, _ = env_with({"main.html": "<p>good</p>{{ 'planted' }}"}, evil_root)
    evil.get_template("main.html")
    # the other cache's compiled template under this cache's key, with the good source's checksum:
    # what Jinja alone would take for the good template
    [entry] = [p for p in (tmp_path / "jinja").iterdir() if not p.name.endswith(".sig")]
    [planted] = [p for p in (evil_root / "jinja").iterdir() if not p.name.endswith(".sig")]
    head = len(jinja2.bccache.bc_magic)
    good_file, evil_file = io.BytesIO(entry.read_bytes()[head:]), io.BytesIO(planted.read_bytes()[head:])
    checksum, _ = pickle.load(good_file), pickle.load(evil_file)
    entry.write_bytes(jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + evil_file.read())
    again, compiled = env_with(good, tmp_path)
    assert again.get_template("main.html").render() == "<p>good</p>"
    assert compiled == ["main.html"]


def test_an_environment_whose_compiling_cannot_be_fingerprinted_keeps_nothing(tmp_path):
    env, _ = env_with({"a.html": "x"}, tmp_path, autoescape=jinja2.select_autoescape())
    assert env.bytecode_cache is None
    env, _ = env_with({"a.html": "x"}, tmp_path, autoescape=True)
    assert env.bytecode_cache is not None


def test_a_filter_redefined_with_another_calling_convention_compiles_afresh(tmp_path):
    templates = {"a.html": "{{ 'x'|shout }}"}
    plain, _ = env_with(templates, tmp_path)
    plain.filters["shout"] = lambda s: s.upper()
    before = jinjacache._fingerprint(plain)
    with_context, _ = env_with(templates, tmp_path)
    with_context.filters["shout"] = jinja2.pass_context(lambda ctx, s: s.upper() + "!")
    assert jinjacache._fingerprint(with_context) != before
