"""The attack collection: hostile and broken case files, profiles and media.

Every file in ``tests/corpus/attacks/cases`` (placed in a copy of the demo as
``cases/<name>``), ``tests/corpus/attacks/profiles`` (placed as
``profile.yaml``) and ``tests/corpus/attacks/pages`` (Markdown, placed as
``pages/<name>``) starts with comment lines that say what it attacks and
what must happen:

``# attack: ...``
    what the file tries.
``# expect: LINE:COLUMN: field: message``
    a located error, exactly as ``casebook check`` prints it (the placed
    file's path is prepended); a build must then exit 1 and leave no output.
``# inert: pdf|site``
    a safe build: the file is built with the others of its group ("pdf":
    with PDFs and private output; "site": the site only) and every output
    file is scanned; nothing hostile may be active anywhere.
``# marker: PWN_...``
    the token every payload of an inert file carries, so that anything the
    scan finds is traced back to the file that caused it.
``# refused: TEXT``
    the leak audit must stop the build (exit 1, TEXT in the message, no output).
``# symlink: LINK -> TARGET``
    a symbolic link to create, relative to the placed file, before loading.
``# xfail: REASON``
    a known hole outside the files this collection may fix (strict: the
    test fails once the hole is closed, so the mark gets removed).

``@OUTSIDE@`` in a file or in its expectations stands for a folder beside
the project holding secrets (``secret.txt``, ``secret.png`` with the secret
in a text chunk).  Media the files use (``media/attacks/...``) are made by
:func:`make_media` below, not committed: hand-written PNG headers, bombs,
polyglots and images carrying the secret or client names in metadata.

The scan (:func:`scan`) reads every file of the site and of the private
output, PDFs (text, metadata, link annotations) and gzip files included,
and reports: scripts that are not the site's own (compared with the inline
scripts of the demo's pages in the same build), event-handler attributes,
``javascript:``/``data:`` addresses, resources from outside hosts, style
that loads anything, frames and other active elements, chart JSON that does
not parse or could close its ``<script>`` element, evaluated Jinja, the
secret file's contents and every client name that must stay hidden (also
through entities, soft hyphens, tags or wrapped lines).
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import struct
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from PIL import Image, PngImagePlugin

from casebook.build.audit import forbidden_names, pdf_text
from casebook.cli import main
from casebook.load.cases import load_cases, load_profile
from casebook.load.project import open_project

from sitebuild import copy_demo

ATTACKS = Path(__file__).resolve().parents[1] / "corpus" / "attacks"
SECRET = "SECRET-7f3a9c2e51d04b8a"
HEADER = re.compile(r"^# (attack|expect|inert|marker|refused|symlink|xfail): (.*)$")
JINJA_EVALUATED = ("JINJAEVAL", "JFORa", "JFORb")  # what the Jinja payloads would print if evaluated
PAYLOAD = "PWN_"  # every inert payload marker starts with this


# --------------------------------------------------------------------------
# the collection


@dataclass
class Attack:
    path: Path
    kind: str  # case | profile | page
    about: str = ""
    expect: list[str] = field(default_factory=list)
    group: str = ""
    markers: list[str] = field(default_factory=list)
    refused: str = ""
    symlinks: list[tuple[str, str]] = field(default_factory=list)
    xfail: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}s/{self.path.name}"

    @property
    def placed(self) -> str:
        """Where the file goes in the project, as casebook prints it."""
        if self.kind == "page":
            return f"pages/{self.path.name}"
        return f"cases/{self.path.name}" if self.kind == "case" else "profile.yaml"

    def text(self) -> bytes:
        return self.path.read_bytes()

    def media(self) -> set[str]:
        return {m.decode() for m in re.findall(rb"media/attacks/([\w.-]+)", self.text())}


def _read(path: Path, kind: str) -> Attack:
    attack = Attack(path, kind)
    raw = path.read_bytes()
    if raw.startswith(b"\xff\xfe"):
        raw = raw[2:].decode("utf-16-le").encode("utf-8")
    elif raw[1:2] == b"\0":
        raw = raw.decode("utf-16-le").encode("utf-8")
    for line in raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").splitlines():
        if not line.startswith("#"):
            break
        m = HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "attack":
            attack.about = value
        elif key == "expect":
            attack.expect.append(value)
        elif key == "inert":
            attack.group = value
        elif key == "marker":
            attack.markers.append(value)
        elif key == "refused":
            attack.refused = value
        elif key == "symlink":
            link, _, target = value.partition(" -> ")
            attack.symlinks.append((link.strip(), target.strip()))
        elif key == "xfail":
            attack.xfail = value
    return attack


def collection() -> list[Attack]:
    found = [_read(p, "case") for p in sorted((ATTACKS / "cases").glob("*.yaml"))]
    found += [_read(p, "profile") for p in sorted((ATTACKS / "profiles").glob("*.yaml"))]
    found += [_read(p, "page") for p in sorted((ATTACKS / "pages").glob("*.md"))]
    return found


ALL = collection()
ERRORS = [a for a in ALL if a.expect]
INERT = [a for a in ALL if a.group]
REFUSED = [a for a in ALL if a.refused]
GROUPS = {"pdf": dict(pdf=True, private=True), "site": dict(pdf=False, private=False)}


def _param(attack: Attack):
    marks = [pytest.mark.xfail(strict=True, reason=attack.xfail)] if attack.xfail else []
    return pytest.param(attack, id=attack.id, marks=marks)


def test_collection_is_complete():
    assert len(ALL) >= 40
    for a in ALL:
        outcomes = [bool(a.expect), bool(a.group), bool(a.refused)]
        assert a.about and sum(outcomes) == 1, f"{a.id}: one outcome per file"
        if a.group:
            assert a.group in GROUPS and a.markers, a.id
            assert all(m.startswith(PAYLOAD) for m in a.markers), a.id
        assert "TODO" not in " ".join(a.expect), a.id
    markers = [m for a in INERT for m in a.markers]
    assert len(markers) == len(set(markers)), "markers must be unique"
    assert sum(a.kind == "profile" and bool(a.group) for a in INERT if a.group == "pdf") <= 1


# --------------------------------------------------------------------------
# media the attacks use


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(size=(64, 48), color=(40, 120, 200), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG", **save)
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size in its IHDR but holds no pixels at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IEND", b"")


def _png_bomb(side: int = 20000) -> bytes:
    """A real 1-bit PNG of side x side zero pixels: a few KB that inflate to 50 MB."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\0" * (1 + (side + 7) // 8)
    body = b"".join(comp.compress(row * 500) for _ in range(side // 500)) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def _png_with_text(*texts: str, color=(70, 80, 90)) -> bytes:
    info = PngImagePlugin.PngInfo()
    for i, text in enumerate(texts):
        info.add_text(f"Comment{i}", text)
        info.add_itxt(f"Title{i}", text, lang="en", tkey="t")
        info.add_text(f"Author{i}", text, zip=True)
    return _png(color=color, pnginfo=info)


def _jpeg(size=(64, 48), color=(200, 80, 40), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="JPEG", **save)
    return buf.getvalue()


def _jpeg_with_metadata(text: str, color=(30, 160, 90)) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x013B] = text  # Artist
    exif[0x8298] = text  # Copyright
    return _jpeg(color=color, exif=exif.tobytes(), comment=text.encode("utf-8"))


def _saved(fmt: str, mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (32, 24), 1 if mode == "1" else (10, 200, 30)).save(buf, format=fmt)
    return buf.getvalue()


def _noise(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buf, format=fmt)
    return buf.getvalue()


SCRIPT_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1">'
              b"<script>window.__pwned=1</script></svg>")
POLYGLOT_TAIL = f"<html><script>window.__pwned='PWN_POLY'</script>{SECRET}</html>".encode()


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _with_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """A PNG with one more chunk right after its IHDR (signature 8 + IHDR 25 bytes)."""
    return png[:33] + _chunk(kind, data) + png[33:]


def make_media(folder: Path, names: set[str] | None = None) -> None:
    """Write the media the attacks use (only ``names`` when given)."""
    makers = {
        "ok.png": lambda: _png(),
        "text.png": lambda: b"just some text, not an image\n",
        "page.jpg": lambda: b"<!doctype html><html><script>window.__pwned=1</script></html>\n",
        "script.svg.png": lambda: SCRIPT_SVG,
        "script.svg": lambda: SCRIPT_SVG,
        "huge-header.png": lambda: _png_header_only(100_000, 100_000),
        "big-header.png": lambda: _png_header_only(8000, 6000),
        "bomb.png": _png_bomb,
        "truncated.png": lambda: _half(_noise("PNG")),
        "truncated.jpg": lambda: _half(_noise("JPEG")),
        "truncated.gif": lambda: _half(_noise("GIF")),
        "truncated.webp": lambda: _half(_noise("WEBP")),
        "postscript.png": lambda: (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 32 24\n"
                                   b"(/etc/passwd) (r) file 100 string readstring pop print\nshowpage\n"),
        "tiff.jpg": lambda: _saved("TIFF"),
        "bitmap.png": lambda: _saved("BMP"),
        "icon.gif": lambda: _saved("ICO"),
        "xbm.webp": lambda: _saved("XBM", "1"),
        "ztxt-bomb.png": lambda: _with_chunk(_png(), b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * 50_000_000, 9)),
        "polyglot.png": lambda: _png(color=(11, 12, 13)) + POLYGLOT_TAIL,
        "chunks.png": lambda: _png_with_text(f"<script>window.__pwned='PWN_POLY'</script> {SECRET}", color=(220, 200, 10)),
        "exif.jpg": lambda: _jpeg_with_metadata(f"PWN_POLY {SECRET}"),
        "comment.gif": lambda: _gif_with_comment(f"PWN_POLY {SECRET}"),
        "big-chunk.png": lambda: _with_chunk(_png(color=(150, 20, 20)), b"tEXt",
                                             b"Comment\0" + (SECRET.encode() + b" ") * 2_100_000),  # 50 MB
        "is-jpeg.png": lambda: _jpeg(color=(20, 20, 150)),
        "named-chunks.png": lambda: _png_with_text("Velvetine Cosmetics", "velvetine-cosmetics"),
        "named-exif.jpg": lambda: _jpeg_with_metadata("Velvetine Cosmetics"),
        "named-logo.png": lambda: _png_with_text("Velvetine Cosmetics", color=(71, 81, 91)),  # not the cover's file
        "JuniperLane_cover.png": lambda: _png(color=(1, 2, 3)),
        "juniperlane-stats.png": lambda: _png(color=(3, 2, 1)),
        "Zerno-logo.png": lambda: _png(color=(90, 60, 30)),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in makers.items():
        if names is None or name in names:
            (folder / name).write_bytes(make())


def _gif_with_comment(text: str) -> bytes:
    buf = io.BytesIO()
    Image.new("P", (32, 24), 3).save(buf, format="GIF", comment=text.encode("utf-8"))
    return buf.getvalue()


# --------------------------------------------------------------------------
# projects


def make_outside(folder: Path) -> Path:
    """Secrets beside the project: what no output may ever contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.txt").write_text(SECRET + "\n", "utf-8")
    (folder / "secret.png").write_bytes(_png_with_text(SECRET))
    return folder


def _substitute(data: bytes, outside: Path) -> bytes:
    return data.replace(b"@OUTSIDE@", str(outside).encode())


def make_project(base: Path, attacks: list[Attack]) -> Path:
    """The demo, plus the attacks placed in it, plus their media and links."""
    root = copy_demo(base / "project")
    outside = make_outside(base / "outside")
    names: set[str] = set()
    for a in attacks:
        names |= a.media()
    make_media(root / "cases" / "media" / "attacks", names)
    for a in attacks:
        target = root / a.placed
        target.write_bytes(_substitute(a.text(), outside))
        for link, dest in a.symlinks:
            where = target.parent / link
            where.parent.mkdir(parents=True, exist_ok=True)
            where.symlink_to(dest.replace("@OUTSIDE@", str(outside)))
    return root


def _expected(attack: Attack, outside: Path) -> list[str]:
    return [f"{attack.placed}:{line.replace('@OUTSIDE@', str(outside))}" for line in attack.expect]


def _within(seconds: float, fn, *args):
    """Run fn; a hang becomes a failure instead of a stuck test run."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s: a hang"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _problems(attack: Attack, root: Path) -> list[str]:
    placed = root / attack.placed
    if attack.kind == "case":
        result = load_cases([placed], root)
        if result.ok:  # naming another case's hidden client shows with the whole project loaded
            result = load_cases([root / "cases"], root)
            assert not result.ok and result.cases == []
            return [p.format() for p in result.problems if p.file == attack.placed]
        assert not result.ok and result.cases == []
        return [p.format() for p in result.problems]
    profile, problems = load_profile(placed, root)
    assert profile is None
    return [p.format() for p in problems]


def _cli_build(root: Path, *args: str):
    return CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml"), "-q", *args])


def _assert_nothing_published(root: Path) -> None:
    leftovers = sorted(p.name for p in root.iterdir() if p.name.startswith((".site", ".private")))
    assert not (root / "site").exists() and not (root / "private").exists() and not leftovers


# --------------------------------------------------------------------------
# outcome 1: a located error, and a build that publishes nothing


@pytest.mark.parametrize("attack", [_param(a) for a in ERRORS])
def test_located_error(attack: Attack, tmp_path: Path):
    root = make_project(tmp_path, [attack])
    expected = _expected(attack, tmp_path / "outside")
    assert _within(60, _problems, attack, root) == expected
    result = _within(60, _cli_build, root, "--private")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output + result.stderr
    for line in expected:
        assert line in result.stderr
    _assert_nothing_published(root)


def test_50_megabyte_case_file(tmp_path: Path):
    root = copy_demo(tmp_path / "project")
    path = root / "cases" / "huge.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("slug: huge\ntitle: |\n")
        line = "  " + "lorem ipsum " * 8 + "\n"
        fh.write(line * (50_000_000 // len(line)))
    assert path.stat().st_size > 49_000_000
    result = _within(30, load_cases, [path], root)
    assert [p.format() for p in result.problems] == ["cases/huge.yaml:1:1: file is larger than 1000 KB; a case file is text"]
    build = _within(60, _cli_build, root, "--no-pdf")
    assert build.exit_code == 1 and "cases/huge.yaml:1:1: file is larger than 1000 KB" in build.stderr
    _assert_nothing_published(root)


def test_50_megabyte_profile(tmp_path: Path):
    root = copy_demo(tmp_path / "project")
    with (root / "profile.yaml").open("wb") as fh:
        fh.write(b"name: Anna\nrole: SMM\nbio: |\n" + b"  " + b"x" * 50_000_000 + b"\n")
    profile, problems = _within(30, load_profile, root / "profile.yaml", root)
    assert profile is None
    assert [p.format() for p in problems] == ["profile.yaml:1:1: file is larger than 1000 KB; a case file is text"]


# --------------------------------------------------------------------------
# outcome 2: refused by the leak audit, nothing published


@pytest.mark.xdist_group("attacks")
@pytest.mark.parametrize("attack", [_param(a) for a in REFUSED])
def test_refused_by_the_audit(attack: Attack, tmp_path: Path):
    root = make_project(tmp_path, [attack])
    result = _within(120, _cli_build, root, "--no-pdf", "--private")
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert attack.refused in result.stderr
    _assert_nothing_published(root)


# --------------------------------------------------------------------------
# outcome 3: a safe build; the scan


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    what: str
    snippet: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}: {self.snippet}"


JSON_TYPES = {"application/json", "application/ld+json", "importmap"}
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:", "file:")
FETCHING = {"src", "srcset", "poster", "data", "background", "ping", "lowsrc", "dynsrc", "codebase", "archive"}
FETCHING_LINK_RELS = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "icon",
                      "modulepreload", "manifest", "attachment", "import"}
ACTIVE_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "template",
               "portal", "xmp", "plaintext", "listing", "noembed", "isindex"}
