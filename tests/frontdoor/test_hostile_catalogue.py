"""The service catalogue's import reads uploads through sanfu.lib.tables: a workbook built to
exhaust the server is refused at once, naming the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from sanfu.frontdoor.catalogue import table_read
from sanfu.lib.errors import ValidationFailed
from tests.lib.hostile_workbooks import hostile_workbook


@pytest.mark.parametrize(
    ("name", "reason"),
    [("nesting-5000", "嵌套超过 256 层"), ("styles-1gib", "解压后超过 128 MB")],
)
def test_a_hostile_workbook_is_refused(tmp_path: Path, name: str, reason: str) -> None:
    data = hostile_workbook(name, tmp_path).read_bytes()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        table_read(file_name="服务目录.xlsx", data=data)
    assert reason in refused.value.message
