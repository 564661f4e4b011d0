"""The staff API's grassroots reads: meetings, the three lists, burden figures; the outsider
gets 404."""

from __future__ import annotations

from sanfu.grassroots import services
from sanfu.grassroots.models import Meeting
from tests.api.conftest import staff
from tests.cases.conftest import People
from tests.conftest import Tree


def _solved(meeting: Meeting, people: People) -> None:
    services.problem_record(
        actor=people.cadre,
        meeting=meeting,
        new=services.NewProblem(
            text="路灯坏了", outcome="on_the_spot", solved_by="村电工", solution="换了灯泡"
        ),
    )


def test_a_cadre_reads_the_villages_meetings(people: People, meeting: Meeting) -> None:
    _solved(meeting, people)
    client = staff(people.cadre)
    listed = client.get("/api/grassroots/meetings").json()
    detail = client.get(f"/api/grassroots/meetings/{meeting.pk}").json()
    assert [m["id"] for m in listed] == [meeting.pk]
    assert listed[0]["problems"] == 1
    assert detail["problem_list"][0]["solution"] == "换了灯泡"
    assert detail["report_back"] == []


def test_the_outsider_reads_no_meeting_of_another_town(people: People, meeting: Meeting) -> None:
    client = staff(people.outsider)
    assert client.get("/api/grassroots/meetings").json() == []
    assert client.get(f"/api/grassroots/meetings/{meeting.pk}").status_code == 404


def test_the_lists_of_a_village(tree: Tree, people: People, meeting: Meeting) -> None:
    body = staff(people.cadre).get(f"/api/grassroots/lists/{tree.village_a.code}").json()
    assert [unit_list["kind"] for unit_list in body["lists"]] == [
        "responsibility",
        "problem",
        "service",
    ]
    assert (
        staff(people.outsider).get(f"/api/grassroots/lists/{tree.village_a.code}").status_code
        == 404
    )
    assert staff(people.cadre).get(f"/api/grassroots/lists/{tree.town_a.code}").status_code == 404


def test_the_burden_figures(tree: Tree, people: People, meeting: Meeting) -> None:
    body = staff(people.cadre).get("/api/grassroots/burden").json()
    assert body["county"]["code"] == tree.county.code
    assert len(body["kinds"]) == 5
