"""Content fingerprints: the cache keys of everything a build makes.

An output made from a case (its page, its PDF) is decided by the case file,
the files it references (cover, logo, media), the profile and its photo, the
project's ``mkdocs.yml``, casebook's own code and theme, the versions of the
libraries that draw it, and the build's options.  :func:`case_key` hashes
all of that, so an unchanged case costs a cache look-up, and anything that
could change its output (an edited template, a new WeasyPrint) makes it new.

File hashes are remembered per (path, size, mtime), so a build hashes each
file once and a long-running ``casebook serve`` rehashes only what changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from casebook.load.cases import LoadedCase
from casebook.load.media import referenced_files
from casebook.settings import epoch_text
from casebook.store import code_digest, file_digest


def project_digest(root: Path, profile_path: Path, profile_photo: Path | None) -> str:
    """What every output shares: mkdocs.yml, the profile and its photo, the epoch, the code."""
    parts = [code_digest(), file_digest(root / "mkdocs.yml"), file_digest(profile_path),
             file_digest(profile_photo) if profile_photo else "", epoch_text()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def case_inputs(loaded: LoadedCase, root: Path, shared: str) -> hashlib._Hash:
    """What every output of one case starts its key from: the case, its files, what all share.

    Hashed once per case and build (casebook.build.casework keeps it) and copied for each output:
    a case has three or four outputs, and hashing its files' stamps again for each took 0.2 s of
    an edit at 1,000 cases."""
    h = hashlib.sha256()
    for part in (shared, loaded.digest, str(loaded.source.relative_to(root) if loaded.source.is_relative_to(root)
                                            else loaded.source),
                 *(f"{p.name}:{file_digest(p)}" for p in referenced_files(loaded, root))):
        h.update(str(part).encode("utf-8"))
        h.update(b"\0")
    return h


def case_key(loaded: LoadedCase, root: Path, shared: str, *options: object,
             inputs: hashlib._Hash | None = None) -> str:
    """The key of one output made from one case: the case, its files, what all share (``inputs``:
    :func:`case_inputs` of them, already hashed), the options."""
    h = (inputs if inputs is not None else case_inputs(loaded, root, shared)).copy()
    for part in map(repr, options):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()
