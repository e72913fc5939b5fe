"""Where a build may write: output folders never touch the inputs or each other.

A build replaces its output folders whole (casebook.build.staged) and fills
its cache folder, so a mistyped folder (``-d cases``, ``-d .``,
``--private-dir site``, ``cache_dir: site/cache``) would replace the user's
case files, the project, or publish private output.  Every folder a build
writes is checked here, before anything is written, against:

* the inputs: the cases folder, the pages (docs_dir), the profile, the theme
  folders, ``mkdocs.yml`` and the files it inherits, casebook's own code and
  theme: an output must not be one of them, contain one, or lie inside one;
* the project folder (where ``mkdocs.yml`` is): an output must not be it or
  contain it (``site/`` beside ``mkdocs.yml`` is the usual place);
* the other outputs: site, private folder and cache neither are nor contain
  one another.

A refusal is a CasebookError with one line naming both folders.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from casebook.errors import CasebookError
from casebook.load.media import profile_photo, referenced_files
from casebook.settings import PACKAGE_DIR, theme_dir

from .state import output_files


def _resolve(path: Path | str) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


@dataclass
class Inputs:
    """What a build reads, as (description, path) pairs."""

    root: Path  # the project folder: outputs may lie inside it, never be or contain it
    paths: list[tuple[str, Path]] = field(default_factory=list)  # folders and files

    def add(self, what: str, path: Path | str | None) -> None:
        if path is not None:
            self.paths.append((what, _resolve(path)))


def _relation(output: Path, other: Path) -> str | None:
    """How output stands to other: 'is', 'contains', 'lies inside', or None."""
    if output == other:
        return "is"
    if other.is_relative_to(output):
        return "contains"
    if output.is_relative_to(other):
        return "lies inside"
    return None


def check_outputs(outputs: Iterable[tuple[str, Path | str]], inputs: Inputs) -> None:
    """Raise CasebookError when an output folder overlaps an input or another output."""
    outs = [(what, _resolve(path)) for what, path in outputs]
    root = _resolve(inputs.root)
    for what, out in outs:
        if out == root or root.is_relative_to(out):
            relation = "is" if out == root else "contains"
            raise CasebookError(
                f"refusing to write the {what} into {out}: it {relation} the project folder {root} "
                f"(where mkdocs.yml is); nothing was written; choose a folder of its own")
        for in_what, path in inputs.paths:
            relation = _relation(out, path)
            if relation:
                raise CasebookError(
                    f"refusing to write the {what} into {out}: it {relation} the {in_what} {path}, "
                    f"an input of the build; nothing was written; choose a folder of its own")
    for i, (what, out) in enumerate(outs):
        for other_what, other in outs[i + 1:]:
            relation = _relation(out, other)
            if relation in ("is", "contains"):  # name the later or the inner one: "the cache ... lies inside the site"
                (what, out), (other_what, other) = (other_what, other), (what, out)
                relation = "is" if relation == "is" else "lies inside"
            if relation:
                raise CasebookError(
                    f"refusing to write the {what} into {out}: it {relation} the {other_what} {other}; "
                    f"nothing was written; give each output a folder of its own")


# What a folder casebook (or MkDocs) built holds at its top; a folder with other
# files is someone else's and is never replaced.
_SITE_MARKS = ("sitemap.xml", "404.html", "search")
# Every top-level name a build writes besides the pages' own folders (a folder
# holding index.html) and the files of the pages folder (docs_dir).
_SITE_NAMES = {"index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "search", "assets", "cases", "tags",
               "about", "pdf", "media", "charts"}
# What build_private_outputs (casebook.build.pdfs) writes in a client's folder: a case's slug
# (casebook.load.model.types.CaseSlug) as a PDF and as a page.
_PRIVATE_FILE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}\.(pdf|html)\Z")


def _foreign_entry(folder: Path, private: bool, pages: Path | None = None) -> str | None:
    """The first top-level entry of a folder that no build writes there (None: it looks built).

    A site: index.html beside sitemap.xml, 404.html or search/, and nothing a
    build does not write (its own names, the pages' folders, what the pages
    folder holds); the private folder: client folders of ``<slug>.pdf`` and
    ``<slug>.html`` only.  A dot-entry is the user's and is kept (casebook.build.publish).
    """
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # the dot-entries are kept
    if not private:
        if "index.html" not in names or not any(mark in names for mark in _SITE_MARKS):
            return names[0]
        try:
            from_pages = set(os.listdir(pages)) if pages is not None else set()
        except OSError:
            from_pages = set()
        # with use_directory_urls: false a page is <name>.html beside the others
        as_files = {n.rsplit(".", 1)[0] + ".html" for n in from_pages if n.endswith((".md", ".markdown"))}
        as_files |= {n + ".html" for n in _SITE_NAMES}  # about.html
        for name in names:
            path = folder / name
            if name.startswith(".") or name in _SITE_NAMES or name in from_pages or name in as_files:
                continue
            if not (path.is_dir() and not path.is_symlink() and (path / "index.html").is_file()):
                return name
        return None
    for name in names:  # the private folder: <client folder>/<slug>.pdf and .html, nothing else
        path = folder / name
        if name.startswith("."):
            continue
        if path.is_symlink() or not path.is_dir():
            return name
        for inner in sorted(path.iterdir()):
            if inner.is_symlink() or not inner.is_file() or not _PRIVATE_FILE.match(inner.name):
                return f"{name}/{inner.name}"
    return None


# Files a file manager leaves in the folders it shows: not the user's work.
_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}


def _unrecorded(folder: Path, recorded: list[str]) -> str | None:
    """The first file under an output folder that its builds did not write (dot-entries at the top are kept)."""
    known = set(recorded)
    for rel in output_files(folder):
        if rel not in known and rel.rsplit("/", 1)[-1] not in _LITTER:
            return rel
    return None


def check_replaceable(outputs: Iterable[tuple[str, Path | str]],
                      recorded: Mapping[Path | str, list[str] | None] | None = None,
                      pages: Path | str | None = None) -> None:
    """An output folder is replaced whole: refuse one that holds files no build made.

    ``casebook build -d ~/Documents`` would otherwise swap the user's folder
    for the site.  A folder is fine when it is missing or empty; when the
    builds recorded it (``recorded``: the files they put there, from the build
    state), when it holds no other file (a ``CNAME`` the user added to the
    site would be deleted with it); else when it looks like a built
    site (index.html beside sitemap.xml, 404.html or search/, and at its top
    nothing but what a build writes: see _SITE_NAMES, the pages' folders,
    the names in ``pages``, the docs_dir) or, for the private folder, holds
    what casebook writes there and nothing else: a folder per client holding
    ``<slug>.pdf`` and ``<slug>.html``.  Top-level dot-entries are the user's and
    are kept (casebook.build.publish).
    """
    files_of = {_resolve(p): files for p, files in (recorded or {}).items()}
    for what, path in outputs:
        out = _resolve(path)
        if not out.exists():
            continue
        if not out.is_dir():
            raise CasebookError(f"refusing to write the {what} into {out}: it is a file, not a folder; "
                                f"nothing was written")
        listed = files_of.get(out)
        try:
            if listed is not None:
                added = _unrecorded(out, listed)
                if added:
                    where = (f"into the pages folder {_resolve(pages)} if it should be published, else "
                             if pages is not None and "private" not in what else "")
                    raise CasebookError(
                        f"refusing to replace the {what} {out}: {added} in it is not a file a build wrote, and "
                        f"would be deleted; nothing was written; move it {where}out of {out}")
                continue
            # only dot-entries (a gh-pages worktree's .git): empty, as far as a build goes; they are kept
            own = [n for n in os.listdir(out) if not n.startswith(".")]
            foreign = own and _foreign_entry(out, "private" in what, _resolve(pages) if pages else None)
        except OSError as exc:
            raise CasebookError(f"{out}: {exc.strerror or exc}") from None
        if foreign:
            raise CasebookError(
                f"refusing to replace the {what} {out}: it holds files no casebook build made "
                f"(such as {foreign}); nothing was written; empty it or choose another folder")


def check_output_file(output: Path | str, inputs: Inputs) -> None:
    """A single output file (``casebook pdf -o``) must not replace an input file or folder."""
    out = _resolve(output)
    for what, path in inputs.paths:
        if out == path or (path.is_dir() and out.is_relative_to(path) and out.exists()):
            raise CasebookError(f"refusing to write {out}: it is an input of the project "
                                f"({'the ' + what if out == path else 'in the ' + what + ' ' + str(path)}); "
                                f"nothing was written; choose another file name")
    if out == _resolve(inputs.root):
        raise CasebookError(f"refusing to write {out}: it is the project folder")


def check_pdf_file(output: Path | str) -> None:
    """``casebook pdf -o FILE`` replaces an existing FILE only when it is a PDF (an earlier portfolio):
    notes, a README or a schema under that name are the user's."""
    out = Path(output)
    if not os.path.lexists(out):
        return
    if out.is_dir():
        raise CasebookError(f"refusing to write {out}: it is a folder; nothing was written; choose a file name")
    try:
        with open(out, "rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise CasebookError(f"{out}: {exc.strerror or exc}") from None
    if head != b"%PDF-":
        raise CasebookError(f"refusing to replace {out}: it is not a PDF (it does not begin with %PDF-); "
                            f"nothing was written; choose another file name")


def config_files(config_file: Path | str) -> tuple[list[Path], list[str]]:
    """mkdocs.yml and every file it inherits (INHERIT:, recursively), and the
    environment variables its ``!ENV`` tags read."""

    files: list[Path] = []
    env_names: list[str] = []

    class _Loader(yaml.SafeLoader):
        pass

    def _env(loader, node):
        if isinstance(node, yaml.ScalarNode):
            env_names.append(str(loader.construct_scalar(node)))
        elif isinstance(node, yaml.SequenceNode):
            env_names.extend(str(loader.construct_object(n)) for n in node.value
                             if isinstance(n, yaml.ScalarNode))
        return None

    def _other(loader, suffix, node):  # !!python/name:..., !relative and the like: not followed
        return None

    _Loader.add_constructor("!ENV", _env)
    _Loader.add_multi_constructor("", _other)

    files, _data = _config_chain(config_file, _Loader)
    return files, sorted(set(env_names))


def _config_chain(config_file: Path | str, loader) -> tuple[list[Path], list[dict]]:
    """The configuration file and those it INHERITs, with their contents, child first."""
    files: list[Path] = []
    contents: list[dict] = []
    path: Path | None = _resolve(config_file)
    while path is not None and path not in files:
        files.append(path)
        try:
            data = yaml.load(path.read_text("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            break  # MkDocs reports it when it loads the configuration
        if not isinstance(data, dict):
            break
        contents.append(data)
        parent = data.get("INHERIT")
        path = _resolve(path.parent / parent) if isinstance(parent, str) else None
    return files, contents


def env_signature(names: Iterable[str]) -> str:
    """A hash of the values of these environment variables (never the values themselves)."""
    h = hashlib.sha256()
    for name in sorted(set(names)):
        value = os.environ.get(name)
        h.update(f"{name}\0{'unset' if value is None else 'set:' + value}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def project_inputs(root: Path, *, cases_dir: Path | str, profile: Path | str, config_files: Iterable[Path] = (),
                   docs_dir: Path | str | None = None, theme_dirs: Iterable[Path | str] = (),
                   used_files: Iterable[Path | str] = ()) -> Inputs:
    """The inputs of a project as check_outputs wants them."""
    root = _resolve(root)
    inputs = Inputs(root)
    inputs.add("cases folder", root / cases_dir)
    if docs_dir is not None:
        inputs.add("pages folder (docs_dir)", root / docs_dir)
    inputs.add("profile", root / profile)
    for f in config_files:
        inputs.add("configuration file", f)
    for d in theme_dirs:
        inputs.add("theme folder", d)
    inputs.add("theme folder", theme_dir())
    inputs.add("casebook code folder", PACKAGE_DIR)
    for f in used_files:
        inputs.add("media file", f)
    return inputs


def pdf_command_inputs(project) -> Inputs:
    """The inputs ``casebook pdf`` must not overwrite: the project's files and folders,
    mkdocs.yml and what it inherits, its pages and theme folders, the media cases use."""
    root = Path(project.root)
    used = [p for c in project.cases for p in referenced_files(c, root)]
    photo = profile_photo(project)
    if photo is not None:
        used.append(photo)
    return command_inputs(root, project.cases_dir, project.profile_path, used)


def command_inputs(root: Path, cases_dir: Path | str = "cases", profile: Path | str = "profile.yaml",
                   used: Iterable[Path] = ()) -> Inputs:
    """The inputs a command writing one file must not overwrite, read from the project's
    mkdocs.yml alone (no case loaded: ``casebook schema`` works while a case is broken)."""
    root = Path(root)
    configs: list[Path] = []
    docs_dir: str = "docs"
    theme_dirs: list[Path] = []
    config = root / "mkdocs.yml"
    if config.is_file():
        class _Loader(yaml.SafeLoader):
            pass

        _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
        configs, contents = _config_chain(config, _Loader)
        for data, path in zip(reversed(contents), reversed(configs[:len(contents)])):  # parents first
            if isinstance(data.get("docs_dir"), str):
                docs_dir = str(path.parent / data["docs_dir"])
            theme = data.get("theme")
            if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
                theme_dirs.append(path.parent / theme["custom_dir"])
    return project_inputs(root, cases_dir=cases_dir, profile=profile, config_files=configs,
                          docs_dir=docs_dir, theme_dirs=theme_dirs, used_files=used)
