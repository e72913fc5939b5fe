"""YAML to plain Python data, remembering where every value came from.

PyYAML alone accepts duplicate keys silently, expands aliases without limit
and reports nothing about positions once a document is constructed.  Here
the document is composed into nodes, checked, and constructed by hand so
that each value's line and column are kept in a map keyed by its path
(``("after", "metrics", "vk", "reach")``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser  # libyaml, in PyYAML's wheels
except ImportError:  # pragma: no cover - a PyYAML built without it
    CParser = None

from casebook.settings import MAX_FILE_BYTES

MAX_BYTES = MAX_FILE_BYTES  # one limit for every input file (casebook.settings)
MAX_NODES = 50_000  # constructed values, aliases counted each time they expand
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed data plus the (line, column) of every value and mapping key."""

    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # numbers as the file spells them (1e+308, 0x10, 1_000): messages quote these
    written: dict[Path_, str] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int]:
        """Best position for a path: the value, else its key, else an ancestor."""
        path = tuple(path)
        while True:
            if path in self.keys and path not in self.values:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def key_where(self, path: Path_) -> tuple[int, int]:
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.where(path)


class YamlProblem(Exception):
    def __init__(self, message: str, line: int, column: int, path: Path_ = ()):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path


STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")
)


# What text may not hold: C0 controls but tab, line feed and carriage return;
# halves of UTF-16 surrogate pairs; the non-characters U+FFFE and U+FFFF.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _pos(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self) -> None:
        self.count = 0
        self.constructor = SafeConstructor()
        self.out = Located(None)

    def build(self, node: Node, path: Path_ = (), depth: int = 0) -> Any:
        self.count += 1
        # Limits report the top-level field: the full path of the value that
        # crossed a limit (title[0][0][0]..., an alias 40 levels down) says nothing.
        if self.count > MAX_NODES:
            line, col = self.out.keys.get(path[:1], _pos(node))
            raise YamlProblem(_TOO_MANY, line, col, path[:1])
        if depth > MAX_DEPTH:
            line, col = _pos(node)
            raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", line, col, path[:1])
        if node.tag not in STANDARD_TAGS:
            line, col = _pos(node)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlProblem(
                f"unsupported YAML tag {tag!r}; a case file holds plain values only", line, col, path
            )
        self.out.values[path] = _pos(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError) as exc:
            line, col = _pos(node)
            raise YamlProblem(f"cannot read value {node.value!r}: {exc}", line, col, path) from None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.out.written[path] = node.value
        if isinstance(value, str) and ("\u2028" in value or "\u2029" in value):
            # YAML counts them as line breaks, yet keeps them in block scalars
            # and escapes; WeasyPrint fails on a paragraph separator after a
            # space ("Got ' \u2029' between two lines"): plain line breaks here.
            value = value.replace("\u2028", "\n").replace("\u2029", "\n\n")
        if isinstance(value, str) and (bad := _NOT_TEXT.search(value)):
            # only an escape in quotes ("\0", "\e", "\uFFFE") can make one: the
            # reader refuses them raw.  HTML, XML and the chart renderer (which
            # aborts the whole process on one) cannot hold them.
            code = ord(bad.group())
            kind = "a control character" if code < 0x20 else "not a character"
            line, col = _pos(node)
            where = path[:-1] if path and path[-1] == "<key>" else path
            raise YamlProblem(f"{kind} (U+{code:04X}), written as an escape; remove it", line, col, where)
        return value

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict:
        result: dict = {}
        seen: dict[Any, tuple[int, int]] = {}
        try:
            pairs = _merged_pairs(node, [MAX_NODES - self.count])
        except _TooMany:
            # merge keys that merge merges can double at every level: 1 KB
            # of YAML would otherwise list 2**40 pairs before any is built
            line, col = self.out.keys.get(path[:1], _pos(node))
            raise YamlProblem(_TOO_MANY, line, col, path[:1]) from None
        for key_node, value_node in pairs:
            if not isinstance(key_node, ScalarNode):
                line, col = _pos(key_node)
                raise YamlProblem("a key must be plain text, not a list or mapping", line, col, path)
            key = self.build(key_node, path + ("<key>",), depth + 1)
            self.out.values.pop(path + ("<key>",), None)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key_node.value) if not hasattr(key, "isoformat") else key
            hashable = key if not hasattr(key, "isoformat") else key.isoformat()
            line, col = _pos(key_node)
            if hashable in seen:
                first = seen[hashable]
                raise YamlProblem(
                    f"duplicate key {key_node.value!r} (first defined on line {first[0]})",
                    line,
                    col,
                    path + (str(hashable),),
                )
            seen[hashable] = (line, col)
            child_path = path + (key if isinstance(key, (str, int)) else str(hashable),)
            self.out.keys[child_path] = (line, col)
            result[key] = self.build(value_node, child_path, depth + 1)
        return result


