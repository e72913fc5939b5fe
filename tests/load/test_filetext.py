"""What a file holds as text, whatever its format (casebook.load.filetext)."""

from __future__ import annotations

import io
import os
import zipfile

from PIL import Image, PngImagePlugin

from casebook.load import filetext

NAME = "Зерно"


def said(data: bytes, name: str = "") -> str:
    return "\n".join(filetext.read(data, name).texts)


def test_utf16_text_is_told_with_and_without_a_bom():
    text = f"client\tleads\r\n{NAME}\t396\r\nGolden Spoon\t12\r\n"
    assert filetext.read(text.encode("utf-16"), "export.txt").kind == "utf-16 text"  # Excel's "Unicode text"
    for codec in ("utf-16-le", "utf-16-be"):
        got = filetext.read(text.encode(codec), "export.txt")
        assert got.kind == "utf-16 text" and NAME in got.texts[0]
    only_cyrillic = ("Клиент Зерно, Казань; " * 20).encode("utf-16-le")  # no NUL byte at all
    assert NAME in said(only_cyrillic)


def test_utf8_text_and_binary_data_are_not_taken_for_utf16():
    assert filetext.read(("plain ascii text, " * 300).encode(), "a.txt").kind == "utf-8 text"
    assert filetext.read(f"{NAME},396\n".encode(), "a.csv").kind == "utf-8 text"
    noise = os.urandom(200_000)
    assert filetext.read(noise, "a.bin").kind == "binary"
    assert len(said(noise)) < len(noise) // 4  # runs of text only, not the whole noise again


def test_a_name_in_binary_data_is_read_in_utf8_and_utf16():
    for codec in ("utf-8", "utf-16-le", "utf-16-be"):
        for pad in (b"", b"\x01"):  # either alignment
            data = os.urandom(3000) + pad + f"Title: {NAME}".encode(codec) + os.urandom(3000)
            assert NAME in said(data), (codec, pad)


def docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", text)
    return buf.getvalue()


def test_an_archive_is_read_member_by_member_with_its_xml_as_text():
    # Word splits a word into runs; a paragraph's end is a word's end
    xml = (f"<w:body><w:p><w:r><w:t>Clients: {NAME[:3]}</w:t></w:r><w:r><w:t>{NAME[3:]}</w:t></w:r></w:p>"
           "<w:p><w:r><w:t>Golden Spoon</w:t></w:r></w:p></w:body>")
    text = said(docx(xml), "resume.docx")
    assert f"Clients: {NAME}" in text and f"{NAME} " in text
    inner = docx(f"<t>{NAME}</t>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("cv/resume.docx", inner)
        z.writestr(f"clients/{NAME}.csv", "x")
    text = said(buf.getvalue(), "all.zip")
    assert f"clients/{NAME}.csv" in text and f"<t>{NAME}</t>" in text
    assert NAME in said(os.urandom(500) + docx(f"<t>{NAME}</t>"), "x.bin")  # a zip appended to another file


def test_what_cannot_be_read_whole_is_said(monkeypatch):
    data = bytearray(docx("<t>secret</t>"))
    data[6] |= 1  # the first member's local header and its central directory entry: encrypted
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    assert filetext.read(bytes(data), "a.zip").unread == ["[Content_Types].xml: encrypted"]
    monkeypatch.setattr(filetext, "MAX_MEMBER", 1000)
    bomb = docx("<t>" + "0" * 5000 + "</t>")
    assert any("more than" in why for why in filetext.read(bomb, "a.docx").unread)
    assert filetext.read(b"PK\x03\x04 broken", "a.zip").unread == ["a zip archive that cannot be opened"]


def test_image_text_chunks_exif_and_xmp_are_read():
    im = Image.new("RGB", (32, 32), "white")
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Description", f"Скриншот кабинета: кофейня {NAME}, Казань", zip=True)
    info.add_text("Author", "Golden Spoon", zip=True)  # zTXt
    buf = io.BytesIO()
    im.save(buf, "PNG", pnginfo=info)
    text = said(buf.getvalue(), "shot.png")
    assert NAME in text and "Golden Spoon" in text
    exif = Image.Exif()
    exif[0x9C9B] = NAME.encode("utf-16-le") + b"\0\0"  # XPTitle, as Windows writes it
    exif[0x010E] = "Golden Spoon"  # ImageDescription
    xmp = f'<x:xmpmeta><rdf:Description><dc:title>Golden &amp; {NAME}</dc:title></rdf:Description></x:xmpmeta>'
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), xmp=xmp.encode())
    got = filetext.read(buf.getvalue(), "shot.jpg")
    assert got.kind == "image" and NAME in "\n".join(got.texts) and "Golden Spoon" in "\n".join(got.texts)
    assert f"Golden & {NAME}" in "\n".join(got.texts)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)  # what casebook publishes: re-encoded, no metadata
    assert NAME not in said(buf.getvalue())