INVISIBLE = dict.fromkeys(c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")


def _url_value(value: str) -> str:
    """An attribute value as a browser reads a URL: controls and spaces dropped."""
    return re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()


def _normal_script(text: str) -> str:
    return re.sub(r'new URL\("[^"]*",location\)', 'new URL("",location)', text).strip()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._raw: tuple[str, dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        if tag in ("script", "style"):
            self._raw = (tag, dict(attrs), [])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_data(self, data):
        if self._raw is not None:
            self._raw[2].append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            content = "".join(self._raw[2])
            if tag == "script":
                self.scripts.append((self._raw[1], content))
            else:
                self.styles.append(content)
            self._raw = None


def parse_html(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    if page._raw is not None:  # an element never closed swallows the rest of the page
        tag, attrs, parts = page._raw
        (page.scripts.append((attrs, "".join(parts))) if tag == "script" else page.styles.append("".join(parts)))
    return page


def _attr_dump(tag: str, attrs) -> str:
    return f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attrs) + ">"


def check_html(rel: str, text: str, known_inline: set[str], own_host: str = "") -> list[Finding]:
    """Everything active in one HTML document (or fragment) that is not the site's own."""
    out: list[Finding] = []
    page = parse_html(text)
    for tag, attrs in page.elements:
        dump = _attr_dump(tag, attrs)[:400]
        names = {k for k, _ in attrs}
        if tag in ACTIVE_TAGS:
            out.append(Finding(rel, f"<{tag}> element", dump))
        if tag == "meta" and "http-equiv" in names:
            out.append(Finding(rel, "meta http-equiv", dump))
        rels = set((dict(attrs).get("rel") or "").lower().split())
        for name, value in attrs:
            value = value or ""
            url = _url_value(value)
            if name.startswith("on"):
                out.append(Finding(rel, "event handler attribute", dump))
            if url.startswith(BAD_SCHEMES) and not (
                url.startswith("data:image/") and tag == "img" and name == "src"
            ):
                out.append(Finding(rel, f"{url.split(':')[0]}: address in {name}", dump))
            if name == "style" and re.search(r"url\(|expression|@import|behavior|-moz-binding", value, re.I):
                out.append(Finding(rel, "style that loads or runs something", dump))
            fetches = name in FETCHING or (tag == "link" and name == "href" and rels & FETCHING_LINK_RELS) or (
                tag in ("image", "use", "feimage") and name in ("href", "xlink:href"))
            if fetches and re.match(r"^(https?:)?//", url):
                host = urlsplit(url if not url.startswith("//") else "https:" + url).netloc
                if host != own_host:
                    out.append(Finding(rel, "resource from an outside host", dump))
    for attrs, content in page.scripts:
        kind = (attrs.get("type") or "").lower()
        if kind in JSON_TYPES:
            low = content.lower()
            if "</script" in low or "<!--" in low or "<script" in low:
                out.append(Finding(rel, "script data could close its element", content[:400]))
            try:
                json.loads(content)
            except ValueError:
                out.append(Finding(rel, "script JSON does not parse (broken out of?)", content[-400:]))
        elif attrs.get("src"):
            src = _url_value(attrs["src"])
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src) or PAYLOAD in attrs["src"]:
                out.append(Finding(rel, "script from elsewhere", _attr_dump("script", attrs.items())))
        elif _normal_script(content) not in known_inline:
            out.append(Finding(rel, "script that is not the site's own", content[:400]))
    for content in page.styles:
        # text inside CSS strings (a PDF's running footer) is inert; anything else is not
        code = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', content)
        if PAYLOAD in code or re.search(r"url\(\s*['\"]?\s*(https?:)?//|@import|expression\(", code, re.I):
            out.append(Finding(rel, "style element from a payload", content[:400]))
    return out


def text_variants(text: str) -> list[str]:
    """The text as stored, as shown (entities decoded, tags gone), invisible characters dropped."""
    shown = html.unescape(text)
    variants = [text, shown, re.sub(r"<[^>]*>", "", shown), re.sub(r"<[^>]*>", " ", shown)]
    return [v.translate(INVISIBLE) for v in variants]


def name_pattern(name: str) -> re.Pattern:
    words = [re.escape(w) for w in name.translate(INVISIBLE).split()]
    return re.compile(r"(?<!\w)" + r"[\s_\-.]*".join(words) + r"(?!\w)", re.IGNORECASE)


@dataclass
class Scan:
    findings: list[Finding]
    texts: dict[str, str]  # rel -> text as scanned (for positive checks)


def _pdf_findings(rel: str, data: bytes) -> list[Finding]:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    def res(obj):
        return obj.get_object() if isinstance(obj, IndirectObject) else obj

    out: list[Finding] = []
    reader = PdfReader(io.BytesIO(data))
    root = res(reader.trailer["/Root"])
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        if key in root:
            out.append(Finding(rel, f"PDF catalog {key}", str(res(root[key]))[:300]))
    names = res(root.get("/Names")) if "/Names" in root else {}
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if names and key in names:
            out.append(Finding(rel, f"PDF {key}", str(res(names[key]))[:300]))
    for page in reader.pages:
        for annot in res(page.get("/Annots")) or []:
            annot = res(annot)
            subtype = annot.get("/Subtype")
            if subtype in ("/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/Widget"):
                out.append(Finding(rel, f"PDF annotation {subtype}", str(annot)[:300]))
            action = res(annot.get("/A")) if "/A" in annot else None
            if not action:
                continue
            kind = action.get("/S")
            if kind == "/URI":
                uri = str(action.get("/URI"))
                if not re.match(r"^(https?:|mailto:)", uri, re.I):
                    out.append(Finding(rel, "PDF link that is not a web address", uri[:300]))
            elif kind not in ("/GoTo",):
                out.append(Finding(rel, f"PDF action {kind}", str(action)[:300]))
    return out


def scan(dirs: dict[str, Path], *, site_names: set[str], private_names: set[str], own_host: str,
         known_inline: set[str]) -> Scan:
    """Every file under dirs ({"site": ..., "private": ...}) checked; see the module docstring."""
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for label, folder in dirs.items():
        names = site_names if label == "site" else private_names
        patterns = {n: name_pattern(n) for n in names}

        def named(texts: list[str]) -> list[str]:
            """The names in texts; a regex only where the name's first word is a substring."""
            low = [t.casefold() for t in texts]
            return [n for n, rx in patterns.items()
                    if any(n.translate(INVISIBLE).split()[0].casefold() in t for t in low)
                    and any(rx.search(t) for t in texts)]
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = f"{label}/{path.relative_to(folder).as_posix()}"
            data = path.read_bytes()
            suffix = path.suffix.lower()
            if suffix == ".gz":
                data, suffix = gzip.decompress(data), Path(path.stem).suffix.lower()
            if label == "site":
                findings += [Finding(rel, "hidden client name in a file name", n) for n in named(text_variants(rel))]
            if PAYLOAD in rel:
                findings.append(Finding(rel, "payload in a file name", rel))
            if suffix == ".pdf":
                text = pdf_text(data)
                findings += _pdf_findings(rel, data)
            elif suffix in (".html", ".htm", ".json", ".xml", ".js", ".css", ".map", ".svg", ".txt", ".webmanifest"):
                text = data.decode("utf-8", "replace")
            else:  # images and anything else: raw bytes both ways
                text = data.decode("latin-1") + "\n" + data.decode("utf-8", "ignore")
                if PAYLOAD in text:
                    findings.append(Finding(rel, "payload bytes in a binary file", rel))
            texts[rel] = text
            if suffix in (".html", ".htm", ".svg"):
                findings += check_html(rel, text, known_inline, own_host)
            elif suffix == ".json":
                try:
                    doc = json.loads(text)
                except ValueError:
                    findings.append(Finding(rel, "JSON does not parse", text[:200]))
                    doc = None
                if path.name == "search_index.json" and doc:
                    for entry in doc.get("docs", []):
                        for key in ("title", "text"):  # the search box shows these as HTML
                            findings += check_html(f"{rel}#{entry.get('location')}:{key}", entry.get(key) or "",
                                                   known_inline, own_host)
                    text = text + "\n" + json.dumps(doc, ensure_ascii=False)
            elif suffix in (".js", ".css", ".map") and PAYLOAD in text:
                findings.append(Finding(rel, "payload in a script or style file", rel))
            # only markup has entities and tags to see through; the rest as stored,
            # and without invisible characters
            if suffix in (".html", ".htm", ".svg", ".xml", ".json"):
                variants = text_variants(text)
            elif suffix in (".js", ".css", ".map"):
                variants = [text]
            else:
                variants = [text, text.translate(INVISIBLE)]
            if any(SECRET in v for v in variants):
                findings.append(Finding(rel, "the secret", SECRET))
            findings += [Finding(rel, "hidden client name", n) for n in named(variants)]
            for marker in JINJA_EVALUATED:
                if marker in text:
                    findings.append(Finding(rel, "evaluated Jinja", marker))
    return Scan(sorted(set(findings)), texts)


# --------------------------------------------------------------------------
# the builds


@dataclass
class GroupBuild:
    root: Path
    site: Path
    private: Path | None
    attacks: list[Attack]
    scan: Scan
    project: object


_BUILDS: dict[str, GroupBuild | BaseException] = {}


def group_build(name: str, tmp_path_factory) -> GroupBuild:
    if name not in _BUILDS:
        try:
            _BUILDS[name] = _group_build(name, tmp_path_factory)
        except Exception as exc:  # noqa: BLE001 - every test of the group reports it, once built
            _BUILDS[name] = exc
    if isinstance(_BUILDS[name], BaseException):
        raise _BUILDS[name]
    return _BUILDS[name]


def _group_build(name: str, tmp_path_factory) -> GroupBuild:
    from casebook.build import build

    attacks = [a for a in INERT if a.group == name]
    root = make_project(tmp_path_factory.mktemp(f"attacks-{name}"), attacks)
    result = _within(600, lambda: build(root / "mkdocs.yml", quiet=True, **GROUPS[name]))
    project = open_project(root)
    site_names = forbidden_names(project)
    private_names = {c.case.client.name for c in project.cases
                     if not c.case.client.disclose_name and c.case.kind != "report"}
    demo_pages = [p for p in (result.site_dir / "cases").glob("*/index.html") if not p.parent.name.startswith("atk-")]
    known_inline = {_normal_script(content)
                    for page in demo_pages
                    for attrs, content in parse_html(page.read_text("utf-8")).scripts
                    if not attrs.get("src") and (attrs.get("type") or "").lower() not in JSON_TYPES
                    and PAYLOAD not in content}
    assert len(demo_pages) >= 5 and known_inline
    dirs = {"site": result.site_dir}
    if result.private_dir:
        dirs["private"] = result.private_dir
    own = project.profile.site_url if project.profile and project.profile.site_url else ""
    found = scan(dirs, site_names=site_names, private_names=private_names,
                 own_host=urlsplit(own).netloc, known_inline=known_inline)
    return GroupBuild(root, result.site_dir, result.private_dir, attacks, found, project)


def _slug(attack: Attack) -> str | None:
    m = re.search(rb"^slug: (\S+)$", attack.text(), re.MULTILINE)
    return m.group(1).decode() if m else None


def _hidden_name(attack: Attack) -> str | None:
    m = re.search(rb'^client: \{name: "([^"]+)", disclose_name: false|^  name: "([^"]+)"\n  disclose_name: false',
                  attack.text(), re.MULTILINE)
    return (m.group(1) or m.group(2)).decode() if m else None


def _is_private(attack: Attack) -> bool:
    return bool(re.search(rb"^(kind: report|visibility: private)$", attack.text(), re.MULTILINE))


@pytest.mark.xdist_group("attacks")
@pytest.mark.parametrize("attack", [_param(a) for a in INERT])
def test_inert(attack: Attack, tmp_path_factory):
    built = group_build(attack.group, tmp_path_factory)
    hidden = _hidden_name(attack)
    mine = [str(f) for f in built.scan.findings
            if any(m in f.snippet or m in f.file for m in attack.markers)
            or (hidden and f.what.startswith("hidden client name") and f.snippet == hidden)]
    assert mine == []
    # the attack really went through the build
    slug = _slug(attack)
    if attack.kind == "case" and _is_private(attack):
        assert built.private is not None
        assert list(built.private.rglob(f"{slug}.html")) and list(built.private.rglob(f"{slug}.pdf"))
        assert not any(slug in p.as_posix() for p in built.site.rglob("*"))
    elif attack.kind == "case":
        assert (built.site / "cases" / slug / "index.html").is_file()
        if GROUPS[attack.group]["pdf"]:
            assert (built.site / "pdf" / f"{slug}.pdf").is_file()
    else:
        assert PAYLOAD in (built.site / "about" / "index.html").read_text("utf-8")


@pytest.mark.xdist_group("attacks")
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_nothing_active_that_no_attack_explains(group, tmp_path_factory):
    """Findings that carry no attack's marker: a hole the markers do not see, or a broken page."""
    built = group_build(group, tmp_path_factory)
    markers = [m for a in INERT for m in a.markers]
    stray = [str(f) for f in built.scan.findings
             if f.what not in ("the secret", "hidden client name", "hidden client name in a file name")
             and not any(m in f.snippet or m in f.file for m in markers)]
    assert stray == []


@pytest.mark.xdist_group("attacks")
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_no_secret_and_no_hidden_name_anywhere(group, tmp_path_factory):
    built = group_build(group, tmp_path_factory)
    leaks = [str(f) for f in built.scan.findings
             if f.what in ("the secret", "hidden client name", "hidden client name in a file name")]
    assert leaks == []
    # the names the scan looks for include the attacks' hidden clients
    names = forbidden_names(built.project)
    hidden = {n for a in built.attacks if a.kind == "case" and (n := _hidden_name(a))}
    assert len(hidden) >= 3 and hidden <= names


@pytest.mark.xdist_group("attacks")
def test_chart_data_carries_the_breakout_attempt_as_data(tmp_path_factory):
    built = group_build("pdf", tmp_path_factory)
    page = (built.site / "cases" / "atk-xss-goals" / "index.html").read_text("utf-8")
    blocks = [json.loads(c) for attrs, c in parse_html(page).scripts if attrs.get("type") == "application/json"
              and "cb-chart__spec" in (attrs.get("class") or "")]
    assert blocks, "the goals page has charts"
    as_text = json.dumps(blocks, ensure_ascii=False)
    assert "</script><script>window.__pwned='PWN_GOAL'</script>" in as_text
    assert "</script" not in page.split("cb-chart__spec", 1)[1].split("</script>", 1)[0]


@pytest.mark.xdist_group("attacks")
def test_jinja_in_text_is_printed_not_run(tmp_path_factory):
    built = group_build("pdf", tmp_path_factory)
    page = parse_html((built.site / "cases" / "atk-jinja" / "index.html").read_text("utf-8"))
    shown = " ".join(page.text)
    assert "{{ 'JIN' ~ 'JAEVAL' }}" in shown
    assert "{% for x in 'ab' %}JFOR{{ x }}{% endfor %}" in shown
    pdf = pdf_text((built.site / "pdf" / "atk-jinja.pdf").read_bytes())
    assert "JAEVAL" in pdf and "JINJAEVAL" not in pdf


@pytest.mark.xdist_group("attacks")
def test_media_are_re_encoded_with_hashed_names(tmp_path_factory):
    built = group_build("site", tmp_path_factory)
    folder = built.site / "media" / "atk-media-polyglot"
    files = sorted(folder.iterdir())
    assert len(files) >= 5
    for f in files:
        assert re.fullmatch(r"[0-9a-f]{16}\.(png|jpg)", f.name)
        data = f.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff"
        assert b"tEXt" not in data and b"iTXt" not in data and b"zTXt" not in data and b"Exif" not in data
        assert SECRET.encode() not in data and b"<script" not in data


# --------------------------------------------------------------------------
# the pieces the attacks exercise, checked directly


def test_costly_markdown_renders_fast():
    """The fields of cases/md_dos.yaml took over a minute each in Python-Markdown."""
    import time

    from casebook.load import markup

    data = _within(30, load_cases, [ATTACKS / "cases" / "md_dos.yaml"], ATTACKS).cases[0].case
    texts = [data.summary, data.lessons, data.before.summary, data.after.summary, data.testimonial.quote]
    texts += [a.text for a in data.actions]
    for text in texts:
        started = time.perf_counter()
        html_out = _within(30, markup._render.__wrapped__, text)  # uncached
        assert time.perf_counter() - started < 2, text[:40]
        assert "PWN_MDDOS" in html_out and "<script" not in html_out


def test_audit_sees_names_however_they_are_written(tmp_path: Path):
    from casebook.build.audit import audit

    root = copy_demo(tmp_path / "project")
    project = open_project(root)
    site = tmp_path / "site"
    site.mkdir()
    leaks = {
        "entity.html": "<p>З&#1077;рно</p>",
        "comment.html": "<p>Зер<!-- -->но</p>",
        "soft-hyphen.html": "<p>Зер&shy;но and Зер\u00adно</p>",
        "tags.html": "<p><b>Зер</b>но</p>",
        "wrapped.html": "<p>Студия\n  маникюра «Лак»</p>",
        "escaped.json": '{"t": "\\u0417\\u0435\\u0440\\u043d\\u043e"}',
    }
    outside = {
        "style-attribute.html": '<p style="background:url(https://tracker.example/a.gif)">x</p>',
        "style-element.html": "<style>body{background:url(//tracker.example/b.gif)}</style>",
    }
    harmless = {"text.html": "<p>we wrote url(https://tracker.example/c.gif) in a lesson</p>"}
    for name, text in {**leaks, **outside, **harmless}.items():
        (site / name).write_text(text, "utf-8")
    found = {f.file: f.what for f in audit(site, project)}
    for name in leaks:
        assert found.get(name) == "undisclosed or private client name", name
    for name in outside:
        assert found.get(name) == "resource from an outside host", name
    assert "text.html" not in found


def test_truncated_image_is_refused_even_after_weasyprint_is_imported(tmp_path: Path):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES process-wide; the check must not inherit it."""
    import weasyprint  # noqa: F401 - the import is the point
    from PIL import ImageFile

    from casebook.load.media import probe

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    path = tmp_path / "half.jpg"
    path.write_bytes(_half(_jpeg((400, 300))))
    assert probe(path) == "image file is broken"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True, "the process setting is left as it was"