_TOO_MANY = (
    f"document expands to more than {MAX_NODES} values (runaway aliases?); a case file never needs that many"
)


class _TooMany(Exception):
    """Merging listed more pairs than a document may hold."""


def _merged_pairs(node: MappingNode, budget: list[int]) -> list[tuple[Node, Node]]:
    """Pairs of a mapping with YAML merge keys (``<<: *base``) resolved.

    ``budget`` (one number in a list, shared by the recursion) is how many
    pairs may still be listed; running out raises :class:`_TooMany`.
    """
    pairs: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        if key_node.tag == "tag:yaml.org,2002:merge":
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for src in sources:
                if not isinstance(src, MappingNode):
                    line, col = _pos(src)
                    raise YamlProblem("'<<' must merge a mapping", line, col)
                found = _merged_pairs(src, budget)
                budget[0] -= len(found)
                if budget[0] < 0:
                    raise _TooMany
                merged.extend(found)
        else:
            pairs.append((key_node, value_node))
    own = {k.value for k, _ in pairs if isinstance(k, ScalarNode)}
    return [p for p in merged if not (isinstance(p[0], ScalarNode) and p[0].value in own)] + pairs


class _Guarded:
    """Composing that refuses runaway nesting as it goes.

    Composing recurses once per level, so thousands of ``[`` would end in
    Python's recursion limit (slowly, and nowhere in particular).  Well
    above the builder's own limit the problem is reported as the builder
    would: at the first value too deep, under its top-level field.
    """

    _depth = 0
    _field: str | None = None
    _too_deep = None  # (mark, field) of the first value, in document order, past the limit

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth == 2:  # a top-level field: its key, then its value
                self._field = index.value if isinstance(index, ScalarNode) else None
            if self._depth == MAX_DEPTH + 2 and self._too_deep is None:  # the root is depth 1 here, 0 in the builder
                self._too_deep = (self.peek_event().start_mark, self._field)
            if self._depth > 2 * MAX_DEPTH:
                mark, name = self._too_deep
                raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", mark.line + 1, mark.column + 1,
                                  (name,) if name else ())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_Guarded, yaml.SafeLoader):
    """PyYAML's safe loader in Python: what every file is read with when libyaml cannot read it,
    so that each problem is told in the words (and at the place) this module explains."""


