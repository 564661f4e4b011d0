"""Online rates: declared in the guides vs measured from the requests, with the gaps."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from sanfu.cases.models import Channel
from sanfu.cases.services import NewCase, case_create
from sanfu.frontdoor import catalogue, rates
from sanfu.frontdoor.models import ServiceEntry
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def _requests(tree: Tree, service: ServiceEntry, *channels: str) -> None:
    for channel in channels:
        case_create(
            new=NewCase(
                channel=channel,
                title=f"咨询{service.category.name}",
                text="请问怎么办理？",
                location_unit=tree.village_a,
                category=service.category,
            )
        )


def test_measured_rates_come_from_the_requests_channels(
    tree: Tree, loaded: catalogue.ImportReport
) -> None:
    huji = ServiceEntry.objects.get(category__name="户籍证明")  # declared online, zero visits
    marriage = ServiceEntry.objects.get(category__name="结婚登记")  # declared offline
    _requests(tree, huji, Channel.VISIT, Channel.VISIT, Channel.MOBILE)
    _requests(tree, marriage, Channel.WEB, Channel.MOBILE)
    end = timezone.now() + timedelta(minutes=1)
    measured = rates.service_rates([huji, marriage], start=end - timedelta(days=1), end=end)
    by_name = {r.service.category.name: r for r in measured}
    assert by_name["户籍证明"].requests == 3
    assert by_name["户籍证明"].measured("online") is False  # 1 of 3 came online
    assert by_name["结婚登记"].measured("online") is True
    gaps = {(g.rate.service.category.name, g.way, g.declared) for g in rates.gaps(measured)}
    assert ("户籍证明", "online", True) in gaps  # declared, but people still come in person
    assert ("户籍证明", "zero_visit", True) in gaps
    assert ("结婚登记", "online", False) in gaps  # not declared, but requests come online
    summary = rates.summarise(measured)
    assert summary.declared["online"] == Fraction(1, 2)
    assert summary.measured["online"] == Fraction(1, 2)


def test_the_rates_page_shows_county_department_and_service(
    tree: Tree, loaded: catalogue.ImportReport, town_staff: object
) -> None:
    huji = ServiceEntry.objects.get(category__name="户籍证明")
    _requests(tree, huji, Channel.VISIT)
    client = login(town_staff)  # type: ignore[arg-type]
    county = client.get("/frontdoor/services/rates/")
    assert county.status_code == 200
    assert 'data-testid="gaps"' in county.content.decode()
    assert "户籍证明" in county.content.decode().split('data-testid="gaps"')[1].split("</table>")[0]
    department = client.get("/frontdoor/services/rates/", {"provider": huji.provider_id})
    assert "结婚登记" not in department.content.decode()
    single = client.get("/frontdoor/services/rates/", {"service": huji.pk})
    assert single.content.decode().count('href="?service=') >= 1
    assert "居住证申领" not in single.content.decode()
