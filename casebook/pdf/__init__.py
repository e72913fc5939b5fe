"""PDF making: print documents composed from the site's partials, rendered with WeasyPrint.

* :mod:`casebook.pdf.compose` turns a case, a client report or the
  portfolio's cover into a print document (:class:`PdfDoc`) from the
  templates in ``theme/pdf``;
* :mod:`casebook.pdf.engine` renders one with WeasyPrint, reading only
  through :mod:`casebook.pdf.fetch`'s restricted fetcher;
* :mod:`casebook.pdf.assemble` joins case PDFs behind the portfolio's cover.

Which PDFs a build makes, in which workers, and where they go is the build's
business (:mod:`casebook.build.pdfs`, :mod:`casebook.build.casework`).
"""

from __future__ import annotations

import re

from casebook.settings import theme_dir

__all__ = ["standalone_html"]  # the modules are imported by name: WeasyPrint loads only when a PDF is rendered


_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="print.css">')
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


def standalone_html(html: str) -> str:
    """The print HTML as one file to open in a browser: stylesheet inlined, no file references."""
    css = (theme_dir() / "pdf" / "print.css").read_text("utf-8")
    css = _FONT_FACE.sub("", css).replace("</", "<\\/")
    css = css.replace('"CB Sans", "CB Symbols", ', '"Noto Sans", "DejaVu Sans", system-ui, ')
    screen = (theme_dir() / "pdf" / "standalone-screen.css").read_text("utf-8")  # the page on a screen
    return _STYLESHEET_LINK.sub(lambda _m: "<style>\n" + css + "\n" + screen + "</style>", html, count=1)