if CParser is not None:
    class _FastLoader(_Guarded, Composer, CParser, Resolver):
        """libyaml's scanner and parser (five times PyYAML's in Python: 6 of a case file's 9 ms)
        under PyYAML's composer, which keeps the nesting guard, the anchors and the tags as they
        were.  Used only where it reads a file without a fault; anything else is read again by
        :class:`_Loader`."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)
else:  # pragma: no cover - a PyYAML built without libyaml
    _FastLoader = None


# Where libyaml and PyYAML read one text differently, found by running both over typing
# slips in case files: a tab, a byte-order mark, the rarer line breaks; and in a flow
# collection '?' or '!' ({followers: 2140, reach!: 19600}: PyYAML refuses it or reads it
# otherwise) or an empty value ({start: 2025-10-01, end: }: placed a column apart).
_LIBYAML_DIFFERS = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
_FLOW = re.compile("[{\\[]")
_FLOW_DIFFERS = re.compile(r"[?!]|:\s*[,\]}]")


def _fast_reads_alike(text: str) -> bool:
    """Whether libyaml reads ``text`` as PyYAML would (tests/load/test_yamlsrc.py runs both)."""
    if _LIBYAML_DIFFERS.search(text):
        return False
    return not (_FLOW_DIFFERS.search(text) and _FLOW.search(text))


def _compose(text: str) -> Node | None:
    """The document's root node (None for an empty one): libyaml first, PyYAML where that fails."""
    if _FastLoader is not None and _fast_reads_alike(text):
        try:
            loader = _FastLoader(text)
            try:
                return loader.get_single_node()
            finally:
                loader.dispose()
        except Exception:  # noqa: BLE001 - any fault: the Python loader reads it again and says what is wrong
            pass
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse(text: str) -> Located:
    """Parse one YAML document into data with positions; raise YamlProblem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(f"file is larger than {MAX_BYTES // 1000} KB; a case file is text", 1, 1)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        problem, (line, col) = _explain(exc, text)
        raise YamlProblem(f"YAML syntax error: {problem}", line, col) from None
    except yaml.reader.ReaderError as exc:
        # a control character (ESC, BEL, ...) or U+FFFE: point at it, in plain words
        at = min(max(exc.position, 0), len(text))
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        kind = "a control character" if code < 0x20 or 0x7F <= code <= 0x9F else "not a character"
        raise YamlProblem(f"{kind} (U+{code:04X}) that YAML does not allow; remove it", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", 1, 1) from None
    except RecursionError:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", 1, 1) from None
    if node is None:
        return Located(None)
    builder = _Builder()
    try:
        data = builder.build(node)
    except RecursionError:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", 1, 1) from None
    builder.out.data = data
    return builder.out


# PyYAML's words for the usual slips, in the words of the person who made them.
_PLAIN = (
    ("found character '\\t'", "a tab character; indent with spaces, not tabs"),
    ("mapping values are not allowed here",
     "a ': ' that cannot start a key here; put a value that contains ': ' in quotes, "
     "or line this key up with the keys above it"),
    ("expected <block end>, but found '<block mapping start>'",
     "this line is indented more than the keys above it; keys at one level must line up"),
    ("expected <block end>, but found '-'", "a list item '-' where a key was expected; check the indentation"),
    ("expected <block end>, but found '?'", "a key where a list item '-' was expected; check the indentation"),
    ("expected <block end>, but found '<scalar>'",
     "unexpected text after a value; check the quotes and the indentation on this line"),
    ("expected a single document", "a case file holds one YAML document (found a second '---')"),
)


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, tuple[int, int]]:
    """A syntax error in plain words, at the place the user has to fix."""
    mark = exc.problem_mark or exc.context_mark
    where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    # what PyYAML says when a key is past its length limit, in a block or in braces
    key_limit = "could not find expected ':'" in problem or "but got ':'" in problem
    near = {m.line for m in (exc.problem_mark, exc.context_mark) if m is not None} if key_limit else set()
    for line0 in sorted(near):
        found = _long_key(text, line0)
        if found is not None:
            length, column = found
            return (f"a key of {length:,} characters; YAML reads keys of at most {MAX_KEY} characters "
                    "(a field name is a word or two)"), (line0 + 1, column)
    context = exc.context or ""
    cmark = exc.context_mark
    if context.startswith("while scanning a quoted scalar") and cmark is not None:
        return "this quote is never closed", (cmark.line + 1, cmark.column + 1)
    for kind, bracket, closing in (("sequence", "[", "]"), ("mapping", "{", "}")):
        if context.startswith(f"while parsing a flow {kind}") and cmark is not None:
            return (
                f"the '{bracket}' opened here is not closed with '{closing}' "
                "(or an item in it needs quotes)",
                (cmark.line + 1, cmark.column + 1),
            )
    if mark is not None:
        opened = _quote_running_into(text, mark.line)
        if opened is not None:
            return "the quote opened here is not closed on its line", opened
    for needle, plain in _PLAIN:
        if needle in str(exc):
            return plain, where
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if "'" in problem else "?"
        return f"'*{name}' refers to no anchor '&{name}' defined above it", where
    if problem.startswith("found character") and "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "?"
        return f"a value cannot start with {char!r}; put it in quotes", where
    return problem, where


MAX_KEY = 1024  # PyYAML's limit for a plain key; past it the parser only says "could not find expected ':'"


def _long_key(text: str, line0: int) -> tuple[int, int] | None:
    """(length, 1-based column) of the first key longer than MAX_KEY on line ``line0``."""
    start = 0
    for _ in range(line0):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    if len(line) <= MAX_KEY:
        return None
    key_start = 0
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'" and line[key_start:i].strip(" -?") == "":
            quote = ch
        elif ch in ",{[":
            key_start = i + 1
        elif ch == ":" and (i + 1 == len(line) or line[i + 1] in " \t,}]"):
            head = line[key_start:i]
            body = head.lstrip(" \t-?")
            if len(body.rstrip()) > MAX_KEY:
                return len(body.rstrip()), key_start + (len(head) - len(body)) + 1
            key_start = i + 1
    return None


def _quote_running_into(text: str, line0: int) -> tuple[int, int] | None:
    """Start of a quoted value that spans lines and ends on line ``line0`` (0-based).

    A quote left open swallows the line break and closes at the next quote
    further down, so the parser trips there; the slip is where it opened.
    """
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > line0:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.start_mark.line < token.end_mark.line == line0
            ):
                found = (token.start_mark.line + 1, token.start_mark.column + 1)
    except yaml.YAMLError:
        pass
    return found


def decode(raw: bytes) -> str:
    """Bytes of a case file to text: UTF-8 (a BOM is allowed), else an error."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"file is larger than {MAX_BYTES // 1000} KB; a case file is text", 1, 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            "file is not UTF-8 text (save it as UTF-8)", line, col
        ) from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text[:at].count("\n") + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise YamlProblem("file contains a NUL byte; it is not a text file", line, col)
    return text
