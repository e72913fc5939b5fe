"""casebook.pdf.weasy: WeasyPrint loaded with ldconfig's list alone, the same libraries as ctypes' full search."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is glibc's ldconfig")

# What WeasyPrint loaded: each optional library (None where it is missing) and the files mapped into the process.
REPORT = """
import json, ctypes.util
full = ctypes.util.find_library
{before}
import weasyprint.text.ffi as ffi
from weasyprint import HTML
pdf = HTML(string="<p>Привет, Mabuhay</p>").write_pdf()
maps = sorted({{line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps")
               if any(k in line for k in ("harfbuzz", "pango", "fontconfig", "gobject"))}})
print(json.dumps({{"subset": ffi.harfbuzz_subset is not None, "vector": ffi.harfbuzz_vector is not None,
                   "libs": maps, "pdf": pdf[:5].decode(), "restored": ctypes.util.find_library is full}}))
"""


def _report(before: str) -> tuple[dict, str]:
    out = subprocess.run([sys.executable, "-c", REPORT.format(before=before)], capture_output=True, text=True,
                         timeout=120, check=True)
    *printed, last = out.stdout.strip().splitlines() or [""]
    return json.loads(last), "\n".join(printed)


def test_the_quick_import_loads_the_libraries_the_full_search_loads():
    plain, _ = _report("")
    quick, printed = _report("import casebook.pdf.weasy")
    assert quick == plain
    assert quick["pdf"] == "%PDF-" and quick["restored"]
    assert any("harfbuzz" in lib for lib in quick["libs"]) and any("pango" in lib for lib in quick["libs"])
    assert printed == ""


def test_a_failing_quick_search_falls_back_to_ctypes_own():
    # the quick search failing (once: ctypes' full search begins with the same function), WeasyPrint is
    # imported again with the full search, and the first attempt leaves no trace
    boom = ("ldconfig, failed = ctypes.util._findSoname_ldconfig, []\n"
            "def boom(name):\n"
            "    if not failed:\n"
            "        failed.append(name)\n"
            "        raise RuntimeError('ldconfig cannot be read')\n"
            "    return ldconfig(name)\n"
            "ctypes.util._findSoname_ldconfig = boom\nimport casebook.pdf.weasy\nassert failed")
    plain, _ = _report("")
    fallen, printed = _report(boom)
    assert fallen == plain
    assert printed == ""


# The same documents written with and without casebook.pdf.weasy: the PDFs' digest, and how many array types
# naming a length ("hb_codepoint_t[137]") cffi had to parse while WeasyPrint subset their fonts.
SUBSETS = """
import hashlib, json
{before}
from weasyprint import HTML
from weasyprint.text.ffi import ffi
texts = ["Привет", "Mabuhay ang lahat", "Подписчики +83 % за 6 месяцев", "Reach x3, leads at 23 PHP each"]
pdfs = [HTML(string=f"<p>{{t}}</p>").write_pdf() for t in texts]
sized = [k for k in ffi._parsed_types if isinstance(k, str) and k.startswith("hb_codepoint_t[") and k[-2:] != "[]"]
print(json.dumps({{"digest": hashlib.sha256(b"".join(pdfs)).hexdigest(), "sized": len(sized)}}))
"""


def test_font_subsetting_makes_the_same_pdf_without_a_c_parser_run_per_font():
    # WeasyPrint names each glyph array's length in its cffi type; every new length cost a pycparser run
    # (about 4 ms, some 16 ms a case PDF)
    def run(before: str) -> dict:
        out = subprocess.run([sys.executable, "-c", SUBSETS.format(before=before)], capture_output=True, text=True,
                             timeout=120, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    plain, quick = run(""), run("import casebook.pdf.weasy")
    assert quick["digest"] == plain["digest"]
    assert plain["sized"] >= 4  # what the plain import parses (the test shows the difference it claims)
    assert quick["sized"] == 0


# fontTools.subset (subsetting where HarfBuzz cannot) and fontTools.varLib.instancer (variable fonts): imported by
# WeasyPrint up front, used by a build never (static fonts, HarfBuzz subsetting); loaded when first used.
LATER = """
import json, sys
{before}
import casebook.pdf.weasy
from weasyprint import HTML
pdf = HTML(string="<p>Привет, Mabuhay</p>").write_pdf()
later = ("fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer")
loaded = [name for name in later if name in sys.modules]
import weasyprint.pdf.fonts as fonts
from fontTools.ttLib import TTFont
try:  # the deferred function is the real one: a static font is refused as fontTools refuses it
    fonts.instantiateVariableFont(TTFont("theme/fonts/NotoSans-Regular.ttf"), {{"wght": 400}})
    refused = ""
