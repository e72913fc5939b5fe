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


def folder_identity(path) -> list[int] | None:
    """[device, inode] of a folder (not a link to one), else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_dev, st.st_ino] if stat.S_ISDIR(st.st_mode) else None


def remove_file(path: str) -> None:
    """The file at ``path`` gone (already gone is fine; any other error is raised)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def recorded(raw) -> dict[str, list]:
    """A record's files: rel -> [inode, size, mtime, ctime, sha256]; anything else left out."""
    if not isinstance(raw, dict):
        return {}
    return {rel: v for rel, v in raw.items()
            if isinstance(v, list) and len(v) == 5 and all(isinstance(x, int) for x in v[:4])}


def sort_retired(top: str, live: dict[str, list], own: dict[str, list]):
    """The files of a retired output folder ``top`` whose bytes are known, as (files, folders): files
    maps each (relative, with /) to (sha256, identity), folders lists every folder under ``top``
    (relative, "" for ``top``).  A file's bytes are known when it is a regular file and either the
    published output's file itself (its other name: the identity ``live``, that output's record, gives
    for the same path) or, with no other name, the file ``own`` (the retired folder's record) gives.
    Everything else (other files, links, pipes, folders reached through a link) is removed here, so
    nothing in the folder can be written through into a file of the published output.  None when
    something cannot be removed: the folder is not to be used."""
    files: dict[str, tuple[str, list]] = {}
    folders: list[str] = []
    cut = len(top) + 1
    try:
        for folder, dirs, names in os.walk(top, onerror=_raise):  # a folder it cannot read: not used
            folders.append(folder[cut:].replace(os.sep, "/"))
            for name in list(dirs):
                if os.path.islink(os.path.join(folder, name)):  # listed as a folder, never entered
                    dirs.remove(name)
                    names.append(name)
            for name in names:
                path = os.path.join(folder, name)
                rel = path[cut:].replace(os.sep, "/")
                st = os.lstat(path)
                held = identity(st)
                if stat.S_ISREG(st.st_mode):
                    old = live.get(rel)
                    if old is not None and old[:4] == held:
                        files[rel] = (old[4], held)
                        continue
                    old = own.get(rel)
                    if old is not None and old[:4] == held and st.st_nlink == 1:
                        files[rel] = (old[4], held)
                        continue
                remove_file(path)
    except OSError:
        return None
    return files, folders


def _raise(exc: OSError) -> None:
    raise exc


def bring_back(hidden: str, top: str, live: dict[str, list], own: dict[str, list]):
    """The retired output folder ``hidden`` (inside ``top``, the staging folder) sorted
    (:func:`sort_retired`), and its entries moved up into ``top``, but for names starting with a dot
    (the user's, which went with the published folder): (files, folders) of what came back, with the
    identities they have there; None when nothing did.  A moved file gets a new change time."""
    sorted_out = sort_retired(hidden, live, own)
    if sorted_out is None:
        return None
    moved: set[str] = set()
    try:
        for name in os.listdir(hidden):
            if not name.startswith("."):
                os.rename(os.path.join(hidden, name), os.path.join(top, name))
                moved.add(name)
    except OSError:
        pass  # what did not come back is placed anew
    files, folders = sorted_out
    files = {rel: v for rel, v in files.items() if rel.partition("/")[0] in moved}
    for rel in moved & files.keys():  # a file that moved itself
        digest, before = files.pop(rel)
        try:
            held = identity(os.lstat(os.path.join(top, rel)))
        except OSError:
            continue
        if held[:3] == before[:3]:
            files[rel] = (digest, held)
        else:  # another file there: not what the record vouches for
            remove_file(os.path.join(top, rel))
    return (files, [f for f in folders if f.partition("/")[0] in moved]) if moved else None
