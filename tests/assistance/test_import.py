from __future__ import annotations

from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
from sanfu.assistance.models import ImportBatch, SourceRecord
from tests.assistance.conftest import HEADER, LI, WANG, ZHANG, Bodies, csv_bytes, xlsx_bytes


def _import(bodies: Bodies, name: str, data: bytes) -> ImportBatch:
    mapping = mapping_guess(source=bodies.civil, file_name=name, data=data)
    batch, _created = batch_upload(
        source=bodies.civil, mapping=mapping, file_name=name, data=data, user=None
    )
    if batch_claim(batch.pk):
        batch = batch_process(batch=batch)
    return batch


def test_it_imports_gbk_csv_keeping_good_rows_and_naming_bad_ones(bodies: Bodies) -> None:
    rows = [
        HEADER,
        ["张三 ", ZHANG, "１３８００１３８０００", "石门镇", "DB01", "800", "2025-07-01"],
        [
            "李四",
            LI[:-1] + ("0" if LI[-1] != "0" else "1"),
            "13800138001",
            "石门镇",
            "DB01",
            "800",
            "2025-07-01",
        ],
        ["王五", WANG, "13800138002", "石门", "城乡低保", "八百", "2025-07-01"],
        ["王五", WANG, "13800138002", "石门", "城乡低保", "800", "2025-02-30"],
        HEADER,
        ["赵六", "3.30102E+17", "13800138003", "石门镇", "DB01", "800", "2025-07-01"],
        ["钱七", LI, "13800138004", "白岩镇", "XX99", "800", "2025-07-01"],
    ]
    batch = _import(bodies, "低保.csv", csv_bytes(rows, "gbk"))
    assert batch.state == "done", batch.error
    assert (batch.kept, batch.refused, batch.skipped) == (1, 5, 1)
    issues = {issue.row: (issue.column, issue.message) for issue in batch.issues.all()}
    assert issues[3][0] == "身份证号"
    assert issues[4][0] == "发放金额"
    assert issues[5][0] == "发放日期"
    assert issues[7][0] == "身份证号"
    assert "Excel" in issues[7][1]
    assert issues[8][0] == "项目"
    record = SourceRecord.objects.get()
    assert (record.name, record.phone) == ("张三", "13800138000")

    again = _import(bodies, "低保.csv", csv_bytes(rows, "gbk"))
    assert again.pk == batch.pk
    assert SourceRecord.objects.count() == 1


def test_it_reads_xlsx_with_merged_cells_and_refuses_float_ids(bodies: Bodies) -> None:
    header: list[object] = list(HEADER)
    rows: list[list[object]] = [
        ["2025年7月低保发放名单"],
        header,
        ["张三", ZHANG, "13800138000", "石门镇", "DB01", 800, "2025-07"],
        ["李四", LI, "13800138001", None, "DB01", 800, "2025-07"],
        header,
        ["王五", 3.30102199001011e17, "13800138002", "白岩镇", "DB01", 800, "2025-07"],
    ]
    batch = _import(bodies, "低保.xlsx", xlsx_bytes(rows, merges=("A1:G1", "D3:D4")))
    assert batch.state == "done", batch.error
    assert (batch.kept, batch.refused) == (2, 1)
    li = SourceRecord.objects.get(name="李四")
    assert li.town is not None
    assert li.town.name == "石门镇"
    assert str(li.given_on) == "2025-07-01"
    issue = batch.issues.get(refused=True)
    assert issue.row == 6
    assert issue.column == "身份证号"


def test_excel_date_cells_and_numbers_are_read_as_such(bodies: Bodies) -> None:
    from datetime import date

    header: list[object] = list(HEADER)
    rows: list[list[object]] = [
        header,
        ["张三", ZHANG, 13800138000, "石门镇", "DB01", 800.5, date(2025, 7, 3)],
    ]
    batch = _import(bodies, "日期.xlsx", xlsx_bytes(rows))
    assert batch.kept == 1, list(batch.issues.values_list("message", flat=True))
    record = SourceRecord.objects.get()
    assert (str(record.given_on), str(record.amount), record.phone) == (
        "2025-07-03",
        "800.50",
        "13800138000",
    )


