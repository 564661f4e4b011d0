"""Every branch of the outreach access rules, each with someone refused (the coverage check
holds querysets at 100%)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from sanfu.directory.models import User
from sanfu.outreach.models import Link, ServiceDay, VisitProblem
from sanfu.outreach.servicedays import service_day_create
from sanfu.outreach.services import NewProblem, NewVisit, visit_record
from tests.cases.conftest import People
from tests.conftest import Tree, make_staff
from tests.outreach.conftest import SHANGHAI, Outreach

pytestmark = pytest.mark.django_db


def test_a_superuser_reads_every_link_and_service_day(tree: Tree, outreach: Outreach) -> None:
    root = User.objects.create_superuser(username="root", password="x" * 20)
    assert Link.objects.visible_to(root).count() == Link.objects.count() == 2
    service_day_create(actor=root, unit=tree.town_a, title="亲清服务日", held_on=date(2026, 11, 20))
    assert ServiceDay.objects.visible_to(root).count() == 1
    assert not ServiceDay.objects.visible_to(AnonymousUser()).exists()
    assert not ServiceDay.objects.visible_to(make_staff("nobody")).exists()


def test_nobody_anonymous_holds_a_link(outreach: Outreach) -> None:
    assert not Link.objects.held_by(AnonymousUser()).exists()


def test_a_problem_found_on_a_visit_is_read_like_its_link(
    tree: Tree, people: People, outreach: Outreach
) -> None:
    visit_record(
        actor=people.cadre,
        new=NewVisit(
            link_id=outreach.enterprise_link.pk,
            client_key=uuid.uuid4().hex,
            visited_at=datetime(2026, 11, 20, 10, tzinfo=SHANGHAI),
            problems=[NewProblem(text="用地手续卡住", solved_on_the_spot=True, solution="已协调")],
        ),
    )
    assert VisitProblem.objects.visible_to(people.town_staff).count() == 1
    assert not VisitProblem.objects.visible_to(people.outsider).exists()
