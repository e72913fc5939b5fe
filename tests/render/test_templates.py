"""casebook.render.templates: markup lives in theme/; platform icons come from casebook's own theme."""

from __future__ import annotations

import pytest

from casebook import registry
from casebook.render.templates import environment, platform_icon


def test_every_platform_icon_named_in_the_registry_is_shipped_in_the_theme():
    for info in registry.platforms().values():
        html = str(platform_icon(info.id))
        if info.icon:
            assert "<svg" in html and f"--cb-brand:{info.color}" in html, info.id
        else:
            assert "cb-icon--mono" in html and info.label[:2] in html


def test_templates_escape_user_text():
    out = environment().from_string("{{ x }}").render(x="<script>")
    assert out == "&lt;script&gt;"


# A fresh process renders the theme's case page template and says which templates it compiled.
_RENDER_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
import jinja2
compiled = []
original = jinja2.Environment.compile
def counting(self, source, name=None, *args, **kwargs):
    compiled.append(name)
    return original(self, source, name, *args, **kwargs)
jinja2.Environment.compile = counting
from casebook.render import templates
templates.keep_compiled(Path(sys.argv[1]) if sys.argv[1] != "-" else None)
html = templates.render("partials/platform_icon.html", svg="<svg></svg>", color="#000", label="VK")
print(sorted(compiled))
print(repr(html))
"""


def _fresh_process(cache_root) -> tuple[str, list[str]]:
    import ast
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _RENDER_IN_A_FRESH_PROCESS, str(cache_root)],
                          capture_output=True, text=True, check=True)
    names, html = done.stdout.strip().split("\n", 1)
    return ast.literal_eval(html), ast.literal_eval(names)


@pytest.mark.usefixtures("own_cache_key")
def test_a_template_compiled_by_one_process_is_not_compiled_again_by_the_next(tmp_path):
    first_html, first = _fresh_process(tmp_path)
    assert first == ["partials/platform_icon.html"]
    again_html, again = _fresh_process(tmp_path)  # the next build's worker, the standby
    assert again == [] and again_html == first_html
    assert _fresh_process("-")[1] == ["partials/platform_icon.html"]  # no cache folder: nothing kept


@pytest.mark.usefixtures("own_cache_key")
def test_a_changed_compiled_template_is_compiled_afresh_not_run(tmp_path):
    first_html, _ = _fresh_process(tmp_path)
    entries = [p for p in (tmp_path / "theme").iterdir() if not p.name.endswith(".sig")]
    assert entries
    for entry in entries:
        entry.write_bytes(entry.read_bytes().replace(b"cb-icon", b"cb-evil"))
    html, compiled = _fresh_process(tmp_path)
    assert compiled == ["partials/platform_icon.html"] and html == first_html
