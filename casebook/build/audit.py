"""The leak check: scan public output for what must never be there.

Looks in every file (HTML, JSON search index, sitemap, CSS, JS, SVG, PDF
text and metadata, and what any other file says: casebook.build.auditfiles)
for private case slugs, client names that are not
disclosed, absolute paths of the build machine, and resources loaded from
outside hosts.  ``casebook build`` runs it before publishing; a finding
fails the build.

It runs over every output file on every build, so it is built for scale:
PDFs are read with PDFium (pypdfium2), and with a cache folder each file's
verdict is kept under the hash of its path and bytes, so a rebuild scans only
the files that changed (or all of them once the rules change).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from casebook import reuse, store
from casebook.build import auditentries, auditfiles, auditpages, auditpdf, auditpool, pagescan, pdftext
from casebook.build.auditfiles import TEXT_SUFFIXES, suffix_of
from casebook.build.auditfiles import Content as _Content
from casebook.build.pagescan import SCRIPT_HOST, _css_of, _is_link_only, _script_hosts
from casebook.build.pdftext import PDF_TEXT_DIR, pdf_text  # noqa: F401 - pdf_text is the audit's too
from casebook.load import filetext
from casebook.load import hidden as hidden_mod
from casebook.load import names as names_mod
from casebook.load.checks import visible
from casebook.load.hidden import hidden_names
from casebook.load.names import (NOT_CUT, Candidates, Rule, decoded_addresses, fold, latin_forms,
                                 padded, plain_words, shown_forms, vocabulary, written_forms)
from casebook.load.project import Project

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
    """Client names public output must not contain (casebook.load.hidden.hidden_names)."""
    return {h.name for h in hidden_names(project.cases)}


_WORD_RE = re.compile(r"[^\W_]+")


PIECE = 1 << 16  # characters: a long text is searched piece by piece
PIECE_OVERLAP = 2048  # more than any name or slug with the spaces between its words
_SPACE_RE = re.compile(r"\s")


def _pieces(text: str, cut: tuple[bool, bool] = NOT_CUT):
    """A long text in overlapping pieces that begin and end at white space, each with which of its edges
    are cuts (``cut``: the text's own, when it was cut from a longer one; casebook.load.masking).

    In a whole search index or a long PDF every word of many names occurs
    somewhere, so the word pre-filter lets through nearly every name and
    each name's pattern would run over all of it (names × size).  In a
    piece of 64 K characters the pre-filter holds again.  A piece starts and
    ends at white space, so a pattern's word boundaries mean what they mean
    in the whole text, and pieces overlap by more than any name's length, so
    a match across a boundary is whole in one of them.
    """
    n = len(text)
    if n <= 4 * PIECE:
        yield text, cut
        return
    start = 0
    while True:
        following = _SPACE_RE.search(text, start + PIECE)  # where the next piece starts
        if following is None:
            yield text[start:], (cut[0] or start > 0, cut[1])
            return
        nxt = following.start()
        stop = _SPACE_RE.search(text, nxt + PIECE_OVERLAP)  # this one runs that far past it
        stop_at = stop.start() if stop else n
        yield text[start:stop_at], (cut[0] or start > 0, cut[1] or stop_at < n)
        if stop_at >= n:
            return
        start = nxt


def _has(needs: frozenset[str], folded: str) -> bool:
    """Whether every needed word occurs in the case-folded text.

    A substring test: as necessary a condition as a set of the text's words,
    and many times cheaper on a PDF's megabytes of inflated streams, since
    it builds no string per word.
    """
    return all(w in folded for w in needs)


WORD_SET_FROM = 40  # needed words over all rules above which a piece's word set is the cheaper pre-filter


# A slug is matched with re's IGNORECASE, which takes İ and ı for i; casefold() makes them "i" and a combining
# dot (which ends a word) and "ı": the pre-filters read both as i, or a slug spelled with them went untried.
_AS_I = {0x130: "i", 0x131: "i"}


def _with_i(text: str) -> str:
    return text.translate(_AS_I) if "\u0130" in text or "\u0131" in text else text


def _words(text: str) -> set[str]:
    """The letter-and-digit runs of a text, case-folded (by a byte table where the text is Latin-1)."""
    return plain_words(_with_i(text))


def _slug_folded(text: str) -> str:  # for the slugs' substring pre-filter
    return _with_i(text).casefold()


def _needs(rule_text: str) -> frozenset[str]:
    """Words any match of a name or slug must contain (a necessary condition)."""
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

    return unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", html.unescape(_TAG_RE.sub("", text))))


def _write_atomic(path: Path, content: bytes) -> None:
    """Write a cache file whole or not at all, with its signed record (casebook.store); failures are ignored."""
    store.write_quietly(path, content)


# Bump when what the audit reads or how it matches changes: verdicts cached
# under an older version are then never reused.  (The hash of this file and
# the PDFium version are part of the rule set too, as a second guard.)
AUDIT_VERSION = 10  # 8: every file read for what it says (casebook.load.filetext), not as Latin-1 bytes only;
# 9: encoded addresses decoded, hashtags and handles apart (casebook.load.textfold.written_forms);
# 10: a disclosed name cut at a piece's edge masked there (casebook.load.masking)
VERDICT_GLOB = "verdicts-*.json"
CODE_SUFFIXES = (".js", ".mjs", ".css", ".map")  # searched without a Cyrillic name's Latin spellings (_Rules.for_code)
MACHINE_PATH = "absolute path of the build machine"
UNREAD = "a file the leak audit cannot read whole"


@dataclass(frozen=True)
class _Rules:
    names: dict  # name -> casebook.load.names.Rule (its folded forms, and the words each needs)
    slugs: dict  # slug -> (pattern, words it needs)
    machine_paths: frozenset  # stable from build to build
    own_host: str

    @cached_property  # noqa: B019 - asked for every file and search index entry
    def needed_words(self) -> int:
        return sum(len(needs) for _rx, needs in self.slugs.values())  # the names have their own (Candidates)

    @cached_property  # noqa: B019
    def candidates(self) -> Candidates:
        """The names a text's words might hold (casebook.load.names.Candidates): whole words and joined ones."""
        return Candidates(self.names.items())

    @cached_property  # noqa: B019
    def for_code(self) -> _Rules:
        """The rules for scripts and stylesheets: a Cyrillic name's Latin spellings left out (their minified
        words hold ``start``, ``more``, ``delta``...: «Старт» would fail every build on the theme's bundle)."""
        names = {n: Rule(n, tuple(f for f in rule.forms if f not in latin_forms(n)), rule.allowed)
                 for n, rule in self.names.items()}
        return _Rules({n: r for n, r in names.items() if r.forms}, self.slugs, self.machine_paths, self.own_host)

    @cached_property  # noqa: B019 - one rule set a build; a worker computes it once
    def key(self) -> str:
        return self.fingerprint()

    def fingerprint(self) -> str:
        """A hash of everything a verdict depends on besides the file itself."""
        try:
            import pypdfium2.version as pdfium_version  # deferred: pypdfium2 is heavy and loaded only when this runs

            engine = f"{pdfium_version.PYPDFIUM_INFO} {pdfium_version.PDFIUM_INFO}"
        except Exception:  # noqa: BLE001 - no PDFium, or an older layout
            engine = "none"
        try:
            # how names are folded and which forms they have count as much as the audit's own code
            modules = (sys.modules[__name__], pdftext, pagescan, *names_mod.MODULES, hidden_mod, auditpdf, auditentries,
                       auditpages, auditfiles, filetext)
            source = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in modules)).hexdigest()
        except OSError:
            source = ""
        spec = {
            "version": AUDIT_VERSION,
            "source": source,
            "names": [[n, list(rule.forms), list(rule.allowed)] for n, rule in sorted(self.names.items())],
            "slugs": [[s, rx.pattern, sorted(needs)] for s, (rx, needs) in sorted(self.slugs.items())],
            "machine_paths": sorted(self.machine_paths),
            "own_host": self.own_host,
            "resource": [RESOURCE_RE.pattern, CSS_URL_RE.pattern],
            "engine": engine,
            "unicode": unicodedata.unidata_version,
            "python": sys.version_info[:2],
        }
        return hashlib.sha256(json.dumps(spec, ensure_ascii=True, sort_keys=True).encode()).hexdigest()[:32]


