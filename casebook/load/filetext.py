"""What a file holds as text, whatever its format: for the leak audit and `casebook check`.

MkDocs publishes every file of the pages folder (docs_dir) and of a theme's
custom_dir as it is: a data export, a résumé, a screenshot kept there for
download.  Read as Latin-1 bytes, a UTF-8 ``.csv`` with a Cyrillic name, an
Excel "Unicode text" export (UTF-16), a ``.docx`` (a zip of XML) or the
title a photo editor wrote into a JPEG show nothing.  :func:`read` answers
what such a file says:

* a text file: its text, as UTF-8 (a BOM dropped), or as UTF-16 or UTF-32
  when it has a BOM or when its bytes have the pattern of UTF-16 text (one
  byte of each pair nearly always the same few values);
* a zip-based file (``.docx``, ``.xlsx``, ``.pptx``, ``.odt``, ``.epub``,
  ``.zip``, a zip appended to another file): each member's name and what it
  says, read the same way (an archive inside an archive too), its XML also
  as text with the tags gone; within limits against zip bombs;
* an image (PNG, JPEG, WebP, GIF): its text chunks (tEXt, zTXt, iTXt), EXIF
  (the Windows XP* tags are UTF-16LE) and XMP, read from the metadata only
  (a JPEG's or PNG's pixel data is skipped), and whatever follows its end;
* any other binary file: the runs of text in it, as UTF-8 and as UTF-16 in
  either byte order (Latin, Greek, Cyrillic, Armenian, Hebrew and Arabic
  letters).

What cannot be read whole (an encrypted member, an archive too large or too
deep, a broken one) is said in ``unread``: the audit refuses to publish it.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

MAX_MEMBERS = 10_000  # entries of one archive
MAX_MEMBER = 64 << 20  # bytes one member unpacks to, at most
MAX_UNPACKED = 256 << 20  # bytes all the members of one file (nested archives included) unpack to, at most
MAX_DEPTH = 3  # archives inside archives
MAX_INFLATED = 16 << 20  # bytes a compressed PNG text chunk inflates to, at most
SAMPLE = 4096  # bytes looked at to tell UTF-16 text

PNG = b"\x89PNG\r\n\x1a\n"
_UTF8_RUN = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]{3,}")
# letters of the alphabetic scripts, digits, punctuation and spaces; a UTF-16 run of at least 3 of them
_UTF16_RUN = re.compile("[\t\n\r\x20-\x7e\u00a0-\u024f\u0370-\u058f\u05d0-\u06ff\u1e00-\u1fff\u2000-\u206f"
                        "\u2116]{3,}")
_TAG_RE = re.compile(r"<[^>]*>")
# elements that end a word: paragraphs, headings, cells, rows, breaks (HTML, Word, ODF, Excel, PowerPoint)
_BREAK_RE = re.compile(r"</?(?:[\w.-]+:)?(?:p|h|h[1-6]|br|cr|tab|si|c|row|tr|td|th|li|div|tc|list-item|line-break|"
                       r"table-cell|table-row|title|section|body)\b[^>]*>", re.IGNORECASE)
_XML_NAMES = (".xml", ".rels", ".html", ".htm", ".xhtml", ".svg", ".opf", ".ncx")
_XP_TAGS = range(0x9C9B, 0x9CA0)  # XPTitle, XPComment, XPAuthor, XPKeywords, XPSubject: UTF-16LE bytes


@dataclass
class Contents:
    """What a file says: ``kind`` of file, its ``texts``, and what of it could not be read (``unread``)."""

    kind: str = "binary"  # "utf-8 text", "utf-16 text", "zip", "image" or "binary"
    texts: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


@dataclass
class _Budget:
    left: int = MAX_UNPACKED


def read(data: bytes, name: str = "") -> Contents:
    """The texts a file holds (see the module's docstring); ``name`` tells XML members by their suffix."""
    out = Contents()
    out.kind = _read_into(out, data, name, 0, _Budget())
    out.texts = list(dict.fromkeys(t for t in out.texts if t.strip()))
    return out


def _read_into(out: Contents, data: bytes, name: str, depth: int, budget: _Budget) -> str:
    if _is_zip(data):
        if _zip(out, data, name, depth, budget):
            return "zip"
    if data.startswith(PNG):
        _png(out, data, name, depth, budget)
        return "image"
    if data.startswith(b"\xff\xd8\xff"):
        _jpeg(out, data, name, depth, budget)
        return "image"
    if data[:4] == b"GIF8" or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        out.texts += strings(data)
        return "image"
    text, kind = decoded(data)
    if text is not None:
        out.texts.append(text)
        if name.lower().endswith(_XML_NAMES) or text.lstrip().startswith("<"):
            out.texts += markup_shown(text)
        return kind
    out.texts += strings(data)
    return "binary"


def plain_utf8(data: bytes) -> bool:
    """Whether a file is (as far as its first and last bytes tell) neither UTF-16 or UTF-32 text, an archive
    nor an image: UTF-8 text, its text the whole of what it says.  Cheap: a page of the site is not decoded twice."""
    head = data[:SAMPLE]
    return not (head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", PNG, b"\xff\xd8\xff", b"GIF8", b"RIFF"))
                or _is_zip(data) or utf16_codec(head) is not None)


def decoded(data: bytes) -> tuple[str | None, str]:
    """The text of a text file and its kind ("utf-8 text", "utf-16 text"), or (None, "binary")."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), "utf-16 text"
    codec = utf16_codec(data[:SAMPLE])
    if codec is not None:
        return data.decode(codec, errors="replace"), "utf-16 text"
    text = data.decode("utf-8-sig", errors="replace")
    if "\x00" in text[:SAMPLE] or text.count("\ufffd") > len(text) // 100:
        return None, "binary"
    return text, "utf-8 text"


def utf16_codec(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when a file's first bytes look like UTF-16 text without a BOM, else None.

    In UTF-16 text one byte of each pair (the high one) takes few values: 0
    for ASCII, 4 for Cyrillic, and so on; the other byte varies.  In ASCII
    text or compressed data both vary.
    """
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    for codec, low, high in (("utf-16-le", sample[0::2], sample[1::2]), ("utf-16-be", sample[1::2], sample[0::2])):
        common = Counter(high).most_common(2)
        if sum(n for _b, n in common) < 0.85 * len(high) or low.count(0) > 0.05 * len(low):
            continue
        text = sample.decode(codec, errors="replace")
        shown = sum(1 for c in text if c.isprintable() or c in "\t\r\n")
        if shown >= 0.9 * len(text) and "\ufffd" not in text:
            return codec
    return None


def strings(data: bytes) -> list[str]:
    """The runs of text in a binary file: as UTF-8, and as UTF-16 in either byte order and either alignment."""
    out = _UTF8_RUN.findall(data.decode("utf-8", errors="replace"))
    for codec in ("utf-16-le", "utf-16-be"):
        for start in (0, 1):
            part = data[start:]
            out += _UTF16_RUN.findall(part[: len(part) - len(part) % 2].decode(codec, errors="replace"))
    return ["\n".join(out)] if out else []


def markup_shown(text: str) -> list[str]:
    """XML or HTML as text: a paragraph's, cell's or break's tag a space, other tags gone (Word splits a word
    into runs), and every tag gone."""
    if "<" not in text:
        return []
    return [html.unescape(_TAG_RE.sub("", _BREAK_RE.sub(" ", text))), html.unescape(_TAG_RE.sub("", text))]


def _is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06") or data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557)) >= 0


# long: every member of an archive, each with its limits and the ways it cannot be read
def _zip(out: Contents, data: bytes, name: str, depth: int, budget: _Budget) -> bool:
    """Each member's name and texts; False when the bytes are not a zip after all (and do not start as one)."""
    where = f"{name}: " if depth else ""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        if data[:4] == b"PK\x03\x04":
            out.unread.append(f"{where}a zip archive that cannot be opened")
        return False
    if depth >= MAX_DEPTH:
        out.unread.append(f"{where}an archive inside archives {MAX_DEPTH} deep")
        return True
    if len(members) > MAX_MEMBERS:
        out.unread.append(f"{where}an archive of more than {MAX_MEMBERS:,} files")
        return True
    if archive.comment:
        out.texts.append(archive.comment.decode("utf-8", errors="replace"))
    for info in members:
        out.texts.append(info.filename + ("\n" + info.comment.decode("utf-8", "replace") if info.comment else ""))
        if info.is_dir():
            continue
        inner = f"{where}{info.filename}"
        if info.flag_bits & 0x1:
            out.unread.append(f"{inner}: encrypted")
            continue
        if budget.left <= 0:
            out.unread.append(f"{where}more than {MAX_UNPACKED >> 20} MB unpacked")
            return True
        try:
            with archive.open(info) as member:
                content = member.read(min(MAX_MEMBER, budget.left) + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error,
                ValueError) as exc:
            out.unread.append(f"{inner}: cannot be unpacked ({exc})")
            continue
        budget.left -= len(content)
        if len(content) > MAX_MEMBER or budget.left < 0:
            out.unread.append(f"{inner}: more than {min(MAX_MEMBER, MAX_UNPACKED) >> 20} MB unpacked")
            content = content[:MAX_MEMBER]
        _read_into(out, content, inner, depth + 1, budget)
    return True


def _png(out: Contents, data: bytes, name: str, depth: int, budget: _Budget) -> None:
    """A PNG's text chunks, EXIF and the text of every chunk but the pixels; what follows its end."""
    at, end = len(PNG), len(data)
    other: list[bytes] = []
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + size]
        if kind == b"tEXt":
            out.texts.append(body.replace(b"\0", b"\n").decode("latin-1"))
        elif kind in (b"zTXt", b"iTXt"):
            _png_text(out, kind, body, name)
        elif kind == b"eXIf":
            out.texts += exif_texts(body)
        elif kind != b"IDAT":
            other.append(body)
        at += 12 + size
        if kind == b"IEND":
            break
    out.texts += strings(b"\0".join(other))
    if at < end:
        _read_into(out, data[at:], name, depth, budget)  # appended: an archive, another file


