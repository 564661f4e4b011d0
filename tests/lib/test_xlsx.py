"""sanfu.lib.xlsx's byte scan stays linear however the sheet is made."""

from __future__ import annotations

import io
import time

import pytest

from sanfu.lib import xlsx
from sanfu.lib.xlsx import _ROW_TAG, _scan


def test_the_scan_of_a_long_blank_run_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    # In blocks of 1 KiB, 4 MiB of blank space is 4096 blocks: when the bytes carried from block
    # to block grew with each one (quadratic), this copied gigabytes; linear, it takes moments.
    monkeypatch.setattr(xlsx, "_SCAN_BYTES", 1024)
    blank = b"<worksheet><sheetData>" + b" " * (4 << 20) + b'<row r="1"/></sheetData>'
    started = time.monotonic()
    found = _scan(io.BytesIO(blank + b"</worksheet>"), _ROW_TAG, merges=True)
    assert time.monotonic() - started < 3
    assert found.records == 1


def test_the_scan_finds_tags_cut_across_blocks_once() -> None:
    filler = b"x" * ((1 << 20) - 3)
    data = b"<a>" + filler + b'<row r="1"><c/></row><row r="2"/><mergeCell ref="A1:B3"/></a>'
    found = _scan(io.BytesIO(data), _ROW_TAG, merges=True)
    assert found.records == 2
    assert found.merges == [(1, 1, 2, 3)]


def test_the_scan_counts_the_tags_of_the_widest_row() -> None:
    data = b'<a><row r="1"><c/><c/></row><row r="2">' + b"<x/>" * 1000 + b"</row></a>"
    found = _scan(io.BytesIO(data), _ROW_TAG, merges=False)
    assert 1000 <= found.widest <= 1003
