"""The workbench home: queues with counts, filters, search, sorting, paging and export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from sanfu.cases import services
from sanfu.cases.models import Channel
from sanfu.workbench.selectors import queues
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree, https_client, login

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_log_in(tree: Tree):
    response = https_client().get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_dispatcher_sees_new_cases_to_dispatch(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = login(people.dispatcher).get("/workbench/")
    assert response.status_code == 200
    counts = {c.queue: c.count for c in response.context["home"].counts}
    assert counts[queues.Queue.TO_DISPATCH] == 1
    # Without a choice, the first queue with work in it.
    assert response.context["home"].queue == queues.Queue.TO_DISPATCH
    assert case.title in response.content.decode()


def test_the_outsider_sees_nothing_of_another_town(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = login(people.outsider).get("/workbench/", {"queue": "all"})
    assert all(c.count == 0 for c in response.context["home"].counts)
    assert case.title not in response.content.decode()


def test_the_queues_follow_the_case(tree: Tree, catalogue: Catalogue, people: People):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    cadre = login(people.cadre)

    def count(queue: str) -> int:
        home = cadre.get("/workbench/", {"queue": queue}).context["home"]
        return len(home.page.cases)

    assert count("to_sign") == 1
    services.case_sign(actor=people.cadre, case_id=case.pk)
    assert (count("to_sign"), count("in_progress")) == (0, 1)
    services.case_extension_request(actor=people.cadre, case_id=case.pk, days=3, reason="等配件")
    services.case_supervise(actor=people.supervisor, case_id=case.pk, instruction="抓紧", days=2)
    dispatcher = login(people.dispatcher).get("/workbench/", {"queue": "extensions"})
    assert [c.pk for c in dispatcher.context["home"].page.cases] == [case.pk]
    orders = login(people.cadre).get("/workbench/", {"queue": "supervision"})
    assert [c.pk for c in orders.context["home"].page.cases] == [case.pk]


def test_it_searches_by_number_and_text_and_filters(
    tree: Tree, catalogue: Catalogue, people: People
):
    lamp = web_case(tree, catalogue)
    wages = web_case(
        tree, catalogue, title="工资拖欠", category=catalogue.wages, channel=Channel.HOTLINE
    )
    client = login(people.dispatcher)

    def found(**query: Any) -> list[int]:
        response = client.get("/workbench/", {"queue": "all", **query})
        return [c.pk for c in response.context["home"].page.cases]

    assert found(q=lamp.number) == [lamp.pk]
    assert found(q="工资") == [wages.pk]
    assert found(category=catalogue.labour.pk) == [wages.pk]
    assert found(channel=Channel.HOTLINE) == [wages.pk]
    assert found(unit=tree.town_b.pk) == []
    assert found(sort="received") == [lamp.pk, wages.pk]
    assert found(sort="-received") == [wages.pk, lamp.pk]
    assert found(state="closed") == []


def test_it_pages_without_counting_the_whole_list(
    tree: Tree, catalogue: Catalogue, people: People, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    for _ in range(3):
        web_case(tree, catalogue)
    client = login(people.dispatcher)
    first = client.get("/workbench/", {"queue": "all"}).context["page"]
    second = client.get("/workbench/", {"queue": "all", "page": "2"}).context["page"]
    assert (len(first.cases), first.has_next) == (2, True)
    assert (len(second.cases), second.has_next, second.has_previous) == (1, False, True)


def test_any_list_exports_to_excel_without_personal_data(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    response = login(people.dispatcher).get("/workbench/export/", {"queue": "to_dispatch"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == case.number
    assert "13812345678" not in str(rows)
    outsider = login(people.outsider).get("/workbench/export/", {"queue": "all"})
    outsider_sheet = load_workbook(io.BytesIO(outsider.content)).active
    assert outsider_sheet is not None
    assert len(list(outsider_sheet.iter_rows())) == 1


def test_a_co_handling_unit_finds_the_case_in_its_queues(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(
        actor=people.dispatcher,
        case_id=case.pk,
        lead_unit=tree.village_a,
        co_units=[tree.department],
    )

    def counts(user: Any) -> dict[str, int]:
        home = login(user).get("/workbench/").context["home"]
        return {c.queue.value: c.count for c in home.counts}

    assert counts(people.handler)["to_sign"] == 1
    assert counts(people.outsider)["to_sign"] == 0
    services.case_sign(actor=people.cadre, case_id=case.pk)
    handler = counts(people.handler)
    assert (handler["to_sign"], handler["in_progress"]) == (0, 1)
    assert counts(people.outsider)["in_progress"] == 0
