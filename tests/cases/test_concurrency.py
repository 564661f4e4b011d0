"""Two people acting on one case at the same moment, on a real PostgreSQL server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, connections

from sanfu.cases import services
from sanfu.cases.models import Case, CaseState
from sanfu.lib.errors import ApplicationError, Conflict
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are the point; SQLite has none"
    ),
]


def at_once(actions: list[Callable[[], object]]) -> list[object]:
    """Run the actions in threads released together; each result or the error it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except ApplicationError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_dispatchers_at_once_one_wins_and_the_other_is_told(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    results = at_once(
        [
            partial(
                services.case_dispatch, actor=people.dispatcher, case_id=case.pk, lead_unit=target
            )
            for target in (tree.village_a, tree.town_b, tree.town_a, tree.department)
        ]
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1
    assert len(losers) == 3
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    assert case.lead_unit_id == winners[0].lead_unit_id
    assert case.events.filter(kind="dispatched").count() == 1
    assert case.assignments.filter(active=True, role="lead").count() == 1


def test_reply_and_return_at_once_leave_one_consistent_outcome(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    results = at_once(
        [
            lambda: services.case_reply(
                actor=people.cadre, case_id=case.pk, kind="solved", text="已解决"
            ),
            lambda: services.case_return(
                actor=people.cadre, case_id=case.pk, reason="wrong_locality", note="不在本村"
            ),
        ]
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    case.refresh_from_db()
    assert case.state in {CaseState.REPLIED, CaseState.NEW}
    assert case.events.filter(kind__in=["replied", "returned"]).count() == 1


def test_simultaneous_intake_gets_distinct_consecutive_numbers(tree: Tree, catalogue: Catalogue):
    results = at_once([lambda: web_case(tree, catalogue) for _ in range(8)])
    numbers = sorted(r.number for r in results if isinstance(r, Case))
    assert len(numbers) == 8
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 9))


def test_intakes_at_once_get_consecutive_numbers_each_with_its_event(
    tree: Tree, catalogue: Catalogue
):
    # The first of the day creates the counter row while the others wait on its key.
    results = at_once([partial(web_case, tree, catalogue) for _ in range(6)])
    assert all(isinstance(r, Case) for r in results)
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [n[-5:] for n in numbers] == [f"{i:05d}" for i in range(1, 7)]
    for case in Case.objects.all():
        assert case.events.filter(kind="received").count() == 1
