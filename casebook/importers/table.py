"""Exports to tables of text cells: decoding, preambles, CSV dialects, XLSX, zips.

Platforms write their exports in several encodings: Meta's post exports are
UTF-8 with a byte-order mark, its page-level daily files UTF-16 LE with a
``sep=,`` line first (the Excel hint that names the delimiter), Russian
tools often cp1251.  Everything here reads bytes as they come and hands the
format readers a :class:`Table`: the header, the rows as lists of strings,
and each row's line number in the file, so that every message can name the
file, the row and the column.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ImportProblem

MAX_BYTES = 50_000_000  # an export larger than this is not a statistics export
MAX_MEMBERS = 200


@dataclass
class RawFile:
    """One export file (or a member of a zip) as bytes, with the name the user knows it by."""

    name: str  # as shown in messages: "exports/posts.csv" or "tiktok.zip:Overview.csv"
    data: bytes
    mtime: float  # seconds since 1970: which of two exports is newer
    order: int = 0  # position on the command line: breaks a tie in mtime
    container_date: "dt.date | None" = None  # a zip entry's date: the day the export was made
    sibling_end: "dt.date | None" = None  # the last day the other files of its zip cover (year-less dates)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return Path(self.name.rsplit(":", 1)[-1]).suffix.lower()


@dataclass
class Table:
    file: RawFile
    encoding: str
    preamble: list[str]  # lines before the header (sep=, a metric's name, "# Start date" ...)
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the file's line number of each row (1-based)
    header_line: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.file.name

    def column(self, wanted: str) -> int | None:
        """Index of a column by its header, ignoring case and surrounding spaces."""
        key = wanted.strip().casefold()
        for i, name in enumerate(self.header):
            if name.strip().casefold() == key:
                return i
        return None


def collect(paths: list[Path]) -> list[RawFile]:
    """The files under the given paths: files, folders (every file inside, sorted) and zips (every member)."""
    out: list[RawFile] = []
    for order, path in enumerate(paths):
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not files:
                raise ImportProblem(f"{path}: the folder holds no export files")
        elif path.is_file():
            files = [path]
        else:
            raise ImportProblem(f"{path}: no such file or folder")
        for f in files:
            out.extend(_read(f, order))
    return out


def _read(path: Path, order: int) -> list[RawFile]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportProblem(f"{path}: {size // 1_000_000} MB is larger than any statistics export "
                            f"({MAX_BYTES // 1_000_000} MB at most)")
    data = path.read_bytes()
    mtime = path.stat().st_mtime
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() == ".zip":
        if data[:4] == b"PK\x03\x04" and _is_xlsx(data):
            return [RawFile(str(path), data, mtime, order)]
        return _members(path, data, mtime, order)
    return [RawFile(str(path), data, mtime, order)]


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "[Content_Types].xml" in z.namelist() and any(n.startswith("xl/") for n in z.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error, NotImplementedError, RuntimeError):
        return False


def _members(path: Path, data: bytes, mtime: float, order: int) -> list[RawFile]:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in z.infolist() if not i.is_dir() and not Path(i.filename).name.startswith((".", "__MACOSX"))
                 and "__MACOSX" not in i.filename]
        if len(infos) > MAX_MEMBERS:
            raise ImportProblem(f"{path}: the zip holds {len(infos)} files; an export has a few")
        out = []
        for info in infos:
            if info.file_size > MAX_BYTES:
                raise ImportProblem(f"{path}:{info.filename}: {info.file_size // 1_000_000} MB unpacked is larger "
                                    "than any statistics export")
            member = z.read(info)
            stamp = calendar.timegm(info.date_time + (0, 0, 0)) if info.date_time[0] >= 1980 else mtime
            made = dt.date(*info.date_time[:3]) if info.date_time[0] > 1980 else None
            out.append(RawFile(f"{path}:{info.filename}", member, float(stamp), order, container_date=made))
        if not out:
            raise ImportProblem(f"{path}: the zip holds no files")
        return out
    except zipfile.LargeZipFile:
        raise ImportProblem(f"{path}: the zip is too large for an export") from None
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error, NotImplementedError, RuntimeError) as exc:
        # a damaged or cut zip fails in many ways inside zipfile and zlib
        raise ImportProblem(f"{path}: not a readable zip file ({exc}); download the export again") from None


# --------------------------------------------------------------------------
# text


def decode(file: RawFile, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding name): UTF-16 by its BOM, UTF-8 with or without BOM, else cp1251 if it reads as Russian."""
    data = file.data
    if encoding and encoding != "auto":
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportProblem(f"{file.name}: cannot be read as {encoding} ({_why(exc)}); "
                                "check the mapping's encoding") from None
        return text.lstrip("\ufeff"), encoding
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), "utf-16"
        except UnicodeDecodeError:
            raise ImportProblem(f"{file.name}: starts like UTF-16 text but is cut or damaged; "
                                "download the export again") from None
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00" and data[0:1] != b"\x00":
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ImportProblem(f"{file.name}:{line}: the file says it is UTF-8 but byte {exc.start + 1} is not; "
                                "it was changed by another program or cut; export it again") from None
    if b"\x00" in data[:4096]:
        raise ImportProblem(f"{file.name}: a binary file, not a text or spreadsheet export")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in text)
    letters = sum(ch.isalpha() for ch in text)
    if "\ufffd" in text or letters == 0 or cyrillic < letters * 0.2:
        raise ImportProblem(f"{file.name}: the text is neither UTF-8, UTF-16 nor Windows-1251 (cp1251); "
                            "save it as UTF-8 or name its encoding in a mapping file")
    return text, "cp1251"


