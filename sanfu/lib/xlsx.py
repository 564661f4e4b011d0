"""Reading the first worksheet of an untrusted .xlsx file, in bounded time and memory.

An .xlsx file is a zip of XML parts, and an uploaded one may be built to hurt: a 1 MB file whose
sheet unpacks to a gigabyte of blank space, a bloated styles part, a row of millions of tags,
tags nested thousands deep. So, before anything is unpacked, `zip_open` checks the zip's own
directory: how many parts, how large each says it unpacks, the total, and how much tighter than
real workbooks a part is packed (a zip bomb's ratio is in the thousands). While a part is read,
`zip_member` counts the bytes it really unpacks. libxml2 runs with its default limits (no
`huge_tree`): at most 256 levels of nesting and 10 MB in one text. Then the sheet is scanned
once, linearly, as bytes (never parsed into objects) for its row count, its merged ranges and the
number of tags between one row's start and the next: a row is held whole while it is read, so
that number bounds the memory. Only then are the rows streamed with lxml's iterparse, which hands
Python one finished row at a time.

Every refusal is a `ValidationFailed` on the field ``file`` with a translated message that names
the reason. Values come out as openpyxl would read them: shared and inline strings, numbers (a
float where the XML has a decimal point or an exponent), booleans, and numbers in a date format
as datetimes. openpyxl is used only for its table of built-in number formats.

Use `xlsx_rows(data)` (or `sanfu.lib.tables.read_table` for .xlsx and CSV alike); `zip_open`,
`zip_member` and `xml_refusal` serve any other zip-of-XML upload.
"""

from __future__ import annotations

import heapq
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel

from sanfu.lib.errors import ValidationFailed

