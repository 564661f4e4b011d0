"""Village meetings through HTTP: scheduling, attendance, problems solved or turned into cases,
the report-back at the next meeting, the minutes, and who may see them."""

from __future__ import annotations

import datetime as dt

from sanfu.cases.models import Case, CaseState, Channel, RequesterKind
from sanfu.cases.services import case_dispatch, case_reply, case_sign
from sanfu.grassroots import services
from sanfu.grassroots.models import Meeting, MeetingKind, Outcome, Problem
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, login
from tests.grassroots.conftest import TODAY, held_meeting


def _solved(**extra: str) -> dict[str, str]:
    return {
        "action": "problem",
        "text": "村口垃圾桶满了没人清",
        "outcome": Outcome.ON_THE_SPOT,
        "solved_by": "村主任李明",
        "solution": "当场联系保洁员清运，并加一个桶。",
        **extra,
    }


def _to_case(**extra: str) -> dict[str, str]:
    return {
        "action": "problem",
        "text": "上坪村到镇上的路坑洼严重",
        "raised_by": "王建国",
        "outcome": Outcome.CASE,
        "requester_agreed": "on",
        "requester_phone": "13812345678",
        **extra,
    }


def test_a_village_cadre_schedules_a_meeting_in_their_village(tree: Tree, people: People) -> None:
    response = login(people.cadre).post(
        "/grassroots/",
        {
            "village": tree.village_a.pk,
            "kind": MeetingKind.INQUIRY,
            "held_on": TODAY.isoformat(),
            "place": "村委会",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/grassroots/meetings/{meeting.pk}/"
    assert (meeting.village, meeting.convener) == (tree.village_a, people.cadre)


def test_a_meeting_without_a_place_is_refused(tree: Tree, people: People) -> None:
    response = login(people.cadre).post(
        "/grassroots/",
        {"village": tree.village_a.pk, "kind": MeetingKind.INQUIRY, "held_on": "2026-06-12"},
    )
    assert response.status_code == 400
    assert "place" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_outsider_cannot_schedule_a_meeting_in_another_town(tree: Tree, people: People) -> None:
    response = login(people.outsider).post(
        "/grassroots/",
        {"village": tree.village_a.pk, "kind": "inquiry", "held_on": "2026-06-12", "place": "x"},
    )
    assert response.status_code == 400
    assert "village" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_attendance_names_cadres_and_departments(
    tree: Tree, people: People, meeting: Meeting
) -> None:
    response = login(people.cadre).post(
        f"/grassroots/meetings/{meeting.pk}/",
        {
            "action": "attendance",
            "residents_present": "37",
            "cadres_present": "李明、张华",
            "departments": [tree.department.pk],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.residents_present == 37
    assert list(meeting.departments.all()) == [tree.department]


def test_a_problem_solved_on_the_spot_says_who_and_how(people: People, meeting: Meeting) -> None:
    response = login(people.cadre).post(f"/grassroots/meetings/{meeting.pk}/", _solved())
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.outcome, problem.solved_by, problem.case) == (
        Outcome.ON_THE_SPOT,
        "村主任李明",
        None,
    )
    assert not Case.objects.exists()


def test_solved_on_the_spot_with_no_solution_text_is_refused(
    people: People, meeting: Meeting
) -> None:
    response = login(people.cadre).post(
        f"/grassroots/meetings/{meeting.pk}/", _solved(solution="   ")
    )
    assert response.status_code == 400
    assert "solution" in response.context["problem_form"].errors
    assert not Problem.objects.exists()


def test_a_future_meeting_cannot_have_problems_solved(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    future = services.meeting_schedule(
        actor=people.cadre,
        village=tree.village_a,
        kind=MeetingKind.SPEAK_UP,
        held_on=TODAY + dt.timedelta(days=7),
        place="文化礼堂",
    )
    response = login(people.cadre).post(f"/grassroots/meetings/{future.pk}/", _solved())
    assert response.status_code == 400
    assert "尚未召开" in str(response.context["problem_form"].errors["outcome"])
    assert not Problem.objects.exists()


def test_a_problem_turned_into_a_case_enters_the_loop_at_the_village_desk(
    tree: Tree, people: People, meeting: Meeting
) -> None:
    response = login(people.cadre).post(f"/grassroots/meetings/{meeting.pk}/", _to_case())
    assert response.status_code == 302
    problem = Problem.objects.get()
    case = problem.case
    assert case is not None
    assert (case.channel, case.location_unit, case.desk_unit) == (
        Channel.VILLAGE_MEETING,
        tree.village_a,
        tree.village_a,
    )
    assert (case.requester_kind, case.requester_name, case.requester_phone) == (
        RequesterKind.RESIDENT,
        "王建国",
        "13812345678",
    )


def test_without_the_residents_agreement_the_case_is_anonymous(
    people: People, meeting: Meeting
) -> None:
    data = _to_case()
    del data["requester_agreed"]
    login(people.cadre).post(f"/grassroots/meetings/{meeting.pk}/", data)
    case = Problem.objects.get().case
    assert case is not None
    assert (case.requester_kind, case.requester_name, case.requester_phone) == (
        RequesterKind.ANONYMOUS,
        "",
        "",
    )


def test_the_next_meeting_reports_back_from_each_cases_state(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    first = held_meeting(tree, people, days_ago=30)
    client = login(people.cadre)
    client.post(f"/grassroots/meetings/{first.pk}/", _to_case(text="路灯坏了"))
    client.post(f"/grassroots/meetings/{first.pk}/", _to_case(text="河道有垃圾"))
    client.post(f"/grassroots/meetings/{first.pk}/", _solved())
    lamp, river = (p.case for p in Problem.objects.filter(outcome=Outcome.CASE).order_by("id"))
    assert lamp is not None
    assert river is not None
    case_dispatch(
        actor=people.cadre, case_id=lamp.pk, lead_unit=tree.village_a, category=catalogue.roads
    )
    case_sign(actor=people.cadre, case_id=lamp.pk)
    case_reply(actor=people.cadre, case_id=lamp.pk, kind="solved", text="已更换灯泡")
    second = held_meeting(tree, people)

    page = client.get(f"/grassroots/meetings/{second.pk}/")

    items = {item.case.pk: item for item in page.context["report_back"]}
    assert items[lamp.pk].answered
    assert items[lamp.pk].case.state == CaseState.REPLIED
    assert not items[river.pk].answered
    assert "已更换灯泡" in page.content.decode()
    assert len(items) == 2  # the problem solved on the spot is not reported back


def test_an_open_case_is_carried_over_to_later_meetings(
    tree: Tree, people: People, catalogue: Catalogue
) -> None:
    first = held_meeting(tree, people, days_ago=60)
    login(people.cadre).post(f"/grassroots/meetings/{first.pk}/", _to_case())
    held_meeting(tree, people, days_ago=30)
    third = held_meeting(tree, people)
    page = login(people.cadre).get(f"/grassroots/meetings/{third.pk}/")
    [item] = page.context["report_back"]
    assert item.carried_over


def test_the_minutes_print_on_a4(people: People, meeting: Meeting) -> None:
    login(people.cadre).post(f"/grassroots/meetings/{meeting.pk}/", _solved())
    response = login(people.cadre).get(f"/grassroots/meetings/{meeting.pk}/minutes/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "size: A4" in body
    assert "村口垃圾桶满了没人清" in body


def test_the_town_sees_its_villages_meetings(people: People, meeting: Meeting) -> None:
    assert login(people.town_staff).get(f"/grassroots/meetings/{meeting.pk}/").status_code == 200


def test_the_outsider_sees_no_meeting_of_another_town(people: People, meeting: Meeting) -> None:
    client = login(people.outsider)
    assert client.get(f"/grassroots/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/grassroots/meetings/{meeting.pk}/minutes/").status_code == 404
    assert client.post(f"/grassroots/meetings/{meeting.pk}/", _solved()).status_code == 404
    assert meeting not in client.get("/grassroots/").context["meetings"]
    assert not Problem.objects.exists()


def test_a_department_handler_may_not_record_problems_of_a_village(
    tree: Tree, people: People, meeting: Meeting
) -> None:
    # The department sees nothing of the village's meetings in the first place.
    assert login(people.handler).get(f"/grassroots/meetings/{meeting.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(meeting: Meeting) -> None:
    from tests.conftest import https_client

    response = https_client().get(f"/grassroots/meetings/{meeting.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