except ValueError as exc:
    refused = str(exc)
import fontTools.varLib.instancer as instancer
print(json.dumps({{"pdf": pdf[:5].decode(), "loaded": loaded, "refused": refused,
                   "options": type(fonts.subset.Options()).__module__,
                   "instancer": instancer.instantiateVariableFont.__module__,
                   "varlib_package": hasattr(sys.modules["fontTools.varLib"], "__path__")}}))
"""


def _later(before: str = "") -> dict:
    from sitebuild import REPO

    out = subprocess.run([sys.executable, "-c", LATER.format(before=before)], capture_output=True, text=True,
                         timeout=120, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_font_tools_modules_weasyprint_never_uses_here_are_loaded_only_when_used():
    got = _later()
    assert got["pdf"] == "%PDF-" and got["loaded"] == []  # a PDF of Cyrillic and Latin text, without them
    # used, they are the real modules
    assert got["refused"] == "Missing required table fvar"
    assert got["options"] == "fontTools.subset" and got["instancer"] == "fontTools.varLib.instancer"
    assert got["varlib_package"]


def test_a_font_tools_that_needs_them_while_weasyprint_loads_gets_them():
    # as if a fontTools release imported a part of fontTools.varLib from a module WeasyPrint imports: the
    # stand-ins are not packages, so that import fails, and WeasyPrint is loaded again without them
    needs = ("import importlib, importlib.abc\n"
             "class Needs(importlib.abc.MetaPathFinder):\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'weasyprint.text.fonts':\n"
             "            importlib.import_module('fontTools.varLib.models')\n"
             "        return None\n"
             "sys.meta_path.insert(0, Needs())")
    got = _later(needs)
    assert got["pdf"] == "%PDF-" and "fontTools.varLib" in got["loaded"]
    assert got["refused"] == "Missing required table fvar" and got["varlib_package"]


# WeasyPrint's HTML parser (tinyhtml5 2.1) looks its character classes up under one key and stores them under
# another: each of some 4,000 calls a case PDF's HTML made built and compiled its class again.
PARSE = """
import hashlib, json, re
{before}
from weasyprint import HTML
import tinyhtml5.inputstream as stream
html = "<p class='a' title=\\"b &amp; c\\">Привет, <b>Mabuhay</b> &lt;3</p>" * 200
first = HTML(string=html).render().write_pdf()
compiled = []
plain = re.compile
stream.re.compile = lambda *a, **k: compiled.append(a[0]) or plain(*a, **k)
again = HTML(string=html).render().write_pdf()
print(json.dumps({{"compiled": len(compiled), "same": first == again,
                   "digest": hashlib.sha256(again).hexdigest()}}))
"""


def test_the_html_parser_makes_each_character_class_once_and_parses_as_before():
    def run(before: str) -> dict:
        out = subprocess.run([sys.executable, "-c", PARSE.format(before=before)], capture_output=True, text=True,
                             timeout=120, check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "0"})
        return json.loads(out.stdout.strip().splitlines()[-1])

    plain, kept = run(""), run("import casebook.pdf.weasy")
    assert plain["compiled"] > 100  # as shipped: a class made again call after call (the test shows what it claims)
    assert kept["compiled"] == 0  # every class the second document needs was made for the first
    assert kept["same"] and kept["digest"] == plain["digest"]  # the same document