Cell = str | int | float | datetime | date | None
Row = tuple[int, list[Cell]]
Merge = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold. The defaults keep the reader under ~250 MB of memory for any
    file it accepts; an import that needs other bounds passes its own."""

    parts: int = 1000  # members of the zip
    part_bytes: int = 128 * MB  # any one member, unpacked
    total_bytes: int = 256 * MB  # all members, unpacked
    ratio: int = 100  # unpacked / packed size of one member ...
    ratio_from: int = 1 * MB  # ... counted for members that unpack to more than this
    small_part_bytes: int = 16 * MB  # workbook, relationships, styles: read whole
    small_part_tags: int = 500_000
    rows: int = 1_048_576  # Excel's own limit
    columns: int = 1024  # a value further right is refused
    row_tags: int = 200_000  # XML tags from one row's start to the next's
    strings: int = 2_000_000  # shared strings
    strings_bytes: int = 64 * MB  # the shared strings' part, unpacked: all are kept
    string_tags: int = 20_000  # XML tags in one shared string
    merges: int = 20_000
    merged_cells: int = 20_000_000  # cells filled from merged ranges, the whole sheet


LIMITS = Limits()

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _CELL, _VALUE, _TEXT = _NS + "row", _NS + "c", _NS + "v", _NS + "t"
_RUN, _STRING = _NS + "r", _NS + "si"
# A start tag, with or without a namespace prefix (<rowBreaks> is not a row). No pattern can
# match across a '<' but at its start, and none is longer than _LONGEST: the scan relies on both.
_PREFIX = rb"<(?:[A-Za-z_][\w.-]{0,31}:)?"
_ROW_TAG = re.compile(_PREFIX + rb"row[\s>/]")
_STRING_TAG = re.compile(_PREFIX + rb"si[\s>/]")
_MERGE = re.compile(
    _PREFIX + rb'mergeCell\s{1,32}ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"'
)
_LONGEST = 256
_SCAN_BYTES = 1 << 20


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def _unreadable(error: object) -> ValidationFailed:
    return _refused(
        _("The file cannot be read as an Excel workbook (%(error)s).") % {"error": error}
    )


# --- The zip ---------------------------------------------------------------------------------


def zip_open(data: bytes, *, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing a real workbook would not have."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _unreadable(error) from None
    try:
        zip_check(archive, limits=limits)
    except ValidationFailed:
        archive.close()
        raise
    return archive


def zip_check(archive: zipfile.ZipFile, *, limits: Limits = LIMITS) -> None:
    members = archive.infolist()
    if len(members) > limits.parts:
        raise _refused(
            _("The Excel workbook has more than %(count)d parts; no real workbook has as many.")
            % {"count": limits.parts}
        )
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > limits.part_bytes:
            raise _refused(
                _("The Excel workbook's part %(part)s unpacks to more than %(limit)d MB.")
                % {"part": member.filename[:80], "limit": limits.part_bytes // MB}
            )
        ratio = size // max(member.compress_size, 1)
        if size > limits.ratio_from and ratio > limits.ratio:
            raise _refused(
                _(
                    "The Excel workbook's part %(part)s is packed %(ratio)d times smaller than it "
                    "unpacks, more than the %(limit)d of any real workbook: it looks like a "
                    "zip bomb."
                )
                % {"part": member.filename[:80], "ratio": ratio, "limit": limits.ratio}
            )
    if total > limits.total_bytes:
        raise _refused(
            _("The Excel workbook unpacks to more than %(limit)d MB in all.")
            % {"limit": limits.total_bytes // MB}
        )


class _Counted(io.RawIOBase):
    """A member's unpacked bytes, refused past `limit` whatever the zip's directory said."""

    def __init__(self, handle: IO[bytes], name: str, limit: int) -> None:
        super().__init__()
        self._handle, self._name, self._left = handle, name, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size if size >= 0 else self._left + 1)
        self._left -= len(data)
        if self._left < 0:
            raise _refused(
                _("The Excel workbook's part %(part)s unpacks to more than its directory says.")
                % {"part": self._name[:80]}
            )
        return data

    def close(self) -> None:
        self._handle.close()
        super().close()


def zip_member(archive: zipfile.ZipFile, name: str, *, limit: int | None = None) -> IO[bytes]:
    """A member to read, which raises ValidationFailed if it unpacks to more than its declared
    size (or `limit`)."""
    info = archive.getinfo(name)
    bound = info.file_size if limit is None else min(limit, info.file_size)
    if info.file_size > bound:
        raise _refused(
            _("The Excel workbook's part %(part)s unpacks to more than %(limit)d MB.")
            % {"part": name[:80], "limit": max(bound // MB, 1)}
        )
    return _Counted(archive.open(info), name, bound)  # type: ignore[return-value]


def xml_refusal(error: etree.XMLSyntaxError, part: str) -> ValidationFailed:
    """libxml2's refusal, said in the user's language."""
    text = str(error.msg or error)
    if "depth" in text:
        message = _("The Excel workbook's part %(part)s is nested more than 256 levels deep.")
    elif "Resource limit" in text or "huge" in text.lower():
        message = _("The Excel workbook's part %(part)s holds a text longer than 10 MB.")
    else:
        message = _("The Excel workbook's part %(part)s is damaged XML (line %(line)s).")
    return _refused(message % {"part": part[:80], "line": error.lineno})


def _parser() -> Any:
    # Untrusted: no entity expansion, no network, no DTD, and libxml2's default size limits.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _iterparse(handle: IO[bytes], tag: str) -> Any:
    return etree.iterparse(handle, tag=tag, resolve_entities=False, no_network=True, load_dtd=False)


def _small_xml(archive: zipfile.ZipFile, path: str, limits: Limits) -> Any:
    """A part read whole (workbook, relationships, styles): few tags, few megabytes."""
    with zip_member(archive, path, limit=limits.small_part_bytes) as handle:
        data = handle.read()
    if data.count(b"<") > limits.small_part_tags:
        raise _refused(
            _("The Excel workbook's part %(part)s has more than %(count)d XML tags.")
            % {"part": path[:80], "count": limits.small_part_tags}
        )
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise xml_refusal(error, path) from None


# --- The scan --------------------------------------------------------------------------------


@dataclass
class _Scan:
    """What one linear pass over a part's bytes finds: records, merged ranges, and the most
    tags between one record's start and the next's (or the part's start or end)."""

    records: int = 0
    widest: int = 0
    merges: list[Merge] = field(default_factory=list)


def _scan(handle: IO[bytes], record: re.Pattern[bytes], *, merges: bool) -> _Scan:
    """One pass, in blocks; the bytes after a block's last '<' wait for the next block, unless
    they are longer than any pattern (then no match can start there but at that '<'), so the
    carried bytes never grow and the pass stays linear however the file is made."""
    found = _Scan()
    span = 0  # tags since the last record start
    carry = b""
    while True:
        block = handle.read(_SCAN_BYTES)
        data = carry + block
        cut = data.rfind(b"<") if block else -1
        if cut < 0 or len(data) - cut > _LONGEST:
            cut = len(data)
        whole, carry = data[:cut], data[cut:]
        start = 0
        for match in record.finditer(whole):
            span += whole.count(b"<", start, match.start())
            found.widest = max(found.widest, span)
            found.records += 1
            span, start = 0, match.start()
        span += whole.count(b"<", start)
        found.widest = max(found.widest, span)
        if merges:
            for match in _MERGE.finditer(whole):
                bounds = range_boundaries(match.group(1).decode())
                min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)
                found.merges.append((min_col, min_row, max_col, max_row))
        if not block:
            return found


# --- The workbook ----------------------------------------------------------------------------


