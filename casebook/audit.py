"""The leak check: scan public output for what must never be there.

Looks in every file (HTML, JSON search index, sitemap, CSS, JS, SVG, PDF
text and metadata) for private case slugs, client names that are not
disclosed, absolute paths of the build machine, and resources loaded from
outside hosts.  ``casebook build`` runs it before publishing; a finding
fails the build.
"""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .project import Project

TEXT_SUFFIXES = {".html", ".htm", ".js", ".json", ".xml", ".css", ".txt", ".svg", ".map", ".md", ".webmanifest"}
# attributes and CSS that make a browser fetch something
RESOURCE_RE = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed|object|link|track)\b[^>]*?\s(?:src|href|data|poster|srcset)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)
CSS_URL_RE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    what: str
    detail: str

    def format(self) -> str:
        return f"{self.file}: {self.what}: {self.detail}"


def forbidden_names(project: Project) -> set[str]:
    """Client names public output must not contain."""
    disclosed = {c.case.client.name.casefold() for c in project.public_cases if c.case.client.disclose_name}
    names = set()
    for loaded in project.cases:
        client = loaded.case.client
        if not client.disclose_name or not loaded.case.is_public:
            names.add(client.name)
        if loaded.case.report and loaded.case.report.branding and loaded.case.report.branding.name:
            if not loaded.case.is_public:
                names.add(loaded.case.report.branding.name)
    return {n for n in names if n.casefold() not in disclosed and len(n.strip()) >= 2}


_WORD_RE = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    """The letter-and-digit runs of a text, case-folded."""
    return set(_WORD_RE.findall(text.casefold()))


def _needs(rule_text: str) -> frozenset[str]:
    """Words any match of a name or slug must contain (a necessary condition)."""
    from .checks import visible

    return frozenset(_WORD_RE.findall(visible(rule_text).casefold()))


def _word_re(text: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE | re.UNICODE)


# Characters a browser does not show: a name with one inside reads as the name.
_INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
                           "\U000e0000-\U000e007f]")
_TAG_RE = re.compile(r"<[^>]*>")
MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".svg", ".json", ".txt", ".md", ".webmanifest"}


def shown_text(text: str) -> str:
    """Markup as a reader sees it: tags and comments dropped, entities decoded, invisible characters gone.

    ``Z&#101;rno``, ``Zer<!-- -->no``, ``<b>Zer</b>no`` and ``Zer&shy;no``
    all show as ``Zerno``.
    """
    import html
    import unicodedata

    return unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", html.unescape(_TAG_RE.sub("", text))))


def pdf_text(data: bytes) -> str:
    """Text and metadata of a PDF, for scanning (pypdf, with a raw fallback)."""
    try:
        import io

        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        parts = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
        parts.extend(str(v) for v in meta.values())
        if reader.outline:
            parts.append(repr(reader.outline))
        return "\n".join(parts) + "\n" + _raw_streams(data)
    except Exception:  # noqa: BLE001 - a PDF we cannot parse is scanned raw
        return _raw_streams(data)


