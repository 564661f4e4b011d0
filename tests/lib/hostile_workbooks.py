"""Workbooks built to hurt an importer, generated (never stored) and kept for the test session.

Each is a small, valid zip whose parts a naive reader unpacks or parses into far more than the
file's size: a sheet of 1 GiB of blank space, a 1 GiB styles part, 100,000 shared strings of
10 KB each, 16,384 filled columns, tags nested 5,000 deep. The big parts are written in 1 MiB
blocks, so making them never holds more than a block in memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

GIB = 1 << 30
_BLOCK = 1 << 20

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = f'<worksheet xmlns="{_MAIN}"><sheetData>'
_SHEET_TAIL = "</sheetData></worksheet>"
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>'
)
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>'
)
_STRINGS = f'<sst xmlns="{_MAIN}"><si><t>x</t></si></sst>'

Parts = dict[str, Callable[[], Iterable[bytes]]]


def _once(text: str) -> Callable[[], Iterable[bytes]]:
    return lambda: [text.encode()]


def _repeated(head: str, unit: bytes, total: int, tail: str) -> Callable[[], Iterable[bytes]]:
    """`head`, then `unit` repeated to `total` bytes in 1 MiB blocks, then `tail`."""

    def blocks() -> Iterable[bytes]:
        yield head.encode()
        block = unit * (_BLOCK // len(unit))
        written = 0
        while written < total:
            yield block
            written += len(block)
        yield tail.encode()

    return blocks


def _write(path: Path, overrides: Parts) -> Path:
    parts: Parts = {
        "[Content_Types].xml": _once(_CONTENT_TYPES),
        "_rels/.rels": _once(_ROOT_RELS),
        "xl/workbook.xml": _once(_WORKBOOK),
        "xl/_rels/workbook.xml.rels": _once(_WORKBOOK_RELS),
        "xl/styles.xml": _once(_STYLES),
        "xl/sharedStrings.xml": _once(_STRINGS),
        "xl/worksheets/sheet1.xml": _once(_SHEET_HEAD + _HEADER_ROW + _SHEET_TAIL),
        **overrides,
    }
    # Level 1 deflates a gigabyte of one repeated block in a few seconds.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, blocks in parts.items():
            with archive.open(name, "w", force_zip64=True) as handle:
                for block in blocks():
                    handle.write(block)
    return path


def _blank_sheet() -> Parts:
    sheet = _repeated(_SHEET_HEAD + _HEADER_ROW, b" ", GIB, _SHEET_TAIL)
    return {"xl/worksheets/sheet1.xml": sheet}


def _huge_styles() -> Parts:
    head = f'<styleSheet xmlns="{_MAIN}"><numFmts>'
    unit = b'<numFmt numFmtId="164" formatCode="0"/>'
    return {"xl/styles.xml": _repeated(head, unit, GIB, "</numFmts></styleSheet>")}


def _many_strings() -> Parts:
    item = b"<si><t>" + "长".encode() * 3400 + b"</t></si>"  # 10 KB
    strings = _repeated(f'<sst xmlns="{_MAIN}">', item, 100_000 * len(item), "</sst>")
    row = '<row r="2">' + "".join(f'<c r="A2" t="s"><v>{i}</v></c>' for i in range(3)) + "</row>"
    return {
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": _once(_SHEET_HEAD + _HEADER_ROW + row + _SHEET_TAIL),
    }


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _wide_rows() -> Parts:
    def blocks() -> Iterable[bytes]:
        yield (_SHEET_HEAD + _HEADER_ROW).encode()
        for row in range(2, 52):
            cells = "".join(
                f'<c r="{_column_letters(col)}{row}"><v>{row * col}</v></c>'
                for col in range(1, 16_385)
            )
            yield f'<row r="{row}">{cells}</row>'.encode()
        yield _SHEET_TAIL.encode()

    return {"xl/worksheets/sheet1.xml": blocks}


def _deep_nesting() -> Parts:
    depth = 5000
    row = '<row r="2"><c r="A2" t="inlineStr"><is>' + "<t>" * depth + "</t>" * depth
    return {
        "xl/worksheets/sheet1.xml": _once(
            _SHEET_HEAD + _HEADER_ROW + row + "</is></c></row>" + _SHEET_TAIL
        )
    }


HOSTILE: dict[str, Callable[[], Parts]] = {
    "blank-sheet-1gib": _blank_sheet,
    "styles-1gib": _huge_styles,
    "shared-strings-100k": _many_strings,
    "columns-16k": _wide_rows,
    "nesting-5000": _deep_nesting,
}


def plain_workbook(folder: Path) -> Path:
    """A harmless workbook of the same make: a header row and one row of people."""
    row = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return _write(
        folder / "plain.xlsx",
        {"xl/worksheets/sheet1.xml": _once(_SHEET_HEAD + _HEADER_ROW + row + _SHEET_TAIL)},
    )


def hostile_workbook(name: str, folder: Path) -> Path:
    """The named workbook in `folder`, made once."""
    path = folder / f"{name}.xlsx"
    if not path.exists():
        partial = folder / f"{name}.partial"
        _write(partial, HOSTILE[name]())
        partial.rename(path)
    return path