def _relations(archive: zipfile.ZipFile, part: str, limits: Limits) -> list[tuple[str, str, str]]:
    """(id, type, target part's path in the zip) of each relationship of `part`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return []
    found = []
    for rel in _small_xml(archive, rels, limits).iter(_REL_NS + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found.append((rel.get("Id", ""), rel.get("Type", ""), posixpath.normpath(path)))
    return found


@dataclass(frozen=True)
class Book:
    """Where the first sheet is, its row count and merged ranges, and how to read its cells."""

    sheet: str
    rows: int
    merges: list[Merge]
    strings: list[str]
    dates: frozenset[int]
    limits: Limits


def book_open(archive: zipfile.ZipFile, *, limits: Limits = LIMITS) -> Book:
    """The first worksheet's parts; raises ValidationFailed when the zip is not a workbook, or
    is one built to exhaust the server."""
    try:
        workbook = next(
            (
                path
                for _id, kind, path in _relations(archive, "", limits)
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        relations = _relations(archive, workbook, limits)
        first = next(_small_xml(archive, workbook, limits).iter(_NS + "sheet"), None)
        sheets = {rel_id: path for rel_id, _kind, path in relations}
        if first is None or first.get(_DOC_REL) not in sheets:
            raise ValueError(_("the workbook names no worksheet"))
        sheet = sheets[first.get(_DOC_REL)]
        parts = {kind.rsplit("/", 1)[-1]: path for _id, kind, path in relations}
        strings = _shared_strings(archive, parts.get("sharedStrings"), limits)
        dates = _date_styles(archive, parts.get("styles"), limits)
        with zip_member(archive, sheet) as handle:
            scan = _scan(handle, _ROW_TAG, merges=True)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise _unreadable(error) from None
    if scan.records > limits.rows:
        raise _refused(_("The sheet has more than %(count)d rows.") % {"count": limits.rows})
    if scan.widest > limits.row_tags:
        raise _refused(
            _("A row of the sheet holds more than %(count)d XML tags; no real row has as many.")
            % {"count": limits.row_tags}
        )
    if len(scan.merges) > limits.merges:
        raise _refused(
            _("The sheet has more than %(count)d merged ranges.") % {"count": limits.merges}
        )
    return Book(
        sheet=sheet,
        rows=scan.records,
        merges=scan.merges,
        strings=strings,
        dates=dates,
        limits=limits,
    )


def _text(item: Any) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t> (not phonetic hints)."""
    direct = item.find(_TEXT)
    if direct is not None:
        return str(direct.text or "")
    return "".join(run.findtext(_TEXT) or "" for run in item.iterchildren(_RUN))


def _forget_before(element: Any) -> None:
    """Free what is read: the element's children and everything before it, at every level."""
    element.clear(keep_tail=True)
    node = element
    while (parent := node.getparent()) is not None:
        while node.getprevious() is not None:
            del parent[0]
        node = parent


