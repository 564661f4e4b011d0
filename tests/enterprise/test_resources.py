from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sanfu.cases.models import Case
from sanfu.directory.models import StaffRole, User
from sanfu.enterprise.figures import resource_figures
from sanfu.enterprise.models import IdleResource, ResourceInterest, ResourceState
from tests.conftest import Tree, https_client, login, make_staff
from tests.factories import valid_id_number

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OWNER_ID = valid_id_number("19650304")


@pytest.fixture
def cadre(tree: Tree) -> User:
    return make_staff("cadre-a", tree.village_a, StaffRole.VILLAGE_CADRE)


def _listing(client: Client, tree: Tree, photo: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("enterprise:resources"),
        {
            "village": tree.village_a.pk,
            "kind": "house",
            "title": "上坪村老宅一栋",
            "description": "两层砖木结构，临溪。",
            "area_sqm": "180",
            "rights": "宅基地使用权",
            "asking_rent": "12000",
            "owner_name": "陈国良",
            "owner_id_number": OWNER_ID,
            "owner_phone": "13900001111",
            "photos": [photo],
        },
    )


@pytest.fixture
def house(tree: Tree, cadre: User) -> IdleResource:
    response = _listing(login(cadre), tree, SimpleUploadedFile("a.png", PNG))
    assert response.status_code == 302, response.content.decode()[:2000]
    return IdleResource.objects.get()


def test_a_photo_must_be_an_image(tree: Tree, cadre: User) -> None:
    response = _listing(login(cadre), tree, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    assert response.status_code == 400
    assert not IdleResource.objects.exists()


def test_the_public_finds_it_without_the_owners_personal_data(house: IdleResource) -> None:
    client = https_client()
    search = client.get(reverse("enterprise:idle_search"), {"kind": "house", "max_rent": "20000"})
    assert "上坪村老宅一栋" in search.content.decode()
    page = client.get(reverse("enterprise:idle", args=[house.pk])).content.decode()
    assert "180" in page
    for secret in (OWNER_ID, "13900001111", "陈国良", "1111"):
        assert secret not in page
    photo = house.photos.get()
    response = client.get(reverse("enterprise:idle_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_interest_becomes_a_case_the_village_sees(house: IdleResource, cadre: User) -> None:
    response = https_client().post(
        reverse("enterprise:idle", args=[house.pk]),
        {"name": "周敏", "phone": "13700002222", "message": "想开民宿"},
    )
    assert response.status_code == 302
    interest = ResourceInterest.objects.get()
    case = interest.case
    assert case.location_unit_id == house.village_id
    assert "想开民宿" in case.text
    assert Case.objects.visible_to(cadre).filter(pk=case.pk).exists()
    page = login(cadre).get(reverse("enterprise:resource", args=[house.pk])).content.decode()
    assert case.number in page


def test_interest_needs_a_phone(house: IdleResource) -> None:
    response = https_client().post(
        reverse("enterprise:idle", args=[house.pk]), {"name": "周敏", "phone": "abc"}
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_lease_takes_it_off_the_public_list_and_counts(
    house: IdleResource, cadre: User, administrator: User
) -> None:
    response = login(cadre).post(
        reverse("enterprise:resource", args=[house.pk]),
        {
            "lessee": "周敏",
            "purpose": "民宿",
            "starts_on": "2027-01-01",
            "ends_on": "2036-12-31",
            "annual_rent": "11000",
        },
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert house.state == ResourceState.LEASED
    assert house.lease.starts_on == date(2027, 1, 1)
    assert house.lease.annual_rent == Decimal("11000")
    assert https_client().get(reverse("enterprise:idle", args=[house.pk])).status_code == 404
    counted = resource_figures(IdleResource.objects.all())
    assert (counted.listed, counted.leased, counted.area_leased_sqm) == (1, 1, Decimal(180))
    assert counted.area_leased_mu == Decimal("0.3")
    figures = login(administrator).get(reverse("enterprise:figures")).content.decode()
    assert "已发布 1 处，已出租 1 处" in figures


def test_the_outsider_gets_404_for_the_villages_listing(
    house: IdleResource, outsider: User
) -> None:
    client = login(outsider)
    assert client.get(reverse("enterprise:resource", args=[house.pk])).status_code == 404
    assert "老宅" not in client.get(reverse("enterprise:resources")).content.decode()


def test_staff_see_the_owner_masked(house: IdleResource, cadre: User) -> None:
    page = login(cadre).get(reverse("enterprise:resource", args=[house.pk])).content.decode()
    assert OWNER_ID not in page
    assert "13900001111" not in page
    assert "139****1111" in page