def _png_text(out: Contents, kind: bytes, body: bytes, name: str) -> None:
    keyword, _, rest = body.partition(b"\0")
    if kind == b"zTXt":
        compressed, text, codec = True, rest[1:], "latin-1"
    else:  # iTXt: flag, method, language\0, translated keyword\0, text
        compressed, fields = rest[:1] == b"\x01", rest[2:].split(b"\0", 2)
        text, codec = (fields[2] if len(fields) == 3 else b""), "utf-8"
        out.texts += [f.decode("utf-8", errors="replace") for f in fields[:2]]
    if compressed:
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_INFLATED)
        except zlib.error:
            out.unread.append(f"{name}: a compressed text chunk that cannot be inflated")
            return
        if inflater.unconsumed_tail:
            out.unread.append(f"{name}: a text chunk of more than {MAX_INFLATED >> 20} MB")
    decoded_text = text.decode(codec, errors="replace")
    out.texts += [keyword.decode("latin-1"), decoded_text, *markup_shown(decoded_text)]


def _jpeg(out: Contents, data: bytes, name: str, depth: int, budget: _Budget) -> None:
    """A JPEG's segments up to its pixel data (EXIF, XMP, IPTC, comments), and what follows its end."""
    at, end = 2, len(data)
    while at + 4 <= end and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9 or marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        size = int.from_bytes(data[at + 2:at + 4], "big")
        body = data[at + 4:at + 2 + size]
        if marker == 0xE1 and body.startswith(b"Exif\0"):
            out.texts += exif_texts(body[6:])
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn (XMP, IPTC...), comments; not tables or frames
            out.texts += strings(body)
            if b"<x:xmpmeta" in body or b"<rdf:" in body:
                out.texts += markup_shown(body.decode("utf-8", errors="replace"))
        at += 2 + size
        if marker == 0xDA:  # start of scan: pixels to the end marker
            break
    stop = data.rfind(b"\xff\xd9")
    if at < end and stop >= at and stop + 2 < end:
        _read_into(out, data[stop + 2:], name, depth, budget)  # appended: an archive, another file


def exif_texts(tiff: bytes) -> list[str]:
    """EXIF's texts: the runs of text in it, and its Windows XP* tags, which are UTF-16LE."""
    texts = strings(tiff)
    try:
        from PIL import Image  # deferred: Pillow is heavy and loaded only for an image with EXIF

        exif = Image.Exif()
        exif.load(tiff)
        tags = dict(exif)
    except Exception:  # noqa: BLE001 - damaged EXIF: its runs of text are read above
        return texts
    for tag in _XP_TAGS:
        value = tags.get(tag)
        if isinstance(value, tuple):
            value = bytes(value)
        if isinstance(value, bytes):
            texts.append(value.decode("utf-16-le", errors="replace").rstrip("\0"))
    return texts
