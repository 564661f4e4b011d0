"""最多跑一次: a resident checks what they qualify for and applies; the case reaches the body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from sanfu.assistance.imports.run import batch_claim, batch_process, batch_upload, mapping_guess
from sanfu.assistance.models import Application
from sanfu.cases.models import CaseState
from tests.assistance.conftest import HEADER, ZHANG, Bodies, csv_bytes
from tests.conftest import Tree, https_client

# The aid below was given on 2025-12-01 and the page shows the last year's aid: pin the clock
# inside that year, or the test fails once the real date passes 2026-12-01.
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def _receives(bodies: Bodies) -> None:
    rows = [HEADER, ["张三", ZHANG, "13800138000", "石门镇", "DB01", "800", "2025-12-01"]]
    data = csv_bytes(rows)
    mapping = mapping_guess(source=bodies.civil, file_name="a.csv", data=data)
    batch, _ = batch_upload(
        source=bodies.civil, mapping=mapping, file_name="a.csv", data=data, user=None
    )
    assert batch_claim(batch.pk)
    batch_process(batch=batch)


def _check(**extra: object) -> str:
    data = {"id_number": ZHANG, "name": "张三", "phone": "13800138000", "check": "1", **extra}
    response = https_client().post("/assistance/apply/", data)
    assert response.status_code == 200, response.content.decode()[:3000]
    return response.content.decode()


def test_it_lists_the_programmes_the_facts_meet(bodies: Bodies) -> None:
    page = _check(income_per_head="500", disability_grade="1")
    assert "城乡低保" in page
    assert "重度残疾人护理补贴" in page
    assert "医疗救助" not in page.split('data-testid="eligible"')[1].split("</ul>")[0]


def test_what_one_receives_is_shown_only_with_the_matching_name(bodies: Bodies) -> None:
    _receives(bodies)
    shown = _check()
    assert 'data-testid="receives"' in shown
    assert "县民政局" in shown
    hidden = _check(name="李四")
    assert 'data-testid="receives-hidden"' in hidden
    assert "2025-12-01" not in hidden


def test_a_bad_id_number_is_refused_with_the_reason(bodies: Bodies) -> None:
    response = https_client().post(
        "/assistance/apply/",
        {
            "id_number": ZHANG[:-1] + ("1" if ZHANG[-1] != "1" else "2"),
            "name": "张三",
            "check": "1",
        },
    )
    assert response.status_code == 400
    assert "校验码" in response.content.decode() or "check digit" in response.content.decode()


def test_an_old_region_code_only_warns(bodies: Bodies) -> None:
    from tests.assistance.conftest import id_number

    page = _check(id_number=id_number("99029919500312001"), income_per_head="100")
    assert "城乡低保" in page


def test_applying_creates_a_case_dispatched_to_the_body(bodies: Bodies, tree: Tree) -> None:
    response = https_client().post(
        "/assistance/apply/",
        {
            "id_number": ZHANG,
            "name": "张三",
            "phone": "13800138000",
            "town": tree.town_a.pk,
            "income_per_head": "500",
            "programme": bodies.subsistence.pk,
            "apply": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    case = application.case
    assert response["Location"].startswith(f"/track/{case.number}/{case.tracking_token}/")
    assert case.state == CaseState.ASSIGNED
    assert case.assignments.get(active=True, role="lead").unit == bodies.civil
    assert case.requester_id_number == ZHANG
    tracking = https_client().get(response["Location"])
    assert tracking.status_code == 200


def test_the_name_field_asks_for_a_persons_name(bodies: Bodies) -> None:
    """ "Name" alone is translated 名称 (a thing's name) by other apps' catalogues, which win
    Django's merge; the resident must be asked for their 姓名 (a bug once)."""
    page = https_client().get("/assistance/apply/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    label = page.content.decode().split('for="id_name"')[1].split("</label>")[0]
    assert "姓名" in label
    assert "名称" not in label
