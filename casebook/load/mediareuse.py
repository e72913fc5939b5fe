"""A public case publishing a file that is hidden: an undisclosed client's logo, a private case's media.

The site never shows the logo of a client whose name is undisclosed, nor
anything of a private case or report.  A public case's ``cover`` and
``media`` are published, re-encoded (so the audit cannot tell what they
show): the logo of an undisclosed client used as the cover (which is also
the page's link preview), or a screenshot of a private case used in a public
one (a private case copied to make an anonymised public one), would be
published without a word.  Pixels cannot be read for a name; the file can
be recognised: here each public case's cover and media are compared, as
files (device and inode: ``..``, links and hard links resolved) and, for
files of the same size, by their bytes, with every such hidden file.  A private case whose client a
public case discloses under the same name may share its files with that case.

Each answer is (public case, field path, message), for the loader to locate.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from casebook.errors import display_path

from .names import fold


def _files(loaded) -> list[tuple[tuple, tuple, str]]:
    """(field path, file identity, path) of each file a case points to that exists.

    A file is known by its device and inode (one stat, links followed): the
    same file however the path reaches it (``..``, a link, a hard link).
    Whether it lies inside the project is the loader's check.
    """
    case = loaded.case
    fields = [(("cover",), case.cover), (("client", "logo"), case.client.logo)]
    fields += [(("media", i, "src"), m.src) for i, m in enumerate(case.media)]
    if case.report and case.report.branding:
        fields.append((("report", "branding", "logo"), case.report.branding.logo))
    folder = os.path.dirname(loaded.source)
    out = []
    for path, value in fields:
        if value:
            where = os.path.join(folder, value)
            try:
                st = os.stat(where)
            except (OSError, ValueError):  # the loader reports a file it cannot find
                continue
            out.append((path, (st.st_dev, st.st_ino, st.st_size), where))
    return out


def _hidden(cases: list) -> dict[tuple, list[tuple]]:
    """File identity -> [(case it belongs to, field, path)] for each file public output must not hold:
    every file of a private case or report, and an undisclosed client's logo."""
    out: dict[tuple, list[tuple]] = {}
    for loaded in cases:
        case = loaded.case
        if case.is_public and case.client.disclose_name:
            continue
        for path, ident, where in _files(loaded):
            if not case.is_public or path == ("client", "logo"):
                out.setdefault(ident, []).append((loaded, path, where))
    return out


def _what(owner, path: tuple, root: Path) -> str:
    source = display_path(owner.source, root)
    if owner.case.is_public:
        return (f"the logo of the client {owner.case.client.name!r}, which {source} keeps undisclosed; a public "
                "case must not publish it (choose another picture)")
    kind = "report" if owner.case.kind == "report" else "case"
    return (f"a file of the private {kind} {source} ({_dotted(path)}); a public case must not publish it "
            "(use an anonymised copy, or leave it out)")


def _dotted(path: tuple) -> str:
    """A field path as messages write it: ``media[0].src``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _same_client(public, owner) -> bool:
    """A private case or report of the client a public case names (disclosed): its files are that client's."""
    return (public.case.client.disclose_name and not owner.case.is_public
            and fold(public.case.client.name.strip()) == fold(owner.case.client.name.strip()))


def _digest(path: str, digests: dict[str, str]) -> str:
    if path not in digests:
        try:
            with open(path, "rb") as f:
                digests[path] = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            digests[path] = path  # unreadable: equal to nothing else
    return digests[path]


def reused_files(cases: list, root) -> list[tuple[object, tuple, str]]:
    """(public case, field path, message) for each cover or media file that is a hidden file, or a copy of one.

    Bytes are compared only where the sizes are equal (rare): at 1,000
    cases this costs a stat a file.
    """
    hidden = _hidden(cases)
    if not hidden:
        return []
    by_size: dict[int, list[tuple]] = {}
    for ident in hidden:
        by_size.setdefault(ident[2], []).append(ident)
    digests: dict[str, str] = {}
    out = []
    for loaded in cases:
        if not loaded.case.is_public:
            continue
        for path, ident, where in _files(loaded):
            if path[0] not in ("cover", "media"):
                continue  # a logo is published only when disclosed; branding only in private reports
            same = [(ident, "is")] if ident in hidden else []
            same += [(other, "has the same bytes as") for other in by_size.get(ident[2], ())
                     if other != ident and _digest(hidden[other][0][2], digests) == _digest(where, digests)]
            found = [(how, owner, field) for other, how in same for owner, field, _where in hidden[other]
                     if not _same_client(loaded, owner)]
            if found:  # one problem a field: the first reason is enough to act on
                how, owner, field = found[0]
                out.append((loaded, path, f"{how} {_what(owner, field, Path(root))}"))
    return out
