"""sanfu.lib.exports: text stays text in .xlsx and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from sanfu.lib.exports import csv_cell, csv_response, xlsx_response


def test_csv_cells_that_would_be_formulas_get_an_apostrophe() -> None:
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("路灯不亮") == "路灯不亮"
    assert csv_cell(-3) == "-3"  # a number is not user text
    assert csv_cell(None) == ""


def test_a_csv_download_reads_back_with_the_hostile_cell_neutralised() -> None:
    response = csv_response([["标题"], ['=HYPERLINK("http://x.invalid","点击")']], filename="t")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ['\'=HYPERLINK("http://x.invalid","点击")']
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'


def test_an_xlsx_download_keeps_text_as_text_and_times_local() -> None:
    when = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    response = xlsx_response([["标题", "时间"], ["=1+1", when]], sheet_title="案件", filename="t")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    title, moment = sheet["A2"], sheet["B2"]
    assert (title.value, title.data_type) == ("=1+1", "s")
    # Asia/Shanghai wall-clock time: Excel has no time zones.
    assert moment.value == datetime(2026, 3, 2, 0, 30, tzinfo=UTC).replace(tzinfo=None)
