"""What is particular to the Material for MkDocs theme.

Material is in maintenance mode (end of life announced for May 2027), so
everything casebook does for it lives here, beside the engine adapter
(:mod:`casebook.site.mkdocs`): the overrides folder, the default navigation,
the copyright line, the repository widget and analytics it would load from
outside hosts, and the markup fixes its templates need.  A successor theme
replaces this module, not the site plan.
"""

from __future__ import annotations

import re

from markupsafe import escape

from casebook.settings import theme_dir

# Material's script asks these hosts for a repository's stars and forks when repo_url points there.
WIDGET_API = ((re.compile(r"^.+github\.com/", re.IGNORECASE), "api.github.com"),
              (re.compile(r"^.+?[^/]*gitlab[^/]+/", re.IGNORECASE), "the GitLab API"))


def outside_scripts_problem(config) -> str | None:
    """With offline on, what makes Material's scripts contact outside hosts (None: nothing).

    ``extra.analytics`` loads Google's tag manager into every page: refused,
    since disabling it silently would leave a user believing visits are
    counted.  A ``repo_url`` on GitHub or GitLab makes Material's script ask
    that host's API for stars and forks on every page view: refused too,
    since a plain link cannot be kept without that script (Material ties
    them together), and a silently missing link is worse than a clear
    message.  A repo_url elsewhere is only a link and stays.
    """
    extra = config.extra or {}
    if extra.get("analytics"):
        return ("mkdocs.yml: extra.analytics: the pages would load Google's tag manager from an outside host, "
                "and the casebook plugin's 'offline' option is on; remove extra.analytics, or set offline: false "
                "in the casebook plugin's options to allow it")
    repo_url = config.repo_url or ""
    for rx, api in WIDGET_API:
        if rx.match(repo_url):
            return (f"mkdocs.yml: repo_url: Material's script would ask {api} for the repository's stars and forks "
                    "on every page view, and the casebook plugin's 'offline' option is on; remove repo_url "
                    "(link the repository from a page instead), or set offline: false to allow it")
    return None


def configure_theme(config, *, offline: bool) -> None:
    """casebook's overrides before Material's own templates; no web fonts when offline."""
    overrides = theme_dir() / "overrides"
    if str(overrides) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(overrides))
    if offline:
        config.theme["font"] = False


def copyright_line(config, profile) -> None:
    """The footer's line from the profile, unless mkdocs.yml sets one."""
    if profile and not config.copyright:
        # material prints copyright unescaped: escape the user's text here
        parts = [f"© {profile.name}", profile.role]
        if profile.contacts.email:
            parts.append(profile.contacts.email)
        config.copyright = str(escape(" · ".join(parts)))


def navigation(config, t, has_profile: bool) -> None:
    """The default navigation: the cases, and About when there is a profile."""
    if config.nav is None:
        config.nav = [{t.t("ui.cases"): "index.md"}]
        if has_profile:
            config.nav.append({t.t("ui.about"): "about.md"})


def fix_page(output: str) -> str:
    """material's base.html puts autocomplete on checkboxes, which HTML forbids."""
    return output.replace('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"').replace(
        'type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"')
