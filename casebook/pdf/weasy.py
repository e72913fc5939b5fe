"""WeasyPrint, imported without ctypes' slow library search: import this module before ``weasyprint``.

WeasyPrint loads its C libraries (GObject, Pango, HarfBuzz, fontconfig...)
by trying each platform's names in turn, Windows' first.  cffi hands a name
that does not load as it stands to ``ctypes.util.find_library``, which on
Linux runs ``ldconfig -p``, then gcc, then ld, for each: 22 searches at
every import, 16 of them for names no Linux has, about 0.15 s of wall and
CPU time (0.5 s and more on a busy machine) in every process that loads
WeasyPrint (an edit's PDF worker and the build itself, a fork server).

Here the search is ``ldconfig -p`` alone, which finds every library
WeasyPrint needs on a glibc system (the names it then loads are the same).
Where that is not enough (a system whose libraries only gcc's search
finds), WeasyPrint is imported again with ctypes' own search, as if this
module were not there.

It also spares WeasyPrint's font subsetting a C parser run per font: it
asks cffi for arrays by a type that names their length
(``hb_codepoint_t[137]``), and cffi parses each new such string with
pycparser, about 4 ms, where ``hb_codepoint_t[]`` with the same items is
parsed once.  :class:`_OpenArrays` hands cffi the second form, which makes
the same array.

And it mends the cache of the HTML parser WeasyPrint uses (tinyhtml5 2.1):
``chars_until`` looks its character classes up by the characters asked
for but stores them under the compiled pattern, so every call built and
compiled its class again (about 4,000 times a case PDF's HTML, 1.5 % of a
cold build's CPU).  :class:`_Classes` makes what is missing on lookup,
the same pattern the parser makes.

It also imports two fontTools modules only when WeasyPrint first uses them
(:func:`_font_tools_later`): ``fontTools.subset``, its font subsetting where
HarfBuzz cannot subset, and ``fontTools.varLib.instancer``, for a variable
font.  WeasyPrint imports both up front, with lxml and fontTools' CFF and
variation tables: about 0.3 s of each import, in a build that uses neither
(its fonts are static and HarfBuzz subsets them).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import re
import sys
import types
from typing import Any


def _load() -> None:
    if "weasyprint" in sys.modules:
        return
    try:
        with _font_tools_later():
            _import()
    except ImportError:  # a fontTools that needs one of them as WeasyPrint loads: loaded as it was
        _forget("weasyprint")
        _import()


def _forget(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


def _import() -> None:
    quick = getattr(ctypes.util, "_findSoname_ldconfig", None)  # Linux (glibc) only
    if quick is None:
        import weasyprint  # noqa: F401 - loaded for its importers

        return
    full = ctypes.util.find_library
    ctypes.util.find_library = quick
    try:
        # WeasyPrint prints its installation help before it gives up on a library
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401 - loaded for its importers
        return
    except Exception:  # noqa: BLE001 - a library ldconfig does not list: searched again below
        _forget("weasyprint")
    finally:
        ctypes.util.find_library = full
    import weasyprint  # noqa: F401,F811 - the full search; its own message where a library is missing


class _Later(types.ModuleType):
    """Stands in for a module while WeasyPrint is imported; the module itself is imported when first used."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:  # used while WeasyPrint is still being imported
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _instantiate_variable_font(*args: Any, **kwargs: Any) -> Any:
    from fontTools.varLib.instancer import instantiateVariableFont  # deferred: for a variable font only

    return instantiateVariableFont(*args, **kwargs)


@contextlib.contextmanager
def _font_tools_later():
    """While WeasyPrint is imported, fontTools.subset and fontTools.varLib.instancer are stand-ins
    (and fontTools.varLib, which imports the latter); afterwards the names are free again, and a
    first use imports the real module."""
    stand_ins = {name: _Later(name) for name in ("fontTools.subset", "fontTools.varLib",
                                                 "fontTools.varLib.instancer") if name not in sys.modules}
    if "fontTools.varLib.instancer" in stand_ins:
        stand_ins["fontTools.varLib.instancer"].instantiateVariableFont = _instantiate_variable_font
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():  # (found in sys.modules, they never became package attributes)
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_SIZED_ARRAY = re.compile(r"([A-Za-z_][\w ]*?)\s*\[(\d+)\]")


class _OpenArrays:
    """A cffi ``FFI`` whose ``new("T[n]", items)`` is ``new("T[]", items)`` when there are n items."""

    def __init__(self, ffi: Any):
        self._ffi = ffi

    def new(self, cdecl: Any, init: Any = None) -> Any:
        if isinstance(cdecl, str) and isinstance(init, (list, tuple, range)):
            sized = _SIZED_ARRAY.fullmatch(cdecl)
            if sized is not None and int(sized.group(2)) == len(init):
                return self._ffi.new(f"{sized.group(1)}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def _subset_arrays_parsed_once() -> None:
    fonts = sys.modules.get("weasyprint.pdf.fonts")
    ffi = getattr(fonts, "ffi", None)
    if ffi is not None and not isinstance(ffi, _OpenArrays):
        fonts.ffi = _OpenArrays(ffi)


class _Classes(dict):
    """tinyhtml5's cache of ``chars_until``'s patterns, (characters, opposite) -> pattern, that makes
    a missing one as ``chars_until`` does (which would then store it under another key)."""

    def __missing__(self, key: tuple) -> re.Pattern:
        characters, opposite = key
        chars = "".join(f"\\x{ord(c):02x}" for c in characters)
        pattern = self[key] = re.compile(f"[{chars}]+" if opposite else f"[^{chars}]+")
        return pattern


def _parser_classes_kept() -> None:
    stream = sys.modules.get("tinyhtml5.inputstream")
    kept = getattr(stream, "characters_until_regex", None)
    if isinstance(kept, dict) and not isinstance(kept, _Classes):
        stream.characters_until_regex = _Classes()


_load()
_subset_arrays_parsed_once()
_parser_classes_kept()
