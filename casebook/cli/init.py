"""casebook init: a working portfolio project in an empty (or new) folder.

Writes ``mkdocs.yml`` (Material, the plugin, search, the site's language),
a commented ``profile.yaml``, one public sample case in the chosen language,
the JSON Schema where the cases' modeline points (``docs/``, never inside the
published site), ``pages/`` and a ``.gitignore`` for the output and the
cache.  ``casebook build`` then works with no other step.  Nothing that
exists is overwritten: when any of these files is there, nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from casebook import store
from casebook.errors import CasebookError
from casebook.load.model import _locale
from casebook.load.scaffold import write_new_case
from casebook.load.schema import case_schema
from casebook.render.i18n import translator
from casebook.settings import DATA_DIR

INIT_DIR = DATA_DIR / "init"
SAMPLE = "my-first-case"
_TOGGLES = {"ru": ("Тёмная тема", "Светлая тема"), "en": ("Dark mode", "Light mode"),
            "fil": ("Madilim na tema", "Maliwanag na tema")}


def _files(root: Path, locale: str, name: str) -> dict[Path, str]:
    language = locale.split("-")[0]
    t = translator(locale)
    dark, light = _TOGGLES.get(language, _TOGGLES["en"])
    site_name = f"{name} · {t.t('ui.cases')}"
    config = (INIT_DIR / "mkdocs.yml").read_text("utf-8")
    for key, value in (("__SITE_NAME__", site_name), ("__SITE_DESCRIPTION__", t.t("ui.cases")),
                       ("__LANGUAGE__", language), ("__DARK_MODE__", dark), ("__LIGHT_MODE__", light),
                       ("__SEARCH_LANGS__", ", ".join(dict.fromkeys([language if language != "fil" else "en", "en"])))):
        config = config.replace(key, value.replace('"', "'"))
    profile_template = INIT_DIR / f"profile.{language}.yaml"
    if not profile_template.is_file():
        profile_template = INIT_DIR / "profile.en.yaml"
    profile = profile_template.read_text("utf-8").replace("__NAME__", name.replace('"', "'")).replace(
        "__LOCALE__", locale)
    schema = json.dumps(case_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return {
        root / "mkdocs.yml": config,
        root / "profile.yaml": profile,
        root / "docs" / "case.schema.json": schema,
        root / "pages" / "README.txt": (INIT_DIR / "pages-README.txt").read_text("utf-8"),
        root / ".gitignore": (INIT_DIR / "gitignore").read_text("utf-8"),
    }


def init_project(root: Path, locale: str = "en", name: str = "Your Name") -> list[Path]:
    """Write the project's files; refuse (writing nothing) when any exists."""
    try:
        _locale(locale)
    except ValueError as exc:
        raise CasebookError(f"--locale: {exc}") from None
    root = Path(root)
    files = _files(root, locale, name)
    sample = root / "cases" / f"{SAMPLE}.yaml"
    present = [p for p in [*files, sample] if p.exists()]
    if present:
        shown = ", ".join(str(p) for p in present)
        raise CasebookError(f"refusing to overwrite {shown}; nothing was written (casebook init starts a new "
                            f"project: run it in an empty folder)")
    for path, text in files.items():
        store.write_file(path, text.encode("utf-8"))
    case = write_new_case(SAMPLE, locale, root / "cases")
    text = case.read_text("utf-8")
    # the sample is public, so the first build shows a card; the scaffold starts private
    text = text.replace("visibility: private ", "visibility: public  ", 1)
    store.write_file(case, text.encode("utf-8"))
    return [*files, case]


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--locale", default="en", show_default=True, help="Language of the site and the sample case: en, ru, fil.")
@click.option("--name", default="Your Name", show_default=True, help="Your name, as the site and the PDFs show it.")
def init(directory: Path, locale: str, name: str) -> None:
    """Start a portfolio in DIRECTORY: mkdocs.yml, profile.yaml, a sample case, the schema."""
    written = init_project(directory, locale, name)
    for path in written:
        click.echo(f"wrote {path}")
    where = "" if str(directory) == "." else f"cd {directory} && "
    click.echo(f"next: {where}casebook build   (then open site/index.html, or run casebook serve)")