def _rules(project: Project) -> _Rules:
    names: dict[str, tuple[str, ...]] = {}
    allowed: dict[str, tuple[str, ...]] = {}
    for hidden in hidden_names(project.cases):
        names[hidden.name] = tuple(dict.fromkeys(names.get(hidden.name, ()) + hidden.forms))
        allowed[hidden.name] = tuple(dict.fromkeys(allowed.get(hidden.name, ()) + hidden.allowed))
    private_slugs = {c.case.slug for c in project.private_cases} - {c.case.slug for c in project.public_cases}
    machine_paths = {p for p in (str(project.root), str(Path.home())) if p and p not in ("/", "/root")} | {"/root/"}
    # Names are matched as casebook.load.names folds them: every form of a name
    # (whole, its quoted part, its distinctive words) in the text folded the
    # same way, "Golden Spoon" also as golden-spoon, GOLDEN_SPOON or broken
    # across two lines, with look-alike letters or invisible characters.
    # Each form carries the words it needs: a piece whose words lack any of
    # them cannot match, so the substring test runs only where it might.
    # That keeps the audit linear in the size of the output, not in files ×
    # names.
    return _Rules(
        names={n: Rule(n, forms, allowed[n]) for n, forms in sorted(names.items())},
        slugs={s: (_word_re(s), _needs(s)) for s in sorted(private_slugs)},
        machine_paths=frozenset(machine_paths),
        own_host=urlsplit(project.profile.site_url).netloc if project.profile and project.profile.site_url else "",
    )