def _why(exc: Exception) -> str:
    if isinstance(exc, LookupError):
        return "unknown encoding"
    return "bytes that are not text in that encoding"


def sniff_delimiter(lines: list[str], default: str = ",") -> str:
    """The delimiter of a header line: the most frequent of , ; and tab outside quotes."""
    for line in lines:
        if line.strip():
            counts = {d: _outside_quotes(line).count(d) for d in (",", ";", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else default
    return default


def _outside_quotes(line: str) -> str:
    out, quoted = [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def read_text_table(file: RawFile, header_at, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """A delimited text export; ``header_at(rows)`` returns the index of the header row among the parsed rows."""
    text, used = decode(file, encoding)
    lines = text.splitlines()
    preamble_delim = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        preamble_delim = lines[0].strip()[4]
    delim = delimiter or preamble_delim or sniff_delimiter([ln for ln in lines if not ln.startswith("#")][:5])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', strict=False)
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        for row in reader:
            numbers.append(reader.line_num)
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        raise ImportProblem(f"{file.name}:{reader.line_num}: the file is not valid CSV ({exc})") from None
    if text.count('"') % 2 == 1 and rows:  # quotes inside values are doubled: an odd count is a cut file
        raise ImportProblem(f"{file.name}:{numbers[-1]}: the last row ends inside a quoted value; "
                            "the file was cut short: download the export again")
    # csv's line_num is the line where a row ends; a row starts after the previous one ends
    starts = [1] + [n + 1 for n in numbers[:-1]]
    index = header_at(rows)
    if index is None:
        index = 0
    return Table(file, used, [",".join(r) for r in rows[:index]], rows[index] if rows else [],
                 [r for r in rows[index + 1:] if any(c for c in r)],
                 [s for s, r in zip(starts[index + 1:], rows[index + 1:]) if any(c for c in r)],
                 header_line=starts[index] if rows else 1, extra={"delimiter": delim})


def read_xlsx(file: RawFile) -> Table:
    """The first sheet of an XLSX export, every cell as text (dates as YYYY-MM-DD)."""
    try:
        from openpyxl import load_workbook  # deferred: openpyxl is heavy and loaded only when this runs
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportProblem(f"{file.name}: reading XLSX needs openpyxl (pip install openpyxl)") from None
    try:
        book = load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportProblem(f"{file.name}: not a readable XLSX workbook ({type(exc).__name__}); "
                            "download the export again") from None
    sheet = book.worksheets[0]
    rows, numbers = [], []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for v in values:
            if v is None:
                cells.append("")
            elif isinstance(v, dt.datetime):
                cells.append(v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" "))
            elif isinstance(v, dt.date):
                cells.append(v.isoformat())
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v).strip())
        if any(cells):
            rows.append(cells)
            numbers.append(number)
    book.close()
    if not rows:
        raise ImportProblem(f"{file.name}: the workbook's first sheet is empty")
    return Table(file, "xlsx", [], rows[0], rows[1:], numbers[1:], header_line=numbers[0])