def _shared_strings(archive: zipfile.ZipFile, path: str | None, limits: Limits) -> list[str]:
    if path is None:
        return []
    with zip_member(archive, path, limit=limits.strings_bytes) as handle:
        scan = _scan(handle, _STRING_TAG, merges=False)
    if scan.records > limits.strings:
        raise _refused(
            _("The Excel workbook has more than %(count)d shared strings.")
            % {"count": limits.strings}
        )
    if scan.widest > limits.string_tags:
        raise _refused(
            _("A shared string of the Excel workbook holds more than %(count)d XML tags.")
            % {"count": limits.string_tags}
        )
    strings = []
    with zip_member(archive, path) as handle:
        try:
            for _event, item in _iterparse(handle, _STRING):
                strings.append(_text(item))
                _forget_before(item)
        except etree.XMLSyntaxError as error:
            raise xml_refusal(error, path) from None
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str | None, limits: Limits) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a date."""
    if path is None:
        return frozenset()
    styles = _small_xml(archive, path, limits)
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(_NS + "numFmt"):
        formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    cell_styles = styles.find(_NS + "cellXfs")
    if cell_styles is None:
        return frozenset()
    found = set()
    for index, style in enumerate(cell_styles.iterchildren(_NS + "xf")):
        code = formats.get(int(style.get("numFmtId", "0")), "")
        if code and is_date_format(code):
            found.add(index)
    return frozenset(found)


# --- The rows --------------------------------------------------------------------------------

_DIGITS = "0123456789"


def _column(reference: str, known: dict[str, int]) -> int:
    """The 1-based column of a cell reference (B7 -> 2), its letters remembered."""
    letters = reference.rstrip(_DIGITS)
    found = known.get(letters)
    if found is None:
        found = 0
        for char in letters[:4]:
            if not "A" <= char <= "Z":
                break
            found = found * 26 + ord(char) - 64
        known[letters] = found
    return found


def _too_wide(number: int, limit: int) -> ValidationFailed:
    return _refused(
        _("Row %(row)d has a value beyond column %(limit)d; at most %(limit)d columns are read.")
        % {"row": number, "limit": limit}
    )


def book_rows(archive: zipfile.ZipFile, book: Book) -> Iterator[Row]:
    """(row number, values) of each row present in the sheet, in order."""
    strings, dates, width = book.strings, book.dates, book.limits.columns
    columns: dict[str, int] = {}
    with zip_member(archive, book.sheet) as handle:
        try:
            for _event, row in _iterparse(handle, _ROW):
                cells: list[Cell] = []
                number_text = row.get("r")
                number = int(number_text) if number_text and number_text.isdigit() else 0
                for cell in row.iterchildren(_CELL):
                    value = _value(cell, strings, dates)
                    reference = cell.get("r")
                    position = _column(reference, columns) if reference else len(cells) + 1
                    if position > width:
                        if value is None or value == "":
                            continue  # formatting far to the right: nothing to read
                        raise _too_wide(number, width)
                    if position > len(cells) + 1:
                        cells.extend([None] * (position - 1 - len(cells)))
                    cells.append(value)
                yield number, cells
                _forget_before(row)
        except etree.XMLSyntaxError as error:
            raise xml_refusal(error, book.sheet) from None


def _value(cell: Any, strings: list[str], dates: frozenset[int]) -> Cell:
    kind = cell.get("t")
    if kind == "inlineStr":
        # libxml2 joins the <t> of <is> (and of its runs) without a Python object per element.
        return "".join(cell.itertext(_TEXT))
    raw: str | None = cell.findtext(_VALUE)
    if kind == "s":
        if raw is None:
            return None
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            raise _refused(
                _("A cell refers to shared string %(index)s, which the file lacks.")
                % {"index": raw[:20]}
            ) from None
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if raw is None:
        return None
    try:
        number: int | float = int(raw)
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            raise _refused(
                _("A cell holds “%(value)s”, which is not a number.") % {"value": raw[:20]}
            ) from None
    style = cell.get("s")
    if style is not None and style.isdigit() and int(style) in dates:
        try:
            converted = from_excel(number)
        except (ValueError, OverflowError):
            return number
        return converted if converted is not None else number
    return number


# --- Merged cells and the whole reading ------------------------------------------------------


def _filled(rows: Iterator[Row], book: Book) -> Iterator[Row]:
    """The rows with merged cells filled from their top-left cell: a merged "town" or
    "household" cell applies to every row it spans. Merges become active at their top row and
    are dropped after their last, so the work is bounded by the cells filled."""
    width = book.limits.columns
    pending = sorted(
        (min_row, max_row, min_col, min(max_col, width))
        for min_col, min_row, max_col, max_row in book.merges
        if min_col <= width and (max_row > min_row or max_col > min_col)
    )
    pending.reverse()  # popped from the end, top rows first
    active: list[tuple[int, int, int, int]] = []  # (max_row, min_row, min_col, max_col) heap
    tops: dict[tuple[int, int], Cell] = {}
    budget = book.limits.merged_cells
    for number, cells in rows:
        while pending and pending[-1][0] <= number:
            min_row, max_row, min_col, max_col = pending.pop()
            heapq.heappush(active, (max_row, min_row, min_col, max_col))
        while active and active[0][0] < number:
            heapq.heappop(active)
        for _max_row, min_row, min_col, max_col in active:
            budget -= max_col - min_col + 1
            if budget < 0:
                raise _refused(
                    _("The sheet's merged ranges cover more than %(count)d cells.")
                    % {"count": book.limits.merged_cells}
                )
            if min_row == number:
                # The top row: its first cell's value spreads right, as far as the row goes.
                if len(cells) >= min_col:
                    tops[(min_row, min_col)] = cells[min_col - 1]
                    for col in range(min_col + 1, min(max_col, len(cells)) + 1):
                        cells[col - 1] = cells[min_col - 1]
                continue
            value = tops.get((min_row, min_col))
            if len(cells) < max_col:
                cells += [None] * (max_col - len(cells))
            for col in range(min_col, max_col + 1):
                cells[col - 1] = value
        yield number, cells


def xlsx_rows(data: bytes, *, limits: Limits = LIMITS) -> tuple[int, Iterator[Row]]:
    """The first sheet's row count (headers included) and its rows, merged cells filled.

    Everything that can refuse the file before its first row is checked here, so a caller
    learns of a hostile file at once; a row's own problem (too wide) comes while reading."""
    archive = zip_open(data, limits=limits)
    try:
        book = book_open(archive, limits=limits)
    except ValidationFailed:
        archive.close()
        raise

    def rows() -> Iterator[Row]:
        try:
            yield from _filled(book_rows(archive, book), book)
        finally:
            archive.close()

    return book.rows, rows()