# long: one pass over the site: cached verdicts, new scans and the build's own paths share the loop
def audit(site_dir: Path, project: Project, extra_paths: tuple[str, ...] = (),
          cache_dir: Path | None = None) -> list[Finding]:
    """Every leak in the files under site_dir, sorted.

    With a cache_dir, each file's findings are kept under the hash of its
    path and bytes, in one file per rule set (the names, slugs, machine
    paths and host looked for, and the audit's own version): a file
    byte-identical to one already scanned under the same rules is not read
    again, and its findings, if any, are reported again.  Many new files (a
    cold build) are scanned by worker processes (casebook.build.auditpool).

    extra_paths (the build's own temporary folder, a new one each build) are
    looked for in every file on every run, outside the cache: were they part
    of the rule set, no verdict would ever be reused.  One that contains a
    cached machine path (the project root) is looked for only where that
    path was found.
    """
    site_dir = Path(site_dir)
    rules = _rules(project)
    run_paths = sorted({p for p in extra_paths if p and p not in ("/", "/root")} - rules.machine_paths)
    # a run path that contains a cached one can only be where that one was found
    covered_by = {p: {m for m in rules.machine_paths if m in p} for p in run_paths}
    cache_file = None
    verdicts: dict[str, list] = {}
    if cache_dir is not None:
        store.Cache(Path(cache_dir).parent, Path(cache_dir).name, AUDIT_VERSION)  # pruned by casebook.prune
        store.Cache(Path(cache_dir), PDF_TEXT_DIR, AUDIT_VERSION)  # when no build used them for a week
        cache_file = verdict_file(cache_dir, rules)
        verdicts = _load_verdicts(cache_file)
    parts = auditpdf.Parts(cache_dir, rules.key)  # PDFs part by part (casebook.build.auditpdf)
    auditpages.begin(cache_dir, rules.key)  # long pages piece by piece (casebook.build.auditpages)
    kept: dict[str, list] = {}
    findings: list[Finding] = []
    files = [_file_key(path, rel) for path, rel in auditpool.site_files(str(site_dir))]
    fresh = [f for f in files if f[2] not in verdicts]
    scanned = auditpool.scan_new(_scan_file, fresh, (rules, cache_dir), parts, _suffix)
    for path, rel, key, _size in files:
        cached = verdicts.get(key, scanned.get(key))
        content = None
        if cached is None:  # changed since it was hashed: scanned as it is now
            content = _Content(Path(path).read_bytes(), os.path.basename(path), cache_dir)
            key = _key(rel, content.raw)
            cached = [[f.what, f.detail] for f in _scan(rel, content, rules, parts, key)]
        found = [Finding(rel, what, detail) for what, detail in cached]
        kept[key] = cached
        findings += found
        suffix = _suffix(os.path.basename(path))
        if run_paths and (suffix in TEXT_SUFFIXES or suffix == ".pdf"):
            cached_paths = {f.detail for f in found if f.what == MACHINE_PATH}
            wanted = [p for p in run_paths if not covered_by[p] or covered_by[p] & cached_paths]
            if wanted:
                content = content or _Content(Path(path).read_bytes(), os.path.basename(path), cache_dir)
                if content.ok:
                    findings += [Finding(rel, MACHINE_PATH, p) for p in wanted if p in content.text]
    if cache_file is not None:
        if kept != verdicts:
            save_verdicts(cache_file, kept)
        else:
            store.touch(cache_file)  # in use: pruning keeps it
    parts.save(set(kept))
    auditpages.finish()  # (an audit that fails leaves its record to the next, which replaces it)
    return sorted(set(findings))


_suffix = suffix_of


