"""casebook.render.templates: markup lives in theme/; platform icons come from casebook's own theme."""

from __future__ import annotations

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
