"""Two people counting one target at the same moment, on a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sanfu.directory.models import StaffRole, User
from sanfu.lib.errors import ApplicationError
from sanfu.projects import services
from sanfu.projects.models import Receipt, State, Target
from sanfu.projects.services import BoardTarget
from tests.conftest import Tree, make_staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are the point; SQLite has none"
    ),
]


def test_two_town_staff_counting_at_once_never_lose_an_update(tree: Tree):
    leader = make_staff("leader", tree.county, StaffRole.LEADER)
    staff = [make_staff(f"town-{i}", tree.town_a, StaffRole.TOWN_STAFF) for i in range(2)]
    project = services.incident_open(
        actor=leader,
        title="台风抢险",
        incident_kind="typhoon",
        towns=[tree.town_a],
        targets=[BoardTarget("电力线路恢复", "条", 76, tree.town_a, hours=48)],
    )
    target = project.targets.get()
    rounds = 19
    barrier = threading.Barrier(len(staff))
    errors: list[Exception] = []

    def count(user: User) -> None:
        try:
            for _ in range(rounds):
                barrier.wait()
                services.target_update(actor=user, target_id=target.pk, delta=2)
        except (ApplicationError, threading.BrokenBarrierError) as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    target.refresh_from_db()
    assert errors == []
    assert target.achieved == 76
    assert target.reached_at is not None
    assert target.updates.count() == 2 * rounds
    assert sorted(target.updates.values_list("after", flat=True)) == list(range(2, 77, 2))
    project.refresh_from_db()
    assert project.state == State.IN_PROGRESS


def test_the_last_units_at_once_one_fits_and_the_other_is_told(tree: Tree):
    leader = make_staff("leader", tree.county, StaffRole.LEADER)
    a, b = (make_staff(f"town-{i}", tree.town_a, StaffRole.TOWN_STAFF) for i in range(2))
    project = services.incident_open(
        actor=leader,
        title="台风抢险",
        incident_kind="typhoon",
        towns=[tree.town_a],
        targets=[BoardTarget("道路抢通", "条", 3, tree.town_a, days=4)],
    )
    target = project.targets.get()
    services.target_update(actor=a, target_id=target.pk, delta=1)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def count(user: User) -> None:
        barrier.wait()
        try:
            results.append(services.target_update(actor=user, target_id=target.pk, delta=2))
        except ApplicationError as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count, args=(user,)) for user in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(isinstance(result, Target) for result in results) == 1
    assert sum(isinstance(result, ApplicationError) for result in results) == 1
    target.refresh_from_db()
    assert target.achieved == 3


def test_presses_of_one_acknowledgement_at_once_record_one_time(tree: Tree):
    leader = make_staff("leader", tree.county, StaffRole.LEADER)
    cadre = make_staff("town-0", tree.town_a, StaffRole.TOWN_STAFF)
    project = services.incident_open(
        actor=leader,
        title="台风抢险",
        incident_kind="typhoon",
        towns=[tree.town_a],
        targets=[BoardTarget("电力线路恢复", "条", 76, tree.town_a, hours=48)],
    )
    services.warning_send(actor=leader, project_id=project.pk, text="请到岗")
    presses = 4
    barrier = threading.Barrier(presses)
    answers: list[object] = []

    def press() -> None:
        try:
            barrier.wait()
            receipt = services.project_warning_acknowledge(actor=cadre, project_id=project.pk)
            answers.append(receipt.acknowledged_at)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    recorded = Receipt.objects.get(user=cadre).acknowledged_at
    assert recorded is not None
    assert answers == [recorded] * presses