def _key(rel: str, data: bytes) -> str:
    return _key_of(rel, hashlib.sha256(data).hexdigest())


def _key_of(rel: str, digest: str) -> str:
    """A file's verdict key: its path and the sha256 of its bytes."""
    return hashlib.sha256(f"{rel}\0{digest}".encode("utf-8", "surrogateescape")).hexdigest()


def _file_key(path: str, rel: str) -> tuple[str, str, str, int]:
    known = reuse.known(path)  # a file the build placed, still as placed: not read again
    if known is not None:
        return path, rel, _key_of(rel, known[0]), known[1]
    with open(path, "rb") as f:
        data = f.read()
    return path, rel, _key(rel, data), len(data)


def _scan_file(path: Path, rel: str, rules: _Rules, cache_dir: Path | None) -> tuple[str, list]:
    """One file's key, findings, the PDF parts and the long page's pieces it searched (runs in a worker,
    or here)."""
    data = Path(path).read_bytes()
    key = _key(rel, data)
    parts = auditpdf.current or auditpdf.Parts(None, rules.key)  # a spawned worker keeps nothing
    parts.new = {}
    pieces = auditpages.current  # a forked worker's: the record it inherited
    if pieces is not None:
        pieces.new = {}
    found = [[f.what, f.detail] for f in _scan(rel, _Content(data, Path(path).name, cache_dir), rules, parts, key)]
    return key, [found, parts.new, {key: parts.pdfs[key]} if key in parts.pdfs else {},
                 pieces.new if pieces is not None else {}]


def _scan(rel: str, content: _Content, rules: _Rules, parts: auditpdf.Parts | None = None,
          key: str = "") -> list[Finding]:
    """The findings of one file: its name, then (when it can be read) its content."""
    findings = []
    folded = _slug_folded(rel)
    name_of_file = padded(rel)
    for n, rule in rules.names.items():
        if rule.found_in(name_of_file):
            findings.append(Finding(rel, "undisclosed client name in a file name", n))
    for s, (rx, needs) in rules.slugs.items():
        if _has(needs, folded) and rx.search(rel):
            findings.append(Finding(rel, "private case in a file name", s))
    if not content.ok:
        return findings
    if content.suffix == ".pdf" and parts is not None:  # part by part, each part's verdict kept
        found = auditpdf.scan(content.data, key,
                              lambda t, cut: [[f.what, f.detail] for f in _scan_text(rel, ".pdf", t, rules, cut)],
                              parts, content.cache_dir)
        return sorted(set(findings + [Finding(rel, what, detail) for what, detail in found]))
    if content.suffix == ".json" and auditentries.is_index(rel):  # entry by entry, each verdict kept
        entries = auditentries.scan(content.text, lambda t: [[f.what, f.detail] for f in _scan_text(rel, ".json", t, rules)],
                                    content.cache_dir, rules.key)
        if entries is not None:
            return sorted(set(findings + [Finding(rel, what, detail) for what, detail in entries]))
    findings += _scan_text(rel, content.suffix, content.text, rules)  # (which finds what is unread)
    return sorted(set(findings + [Finding(rel, UNREAD, why) for why in content.unread]))


# long: the names and slugs over every piece of every form; the branches share the folded text
def _named(texts: list[str], rules: _Rules, slugs: bool = True,
           cut: tuple[bool, bool] = NOT_CUT) -> tuple[set[str], set[str]]:
    """The undisclosed names in every text, and (``slugs``) the private slugs in the first (as stored);
    ``cut``: which edges of the texts were cut from a longer text."""
    text = texts[0]
    found_names: set[str] = set()
    found_slugs: set[str] = set()
    # "Might it be here?" before a rule's substring test runs.  A match holds
    # each word of the form as a whole word of the folded text, so both tests
    # below are necessary conditions.  A substring test reads the piece once
    # per needed word; a set of the piece's words costs one read (about as
    # much as 20 substring tests) and answers every rule: it wins once there
    # are many rules, as there are with hundreds of clients.
    many = rules.needed_words > WORD_SET_FROM
    if many:
        def might(needs: frozenset[str], piece: str, words: set[str]) -> bool:
            return needs <= words
    else:
        def might(needs: frozenset[str], piece: str, words: str) -> bool:
            return _has(needs, words)
    prepare = _words if many else _slug_folded
    if slugs and rules.slugs:
        for piece, _cut in _pieces(text):
            words = prepare(piece)
            found_slugs |= {s for s, (rx, needs) in rules.slugs.items()
                            if s not in found_slugs and might(needs, piece, words) and rx.search(piece)}
    if rules.names:
        # The words of the folded piece first (casebook.load.names.vocabulary folds
        # each distinct word once, not every character); the piece itself is
        # folded only when all the words of some name's form are in it.
        # Only names with a form whose longest word is in the piece are tried (a necessary condition).
        for each in texts:
            for piece, edges in _pieces(each, cut):
                maybe = [(n, rules.names[n]) for n in rules.candidates(vocabulary(piece)) if n not in found_names]
                if maybe:
                    folded_piece = f" {fold(piece)} "
                    found_names |= {n for n, rule in maybe if rule.found_in(folded_piece, cut=edges)}
    return found_names, found_slugs


