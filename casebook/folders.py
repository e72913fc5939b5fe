"""A file by its identity: what tells a file still is the one a build placed or read.

A file's identity is its inode, size, modification time and change time: a
write, ``chmod``, rename over it, or a link made or removed changes one of
them.  casebook.reuse records the identities of the files a build published
and asks them again before it takes such a file as it is.
"""

from __future__ import annotations

import hashlib
import os
import stat


def identity(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def holding(path: str, digest: str) -> list[int] | None:
    """The identity of the regular file at ``path`` when its bytes have this sha256 and it did not
    change while they were read; else None.  Opened without following a link, and without waiting
    for a writer (a named pipe put there), as casebook.store reads its files."""
    flags = os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        with open(path, "rb", opener=lambda p, mode: os.open(p, mode | flags)) as f:
            before = os.fstat(f.fileno())
            if not stat.S_ISREG(before.st_mode):
                return None
            found = hashlib.sha256(f.read()).hexdigest()
            after = os.fstat(f.fileno())
    except OSError:
        return None
    held = identity(before)
    return held if found == digest and identity(after) == held else None


def files_in(top: str) -> dict[str, list]:
    """Every regular file under ``top`` (relative, with /), with its identity."""
    files = {}
    cut = len(top) + 1
    for folder, dirs, names in os.walk(top):
        if folder == top:  # MkDocs neither writes nor empties a name starting with a dot: neither does a rebuild
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                files[path[cut:].replace(os.sep, "/")] = identity(st)
    return files
