"""Each problem carries its visit's link: written by the visit service, filled by the migration
for problems stored before it, and the figures count the same problems per link either way."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count

from sanfu.directory.models import User
from sanfu.outreach.checklists import checklists_ship
from sanfu.outreach.compliance import compliance_for
from sanfu.outreach.figures import Figures, figures_by
from sanfu.outreach.models import Link, VisitProblem
from sanfu.outreach.periods import Span
from sanfu.outreach.services import NewProblem, NewVisit, visit_record
from tests.cases.conftest import People
from tests.outreach.conftest import SHANGHAI, Outreach

BEFORE = ("outreach", "0005_link_month_tallies")
AFTER = ("outreach", "0006_problem_link")
WINDOW = Span(date(2026, 11, 1), date(2026, 12, 31))


def _visit(user: User, link: Link, day: date, *problems: NewProblem) -> None:
    visit_record(
        actor=user,
        new=NewVisit(
            link_id=link.pk,
            client_key=uuid.uuid4().hex,
            visited_at=datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
            problems=problems,
        ),
    )


def _spot(text: str) -> NewProblem:
    return NewProblem(text, solved_on_the_spot=True, solution="当场解决")


def _problems_found(outreach: Outreach, people: People) -> None:
    """Problems on both links, in November and December, one of them a case."""
    _visit(people.cadre, outreach.enterprise_link, date(2026, 11, 10), _spot("用地"), _spot("用工"))
    _visit(people.cadre, outreach.enterprise_link, date(2026, 12, 1), NewProblem("审批卡住"))
    _visit(people.grid_worker, outreach.grid_link, date(2026, 11, 20), _spot("路灯不亮"))
    _visit(people.grid_worker, outreach.grid_link, date(2026, 12, 2))


def _per_link() -> dict[str, Figures]:
    links = Link.objects.order_by("pk")
    return figures_by(compliance_for(links, WINDOW), WINDOW, lambda link: str(link.pk))


def _counted_through_visits() -> dict[int, int]:
    rows = VisitProblem.objects.values_list("visit__link_id").annotate(n=Count("pk"))
    return dict(rows.order_by())


@pytest.mark.django_db
def test_the_visit_service_gives_each_problem_its_visits_link(outreach: Outreach, people: People):
    _problems_found(outreach, people)
    for problem in VisitProblem.objects.select_related("visit"):
        assert problem.link_id == problem.visit.link_id
    figures = _per_link()
    assert figures[str(outreach.enterprise_link.pk)].problems_found == 3
    assert figures[str(outreach.enterprise_link.pk)].problems_to_cases == 1
    assert figures[str(outreach.grid_link.pk)].problems_found == 1
    assert figures[str(outreach.grid_link.pk)].solved_on_the_spot == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_each_problems_link_and_the_counts_stay(
    outreach: Outreach, people: People
):
    # A transactional test starts from a database that an earlier one may have emptied.
    checklists_ship()
    _problems_found(outreach, people)
    before = _per_link()
    through_visits = _counted_through_visits()
    executor = MigrationExecutor(connection)
    try:
        # Back to before the column (it is dropped), then forward: the migration fills it.
        executor.migrate([BEFORE])
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(
                cursor, VisitProblem._meta.db_table
            )
        assert "link_id" not in {column.name for column in columns}
    finally:
        executor.loader.build_graph()
        executor.migrate([AFTER])
    for problem in VisitProblem.objects.select_related("visit"):
        assert problem.link_id == problem.visit.link_id
    assert _per_link() == before
    assert (
        dict(VisitProblem.objects.values_list("link_id").annotate(n=Count("pk")).order_by())
        == through_visits
        == {outreach.enterprise_link.pk: 3, outreach.grid_link.pk: 1}
    )
