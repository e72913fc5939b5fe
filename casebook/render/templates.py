"""The Jinja environment of casebook's templates (theme/), and the helpers templates call."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from casebook import registry
from casebook.load.markup import markdown, plain
from casebook.render import compiled
from casebook.settings import theme_dir

ICONS_DIR = "icons/simple"  # under the theme: Simple Icons SVGs (CC0), see theme/icons/README.md


@lru_cache(maxsize=None)
def _icon_svg(name: str) -> str:
    if not name:
        return ""
    path = theme_dir() / ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        return ""
    svg = path.read_text("utf-8")
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def platform_icon(platform_id: str) -> Markup:
    """A platform's icon (theme/partials/platform_icon.html), or a monogram when none is shipped."""
    info = registry.platforms().get(platform_id)
    if info is None:
        return Markup("")
    return Markup(render("partials/platform_icon.html", svg=Markup(_icon_svg(info.icon)), color=info.color,
                         label=info.label))


def platform_label(platform_id: str) -> str:
    info = registry.platforms().get(platform_id)
    return info.label if info else platform_id


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md"] = markdown
    env.filters["plain"] = plain
    env.globals["platform_icon"] = platform_icon
    env.globals["platform_label"] = platform_label
    return env


def keep_compiled(root: Path | None) -> None:
    """From now on, in this process and those it forks, the templates' compiled code is kept in the
    cache folder ``root`` (its ``theme``; None: nowhere), for the next process that renders them.

    A build's processes each compiled the theme's templates again (0.18 s
    for all of them): the standby before the one PDF an edit waits for, every
    worker of a cold build.
    """
    env = environment()
    env.bytecode_cache = None  # another project's, in a process that builds several
    if root is not None:
        compiled.keep(env, root, "theme", ("jinja2",))


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