def _raw_streams(data: bytes) -> str:
    out = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            out.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def cached_pdf_text(data: bytes, cache_dir: Path | None) -> str:
    """pdf_text, kept on disk under the PDF's hash: unchanged PDFs are read once."""
    if cache_dir is None:
        return pdf_text(data)
    import hashlib

    path = Path(cache_dir) / "pdf-text" / (hashlib.sha256(data).hexdigest() + ".txt")
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = pdf_text(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.part")
        tmp.write_text(text, "utf-8", errors="surrogatepass")
        os.replace(tmp, path)
    except (OSError, UnicodeEncodeError):
        pass
    return text


def audit(site_dir: Path, project: Project, extra_paths: tuple[str, ...] = (),
          cache_dir: Path | None = None) -> list[Finding]:
    site_dir = Path(site_dir)
    names = forbidden_names(project)
    private_slugs = {c.case.slug for c in project.private_cases}
    public_slugs = {c.case.slug for c in project.public_cases}
    private_slugs -= public_slugs
    from .checks import name_pattern

    # a name's words joined by any spaces, hyphens or underscores: "Golden
    # Spoon" also as golden-spoon, golden_spoon or broken across two lines
    # Each rule carries the words it needs: a file whose words lack any of
    # them cannot match, so the exact pattern runs only where it might.  That
    # keeps the audit linear in the size of the output, not in files × names.
    name_res = {n: (name_pattern(n), _needs(n)) for n in sorted(names)}
    slug_res = {s: (_word_re(s), _needs(s)) for s in sorted(private_slugs)}
    machine_paths = {str(project.root), str(Path.home()), *extra_paths}
    machine_paths = {p for p in machine_paths if p and p not in ("/", "/root")} | {"/root/"}
    own_host = urlsplit(project.profile.site_url).netloc if project.profile and project.profile.site_url else ""
    findings: list[Finding] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        rel_words = _words(rel)
        for n, (rx, needs) in name_res.items():
            if needs <= rel_words and rx.search(rel):
                findings.append(Finding(rel, "undisclosed client name in a file name", n))
        for s, (rx, needs) in slug_res.items():
            if needs <= rel_words and rx.search(rel):
                findings.append(Finding(rel, "private case in a file name", s))
        suffix = path.suffix.lower()
        data = path.read_bytes()
        if suffix == ".gz":
            try:
                import gzip

                data = gzip.decompress(data)
                suffix = Path(path.stem).suffix.lower()
            except OSError:
                continue
        if suffix == ".pdf":
            text = cached_pdf_text(data, cache_dir)
        elif suffix in TEXT_SUFFIXES:
            text = data.decode("utf-8", errors="replace")
        else:
            text = data.decode("latin-1")  # images: catch names in metadata chunks
        shown = ""
        if suffix in MARKUP_SUFFIXES:
            shown = shown_text(text)
            if suffix == ".json":
                try:  # \u-escaped text as the reader gets it
                    import json

                    shown += "\n" + shown_text(json.dumps(json.loads(text), ensure_ascii=False))
                except ValueError:
                    pass
        words = _words(text) | (_words(shown) if shown else set())
        for n, (rx, needs) in name_res.items():
            if needs <= words and (rx.search(text) or (shown and rx.search(shown))):
                findings.append(Finding(rel, "undisclosed or private client name", n))
        for s, (rx, needs) in slug_res.items():
            if needs <= words and rx.search(text):
                findings.append(Finding(rel, "private case", s))
        if suffix in TEXT_SUFFIXES or suffix == ".pdf":
            for mp in machine_paths:
                if mp in text:
                    findings.append(Finding(rel, "absolute path of the build machine", mp))
        if suffix in (".html", ".htm", ".css", ".svg"):
            for rx, where in ((RESOURCE_RE, text), (CSS_URL_RE, text if suffix == ".css" else _css_of(text))):
                for m in rx.finditer(where):
                    host = urlsplit(m.group(1) if not m.group(1).startswith("//") else "https:" + m.group(1)).netloc
                    if host and host != own_host and not (rx is RESOURCE_RE and _is_link_only(where, m.start())):
                        findings.append(Finding(rel, "resource from an outside host", m.group(1)[:120]))
    return sorted(set(findings))


_STYLE_ELEMENT_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTR_RE = re.compile(r"""<[a-zA-Z][^>]*?\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def _css_of(markup: str) -> str:
    """The CSS of an HTML or SVG document: style elements and style attributes.

    Text that merely mentions ``url(https://...)`` (escaped, in a paragraph)
    loads nothing and is not looked at.
    """
    import html

    parts = [m.group(1) for m in _STYLE_ELEMENT_RE.finditer(markup)]
    parts += [html.unescape(m.group(1).strip("\"'")) for m in _STYLE_ATTR_RE.finditer(markup)]
    return "\n".join(parts)


def _is_link_only(text: str, start: int) -> bool:
    """<link rel="canonical"|"alternate"...> names a URL without fetching it."""
    tag = text[start: text.find(">", start) + 1]
    if not tag.lower().startswith("<link"):
        return False
    rel = re.search(r"""rel\s*=\s*["']?([^"'>]+)""", tag, re.IGNORECASE)
    fetching = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "icon", "modulepreload", "manifest", "attachment"}
    return bool(rel) and not (set(rel.group(1).lower().split()) & fetching)
