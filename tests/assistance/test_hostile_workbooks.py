"""Workbooks built to exhaust the server are refused at once, in Chinese, naming the reason:
by `sanfu assistance import` and by the upload page, with nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from sanfu.assistance.models import ImportBatch, SourceRecord
from sanfu.directory.models import User
from sanfu.lib.xlsx import Limits, xlsx_rows
from tests.assistance.conftest import Bodies
from tests.conftest import login
from tests.lib.hostile_workbooks import HOSTILE, hostile_workbook

# The target is 2 s; the bound leaves room for a loaded test machine.
QUICKLY = 6.0

# What each refusal names (in Chinese).
REASONS = {
    "blank-sheet-1gib": "解压后超过 128 MB",
    "styles-1gib": "解压后超过 128 MB",
    "shared-strings-100k": "解压后超过 128 MB",
    "columns-16k": "第 1024 列",
    "nesting-5000": "嵌套超过 256 层",
}


@pytest.fixture(scope="session")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_import_command_refuses_a_hostile_workbook_quickly(
    name: str, bodies: Bodies, hostile_folder: Path
) -> None:
    path = hostile_workbook(name, hostile_folder)
    started = time.monotonic()
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command("assistance", "import", "--source", "YXD01", "--file", str(path))
    assert time.monotonic() - started < QUICKLY
    assert REASONS[name] in str(refused.value)
    assert not SourceRecord.objects.exists()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_upload_page_refuses_a_hostile_workbook_quickly(
    name: str, bodies: Bodies, civil_staff: User, hostile_folder: Path
) -> None:
    client = login(civil_staff)
    data = hostile_workbook(name, hostile_folder).read_bytes()
    started = time.monotonic()
    response = client.post(
        "/assistance/imports/",
        {"source": bodies.civil.pk, "file": SimpleUploadedFile(f"{name}.xlsx", data)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert time.monotonic() - started < QUICKLY
    assert response.status_code == 400
    assert REASONS[name] in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_sheet_of_blank_space_under_the_size_cap_is_refused_by_its_packing(
    hostile_folder: Path,
) -> None:
    path = hostile_workbook("blank-sheet-1gib", hostile_folder)
    with pytest.raises(Exception, match="zip bomb"):
        xlsx_rows(path.read_bytes(), limits=Limits(part_bytes=2 << 30, total_bytes=2 << 30))
