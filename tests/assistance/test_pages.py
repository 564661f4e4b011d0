"""The assistance pages through HTTP: uploads and their row report, who sees what, languages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfu.assistance.models import ImportBatch, SourceRecord
from sanfu.assistance.views import INLINE_IMPORT_BYTES
from sanfu.directory.models import User
from tests.assistance.conftest import HEADER, LI, ZHANG, Bodies, csv_bytes, xlsx_bytes
from tests.conftest import https_client, login

ROWS = [
    HEADER,
    ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-07-01"],
    ["李四", LI, "13800138001", "石门镇", "DB01", "八百", "2025-07-01"],
]


def _upload(user: User, bodies: Bodies, name: str, data: bytes) -> ImportBatch:
    client = login(user)
    response = client.post(
        "/assistance/imports/",
        {"source": bodies.civil.pk, "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_staff_of_a_body_uploads_gbk_csv_and_reads_the_row_report(
    bodies: Bodies, civil_staff: User
) -> None:
    batch = _upload(civil_staff, bodies, "七月.csv", csv_bytes(ROWS, "gbk"))
    assert (batch.state, batch.kept, batch.refused) == ("done", 1, 1)
    page = login(civil_staff).get(f"/assistance/imports/{batch.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "发放金额" in text
    assert "八百" in text
    assert SourceRecord.objects.get().name == "张三"


def test_uploading_the_same_file_again_changes_nothing(bodies: Bodies, civil_staff: User) -> None:
    data = xlsx_bytes([list(row) for row in ROWS])
    first = _upload(civil_staff, bodies, "七月.xlsx", data)
    second = _upload(civil_staff, bodies, "七月-副本.xlsx", data)
    assert first.pk == second.pk
    assert SourceRecord.objects.count() == 1


def test_an_outsider_cannot_see_or_upload_for_another_body(
    bodies: Bodies, civil_staff: User, outsider: User
) -> None:
    batch = _upload(civil_staff, bodies, "七月.csv", csv_bytes(ROWS))
    client = login(outsider)
    assert client.get(f"/assistance/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/assistance/imports/{batch.pk}/progress/").status_code == 404
    listing = client.get("/assistance/imports/").content.decode()
    assert "七月.csv" not in listing
    response = client.post(
        "/assistance/imports/",
        {"source": bodies.civil.pk, "file": SimpleUploadedFile("x.csv", csv_bytes(ROWS))},
    )
    assert response.status_code == 400
    assert ImportBatch.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(bodies: Bodies) -> None:
    for url in (
        "/assistance/programmes/",
        "/assistance/imports/",
        "/assistance/findings/",
        "/assistance/figures/",
    ):
        response = https_client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_pages_render_in_chinese_and_english(bodies: Bodies, civil_staff: User) -> None:
    client = login(civil_staff)
    for url in (
        "/assistance/programmes/",
        "/assistance/imports/",
        "/assistance/findings/",
        "/assistance/figures/",
        "/assistance/imports/mapping/",
    ):
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert chinese.status_code == 200, url
        assert "城乡低保" in client.get("/assistance/programmes/").content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get("/assistance/programmes/").content.decode()
    assert "Assistance programmes" in english
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    assert "Assistance programmes" not in client.get("/assistance/programmes/").content.decode()


def test_a_mapping_is_saved_from_the_page(bodies: Bodies, civil_staff: User) -> None:
    client = login(civil_staff)
    response = client.post(
        "/assistance/imports/mapping/",
        {
            "source": bodies.civil.pk,
            "name": "七月表",
            "col_name": "对象",
            "col_id_number": "证号",
            "col_amount": "钱",
            "default_programme": "DB01",
            "default_given_on": "2025-07",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = [["对象", "证号", "钱"], ["张三", ZHANG, "800"]]
    data = csv_bytes(rows)
    from sanfu.assistance.models import ColumnMapping

    mapping = ColumnMapping.objects.get(name="七月表")
    response = client.post(
        "/assistance/imports/",
        {
            "source": bodies.civil.pk,
            "mapping": mapping.pk,
            "file": SimpleUploadedFile("m.csv", data),
        },
    )
    assert response.status_code == 302
    record = SourceRecord.objects.get()
    assert (record.programme, str(record.given_on)) == (bodies.subsistence, "2025-07-01")


def test_a_mapping_without_a_name_column_is_refused(bodies: Bodies, civil_staff: User) -> None:
    response = login(civil_staff).post(
        "/assistance/imports/mapping/",
        {
            "source": bodies.civil.pk,
            "name": "坏",
            "col_id_number": "证号",
            "default_programme": "DB01",
        },
    )
    assert response.status_code == 400
    assert "name" in response.content.decode().lower() or "姓名" in response.content.decode()


def test_the_assistance_demo_needs_the_demo_county(db: None) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="seed demo"):
        call_command("seed", "assistance")


def test_a_file_over_the_inline_size_waits_for_the_worker(
    bodies: Bodies, civil_staff: User
) -> None:
    data = csv_bytes(ROWS)
    padded = data + b"\n" * (INLINE_IMPORT_BYTES + 1 - len(data))  # blank lines, skipped
    batch = _upload(civil_staff, bodies, "大文件.csv", padded)
    assert batch.state == "pending"  # the request did not import it
    assert not SourceRecord.objects.exists()
