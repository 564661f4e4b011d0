"""Recording visits through the pages: the checklist, problems, photos, idempotency, access."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfu.cases.models import Case, CaseState, Channel, RequesterKind
from sanfu.outreach.models import Link, ProblemOutcome, Visit
from sanfu.outreach.services import link_end
from tests.cases.conftest import People
from tests.conftest import login
from tests.outreach.conftest import Outreach

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "client_key": uuid.uuid4().hex,
        "visited_at": "2026-12-04T09:30",
        "where": "厂区办公楼",
        "companions": "李明",
        "answer_production": "开工率九成",
        "answer_orders": "订单排到明年三月",
        "notes": "企业整体平稳",
    }
    data.update(changes)
    return data


def _url(link: Link) -> str:
    return f"/outreach/links/{link.pk}/visit/"


def test_a_cadre_records_an_enterprise_visit_with_the_checklist(outreach: Outreach, people: People):
    client = login(people.cadre)
    page = client.get(_url(outreach.enterprise_link))
    assert page.status_code == 200
    assert "问订单" in page.content.decode()
    response = client.post(
        _url(outreach.enterprise_link),
        _form(
            problem_1="厂门口道路破损，货车进出困难",
            problem_2="不清楚技改补贴怎么申请",
            problem_2_spot="on",
            problem_2_solution="当场讲解了申报流程",
            photos=SimpleUploadedFile("gate.png", PNG, content_type="image/png"),
        ),
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/outreach/visits/{visit.pk}/"
    assert visit.checklist is not None
    assert visit.checklist.template.kind == "enterprise"
    assert visit.answers == {"production": "开工率九成", "orders": "订单排到明年三月"}
    assert visit.photos.get().content_type == "image/png"
    assert not visit.outside_term
    turned, spot = visit.problems.order_by("outcome")
    assert (spot.outcome, spot.case) == (ProblemOutcome.ON_THE_SPOT, None)
    assert turned.outcome == ProblemOutcome.CASE
    case = Case.objects.get()
    assert case == turned.case
    assert (case.channel, case.requester_kind) == (Channel.VISIT, RequesterKind.ENTERPRISE)
    assert case.enterprise == outreach.enterprise
    assert case.state == CaseState.NEW
    shown = client.get(f"/outreach/visits/{visit.pk}/").content.decode()
    assert case.number in shown
    assert "当场讲解了申报流程" in shown


def test_a_problem_on_a_patrol_becomes_a_patrol_case(outreach: Outreach, people: People):
    client = login(people.grid_worker)
    client.post(_url(outreach.grid_link), _form(problem_1="3号楼下水道堵塞"))
    case = Case.objects.get()
    assert case.channel == Channel.PATROL
    assert case.requester_kind == RequesterKind.GRASSROOTS
    # Taken down in the field, the case waits at the grid worker's own unit.
    assert case.desk_unit == outreach.grid_link.target_unit


def test_a_visit_sent_twice_is_stored_once(outreach: Outreach, people: People):
    client = login(people.cadre)
    data = _form(problem_1="用电负荷不足")
    first = client.post(_url(outreach.enterprise_link), data, HTTP_ACCEPT="application/json")
    again = client.post(_url(outreach.enterprise_link), data, HTTP_ACCEPT="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["created"] is False
    assert Visit.objects.count() == 1
    assert Case.objects.count() == 1


def test_a_client_key_of_another_visitor_is_refused(outreach: Outreach, people: People):
    data = _form()
    login(people.cadre).post(_url(outreach.enterprise_link), data)
    response = login(people.grid_worker).post(
        _url(outreach.grid_link), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "client_key"


def test_a_photo_that_is_not_an_image_is_refused(outreach: Outreach, people: People):
    response = login(people.cadre).post(
        _url(outreach.enterprise_link),
        _form(photos=SimpleUploadedFile("list.pdf", b"%PDF-1.4 fake", content_type="image/png")),
    )
    assert response.status_code == 400
    assert "list.pdf" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_problem_solved_on_the_spot_needs_its_solution(outreach: Outreach, people: People):
    response = login(people.cadre).post(
        _url(outreach.enterprise_link), _form(problem_1="路灯坏了", problem_1_spot="on")
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()
    assert not Case.objects.exists()


def test_a_visit_in_the_future_is_refused(outreach: Outreach, people: People):
    response = login(people.cadre).post(
        _url(outreach.enterprise_link),
        _form(visited_at="2026-12-05T09:00"),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "visited_at"


def test_a_visit_replayed_after_the_link_ended_is_kept_with_a_flag(
    outreach: Outreach, people: People
):
    link_end(
        actor=people.town_leader, link_id=outreach.enterprise_link.pk, ends_on=date(2026, 12, 2)
    )
    client = login(people.cadre)
    response = client.post(_url(outreach.enterprise_link), _form())
    visit = Visit.objects.get()
    assert visit.outside_term
    assert "outside-term" in client.get(response["Location"]).content.decode()


def test_a_cadre_may_not_visit_on_a_link_not_theirs(outreach: Outreach, people: People):
    # The town leader sees the link (it is in town A) but does not keep it: no ad-hoc visits.
    response = login(people.town_leader).post(
        _url(outreach.enterprise_link), _form(), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["field"] == "link"
    assert not Visit.objects.exists()


def test_the_outsider_gets_404_for_the_form_and_the_visit(outreach: Outreach, people: People):
    login(people.cadre).post(_url(outreach.enterprise_link), _form())
    visit = Visit.objects.get()
    outsider = login(people.outsider)
    assert outsider.get(_url(outreach.enterprise_link)).status_code == 404
    assert outsider.post(_url(outreach.enterprise_link), _form()).status_code == 404
    assert outsider.get(f"/outreach/visits/{visit.pk}/").status_code == 404
    photo_url = f"/outreach/visits/{visit.pk}/photos/1/"
    assert outsider.get(photo_url).status_code == 404
    assert Visit.objects.count() == 1


def test_my_links_lists_only_my_own(outreach: Outreach, people: People):
    page = login(people.cadre).get("/outreach/").content.decode()
    assert outreach.enterprise.name in page
    assert outreach.grid_link.target_label not in page
    assert "上坪村第一网格" not in login(people.outsider).get("/outreach/").content.decode()


def test_pages_refuse_anonymous_visitors(outreach: Outreach):
    from tests.conftest import https_client

    response = https_client().get(_url(outreach.enterprise_link))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


_ = io
