"""casebook.build.pdftext: a name hidden in a PDF's raw and compressed strings is still read."""

from __future__ import annotations

import zlib

from casebook.build.pdftext import _raw_streams, _text_strings


def test_utf16_strings_in_compressed_streams_are_decoded():
    content = zlib.compress(b"BT <FEFF005A00650072006E006F> Tj ET")
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 1 >>\nstream\n" + content + b"\nendstream\nendobj\n"
    raw = _raw_streams(pdf)
    assert "Zerno" in "".join(_text_strings(raw))