def test_imports_and_matching_clean_fields_one_way(bodies: Bodies) -> None:
    """What a valid ID number, phone, date and name is, is decided once (linkage.clean): each
    awkward cell is kept by the import as that cleaner spells it, or refused where it refuses."""
    from sanfu.assistance.linkage import clean

    old_id = ZHANG[:6] + ZHANG[8:17]  # the 15-digit number of before 1999
    cells = [
        ("张 三", "３３０２９９ " + ZHANG[6:], "+86 138-0013-8000", "2025年7月1日"),
        ("Zhang  Wei", old_id, "0086 13800138001", "2025/7/2"),
        ("阿卜杜•热合曼", LI, "(0571)88886666", "20250703"),
        ("王五", WANG, "12345678901", "2025-07-04"),  # no mobile starts with 12
        ("王五", WANG, "13800138002", "2025-02-30"),
        ("王1五", WANG, "13800138002", "2025-07-05"),
    ]
    rows = [["姓名", "身份证号", "联系电话", "项目", "发放金额", "发放日期"]]
    rows += [[n, i, p, "DB01", "800", d] for n, i, p, d in cells]
    batch = _import(bodies, "一致.csv", csv_bytes(rows))
    assert batch.state == "done", batch.error
    refused = {issue.row: issue.column for issue in batch.issues.filter(refused=True)}
    for row, (name, number, phone, day) in enumerate(cells, start=2):
        try:
            expected = (
                clean.clean_name(name),
                clean.clean_id_number(number),
                clean.clean_phone(phone),
                clean.clean_date(day),
            )
        except ValueError:
            assert row in refused, (row, name, number, phone, day)
            continue
        record = SourceRecord.objects.get(row=row)
        assert (record.name, record.id_number, record.phone, str(record.given_on)) == expected
    assert refused == {5: "联系电话", 6: "发放日期", 7: "姓名"}
    assert SourceRecord.objects.get(row=3).id_number == clean.clean_id_number(old_id)


def _swap_sheet_parts(data: bytes) -> bytes:
    """The same workbook with its two sheets stored under each other's part names, as Excel
    leaves them after sheets are reordered: the first sheet is then xl/worksheets/sheet2.xml."""
    import io
    import zipfile

    one, two = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            name = {one: two, two: one}.get(item.filename, item.filename)
            content = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"sheet1.xml", b"SHEET").replace(
                    b"sheet2.xml", b"sheet1.xml"
                )
                content = content.replace(b"SHEET", b"sheet2.xml")
            target.writestr(name, content)
    return out.getvalue()


def test_xlsx_is_read_from_its_first_sheet_whatever_its_part_and_string_kinds(
    bodies: Bodies,
) -> None:
    """The first sheet in the workbook's order (not the first part in the zip), shared strings
    with rich-text runs, inline strings of write-only workbooks, and a cell gap."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["这一页不是名单"])
    sheet = book.create_sheet("名单")
    book.move_sheet(sheet, offset=-1)  # first in order
    sheet.append(HEADER)
    rich = CellRichText("张", TextBlock(InlineFont(b=True), "三"))
    sheet.append([rich, ZHANG, "13800138000", "石门镇", "DB01", 800, "2025-07-01"])
    sheet.append(["李四", LI, None, "石门镇", "DB01", 800, "2025-07-01"])
    out = io.BytesIO()
    book.save(out)
    batch = _import(bodies, "多页.xlsx", _swap_sheet_parts(out.getvalue()))
    assert (batch.state, batch.kept, batch.refused) == ("done", 2, 0), batch.error
    assert set(SourceRecord.objects.values_list("name", flat=True)) == {"张三", "李四"}

    streamed = Workbook(write_only=True)
    only = streamed.create_sheet()
    only.append(HEADER)
    only.append(["王五", WANG, "13800138002", "白岩镇", "DB01", "800", "2025-07-01"])
    out = io.BytesIO()
    streamed.save(out)
    batch = _import(bodies, "流式.xlsx", out.getvalue())
    assert (batch.state, batch.kept) == ("done", 1), batch.error
    assert SourceRecord.objects.get(name="王五").town is not None


def test_a_damaged_workbook_is_refused_at_upload_naming_the_file(bodies: Bodies) -> None:
    import io
    import zipfile

    import pytest

    from sanfu.lib.errors import ValidationFailed

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")  # cut short
    with pytest.raises(ValidationFailed) as refused:
        mapping_guess(source=bodies.civil, file_name="坏.xlsx", data=out.getvalue())
    assert refused.value.field == "file"
    assert "Excel" in refused.value.message or "工作簿" in refused.value.message


def test_a_workbook_without_a_sheet_is_refused_in_plain_words(bodies: Bodies) -> None:
    import io
    import zipfile

    import pytest

    from sanfu.lib.errors import ValidationFailed

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}"><sheets/></workbook>')
    with pytest.raises(ValidationFailed) as refused:
        mapping_guess(source=bodies.civil, file_name="空.xlsx", data=out.getvalue())
    message = refused.value.message
    assert "no worksheet" in message or "没有工作表" in message
    assert "'" not in message  # the reason itself, not the repr of an exception
