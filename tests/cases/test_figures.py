"""The figures leaders read, computed from what happened to real cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.figures import case_figures
from sanfu.cases.models import Case, Rating, ReplyKind
from tests.cases.conftest import Catalogue, People, web_case
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def answered(tree: Tree, catalogue: Catalogue, people: People, kind: str, rating: str) -> Case:
    case = web_case(tree, catalogue)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(actor=people.cadre, case_id=case.pk, kind=kind, text="答复")
    services.case_rate(solved=True, number=case.number, token=case.tracking_token, rating=rating)
    return case


def test_the_rates_follow_their_definitions(tree: Tree, catalogue: Catalogue, people: People):
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.SATISFIED)
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.BASICALLY)
    late = answered(tree, catalogue, people, ReplyKind.EXPLAINED, Rating.SATISFIED)
    Case.objects.filter(pk=late.pk).update(replied_on_time=False)
    web_case(tree, catalogue)  # received, still open
    start = timezone.now() - timedelta(days=1)
    end = timezone.now() + timedelta(days=1)

    county = case_figures(unit=tree.county, start=start, end=end)
    assert (county.received, county.handled, county.open) == (4, 3, 1)
    assert county.satisfaction_rate == 1.0
    assert county.resolution_rate == round(2 / 3, 4)
    assert county.on_time_rate == round(2 / 3, 4)
    assert county.response_rate == 1.0
    assert county.on_the_spot_rate == 0.0
    assert county.overdue == 1
    assert county.reopen_rate == 0.0

    town_b = case_figures(unit=tree.town_b, start=start, end=end)
    assert (town_b.received, town_b.handled) == (0, 0)
    assert town_b.satisfaction_rate is None


def test_a_period_without_cases_has_no_rates(tree: Tree, catalogue: Catalogue, people: People):
    answered(tree, catalogue, people, ReplyKind.SOLVED, Rating.SATISFIED)
    long_ago = timezone.now() - timedelta(days=400)
    figures = case_figures(unit=tree.county, start=long_ago, end=long_ago + timedelta(days=30))
    assert figures.received == 0
    assert figures.on_time_rate is None