def _scan_text(rel: str, suffix: str, text: str, rules: _Rules, cut: tuple[bool, bool] = NOT_CUT) -> list[Finding]:
    """The findings in the content of one file (or one entry of a search index, or a piece of a PDF's text:
    ``cut`` says which of its edges were cut from a longer text), read as a file of that suffix."""
    findings: list[Finding] = []
    if suffix in CODE_SUFFIXES:
        rules = rules.for_code
    # Names are looked for in the text folded as casebook.load.names folds them
    # (once per file and form): as stored, and for markup as a reader sees it.
    texts = [text]
    if suffix in MARKUP_SUFFIXES:
        texts += shown_forms(text)
        if suffix == ".json":
            try:  # \u-escaped text as the reader gets it
                texts += shown_forms(json.dumps(json.loads(text), ensure_ascii=False))
            except ValueError:
                pass
    # what a reader also reads there: encoded web addresses decoded, hashtags and handles apart
    # (not in scripts and stylesheets, whose #ids and @rules are no one's handles)
    texts += dict.fromkeys(w for t in texts for w in (written_forms(t) if suffix not in CODE_SUFFIXES
                                                         else [decoded_addresses(t)]) if w)
    if suffix in (".html", ".htm") and len(text) > auditpages.FROM and auditpages.current is not None:
        # a long page (the index) piece by piece, each piece's answer kept (casebook.build.auditpages)
        def named_in(piece: str, as_stored: bool, edges: tuple[bool, bool]) -> tuple[set[str], set[str]]:
            return _named([piece], rules, as_stored, edges)
        found_names, found_slugs = auditpages.named(texts, named_in, PIECE_OVERLAP)
    else:
        found_names, found_slugs = _named(texts, rules, cut=cut)
    findings += [Finding(rel, "undisclosed or private client name", n) for n in found_names]
    findings += [Finding(rel, "private case", s) for s in found_slugs]
    if suffix in TEXT_SUFFIXES or suffix == ".pdf":
        for mp in sorted(rules.machine_paths):
            if mp in text:
                findings.append(Finding(rel, MACHINE_PATH, mp))
    if suffix in (".html", ".htm", ".css", ".svg"):
        for rx, where in ((RESOURCE_RE, text), (CSS_URL_RE, text if suffix == ".css" else _css_of(text))):
            for m in rx.finditer(where):
                host = urlsplit(m.group(1) if not m.group(1).startswith("//") else "https:" + m.group(1)).netloc
                if host and host != rules.own_host and not (rx is RESOURCE_RE and _is_link_only(where, m.start())):
                    findings.append(Finding(rel, "resource from an outside host", m.group(1)[:120]))
    if suffix in (".html", ".htm", ".svg"):
        findings += [Finding(rel, SCRIPT_HOST, detail) for detail in _script_hosts(text, rules.own_host)]
    return sorted(set(findings))


def verdict_file(cache_dir: Path, rules: _Rules) -> Path:
    """Where the verdicts of one rule set are kept."""
    return Path(cache_dir) / VERDICT_GLOB.replace("*", rules.fingerprint())


def save_verdicts(cache_file: Path, files: dict[str, list]) -> None:
    _write_atomic(cache_file, json.dumps({"audit": AUDIT_VERSION, "files": files}, sort_keys=True).encode())


def _load_verdicts(cache_file: Path) -> dict[str, list]:
    """The cached verdicts of one rule set; {} if there are none or the file is damaged."""
    try:
        raw = store.read(cache_file)  # an edited or emptied verdict file is not trusted: every file is read again
        if raw is None:
            return {}
        doc = json.loads(raw)
        files = doc["files"]
        if doc.get("audit") != AUDIT_VERSION or not isinstance(files, dict):
            return {}
        return {k: [[str(what), str(detail)] for what, detail in v] for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


