"""Published results: anonymised, searchable by town, category, month and text."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from sanfu.cases import services
from sanfu.cases.models import Case, Rating, ReplyKind
from tests.cases.conftest import Catalogue, People, publish_as_drafted, web_case
from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db


def closed(tree: Tree, catalogue: Catalogue, people: People, **overrides: Any) -> Case:
    case = web_case(tree, catalogue, **overrides)
    services.case_dispatch(actor=people.dispatcher, case_id=case.pk, lead_unit=tree.village_a)
    services.case_sign(actor=people.cadre, case_id=case.pk)
    services.case_reply(
        actor=people.cadre,
        case_id=case.pk,
        kind=ReplyKind.SOLVED,
        text="已联系王建国（13812345678），路灯已修复。",
    )
    services.case_rate(
        solved=True, number=case.number, token=case.tracking_token, rating=Rating.SATISFIED
    )
    return case


def test_a_published_case_is_listed_without_personal_data(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed(tree, catalogue, people)
    hidden = closed(tree, catalogue, people, title="未公示的诉求")
    publish_as_drafted(people.dispatcher, case.pk)
    page = https_client().get("/published/").content.decode()
    assert case.number in page
    assert "石门镇" in page
    assert "路灯已修复" in page
    assert "13812345678" not in page
    assert "王建国" not in page
    assert hidden.number not in page


def test_the_list_filters_by_town_category_month_and_text(
    tree: Tree, catalogue: Catalogue, people: People
):
    case = closed(tree, catalogue, people)
    publish_as_drafted(people.dispatcher, case.pk)
    client = https_client()
    month = timezone.localdate().strftime("%Y-%m")

    def listed(**query: Any) -> bool:
        return case.number in client.get("/published/", query).content.decode()

    assert listed(town=tree.town_a.pk, category=catalogue.construction.pk, month=month, q="路灯")
    assert not listed(town=tree.town_b.pk)
    assert not listed(category=catalogue.labour.pk)
    assert not listed(month="2001-01")
    assert not listed(q="垃圾")
