"""The meeting figures: held meetings only, problems by outcome, answered cases; by village,
town and month; the figures page is scoped to the user's area."""

from __future__ import annotations

import datetime as dt

from sanfu.cases.services import case_dispatch, case_reply, case_sign
from sanfu.grassroots import services
from sanfu.grassroots.figures import (
    meeting_figures,
    meeting_figures_by,
    meeting_figures_by_month,
    meeting_figures_year,
)
from sanfu.grassroots.models import Meeting, MeetingKind
from tests.cases.conftest import Catalogue, People
from tests.conftest import Tree, login
from tests.grassroots.conftest import TODAY


def _record(people: People, meeting: Meeting, *, solved: int, cases: int) -> list[int]:
    ids = []
    for n in range(solved):
        services.problem_record(
            actor=people.cadre,
            meeting=meeting,
            new=services.NewProblem(
                text=f"小事{n}", outcome="on_the_spot", solved_by="村主任", solution="当场办"
            ),
        )
    for n in range(cases):
        problem = services.problem_record(
            actor=people.cadre,
            meeting=meeting,
            new=services.NewProblem(text=f"难事{n}", outcome="case"),
        )
        assert problem.case is not None
        ids.append(problem.case.pk)
    return ids


def test_the_figures_count_held_meetings_and_their_problems(
    tree: Tree, people: People, catalogue: Catalogue, meeting: Meeting
) -> None:
    [first, _second] = _record(people, meeting, solved=2, cases=2)
    case_dispatch(
        actor=people.cadre, case_id=first, lead_unit=tree.village_a, category=catalogue.roads
    )
    case_sign(actor=people.cadre, case_id=first)
    case_reply(actor=people.cadre, case_id=first, kind="solved", text="修好了")
    services.meeting_schedule(
        actor=people.cadre,
        village=tree.village_a,
        kind=MeetingKind.INQUIRY,
        held_on=TODAY + dt.timedelta(days=3),
        place="村委会",
    )
    start, end = dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)

    total = meeting_figures(scope=tree.county, start=start, end=end, today=TODAY)
    [town_a, town_b] = meeting_figures_by(
        scope=tree.county, start=start, end=end, today=TODAY, level="town"
    )
    months = dict(meeting_figures_by_month(scope=tree.county, year=TODAY.year, today=TODAY))

    assert (total.meetings, total.problems, total.on_the_spot, total.cases, total.answered) == (
        1,
        4,
        2,
        2,
        1,
    )
    assert total.on_the_spot_rate == 0.5
    assert (town_a.unit, town_a.figures.problems) == (tree.town_a, 4)
    assert (town_b.unit, town_b.figures.problems) == (tree.town_b, 0)
    assert months[TODAY.month].problems == 4
    assert months[1].meetings == 0
    # The page's one pass by village and month adds up to the same figures.
    year = meeting_figures_year(scope=tree.county, year=TODAY.year, today=TODAY, level="town")
    assert year.total == total
    assert [(r.unit, r.figures) for r in year.rows] == [
        (r.unit, r.figures) for r in (town_a, town_b)
    ]
    assert dict(year.months) == months


def test_the_figures_page_covers_the_users_area_only(
    tree: Tree, people: People, catalogue: Catalogue, meeting: Meeting
) -> None:
    _record(people, meeting, solved=1, cases=0)
    mine = login(people.town_staff).get("/grassroots/figures/").context["total"]
    theirs = login(people.outsider).get("/grassroots/figures/").context["total"]
    assert (mine.meetings, mine.problems) == (1, 1)
    assert (theirs.meetings, theirs.problems) == (0, 0)
