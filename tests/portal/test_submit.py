"""A resident raises a request on the portal, with or without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfu.cases.models import Case, CaseState, Channel, RequesterKind
from tests.cases.conftest import Catalogue
from tests.conftest import Tree, https_client

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form(tree: Tree, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requester_kind": RequesterKind.RESIDENT,
        "requester_name": "王建国",
        "requester_phone": "13812345678",
        "title": "上坪村口路灯不亮",
        "text": "村口三盏路灯坏了两周，晚上出行很危险。",
        "town": tree.town_a.pk,
        "village": tree.village_a.pk,
        "address": "村口",
        "category": "",
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_towns_and_an_empty_similar_cases_slot(tree: Tree):
    response = https_client().get("/submit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "石门镇" in page
    assert 'id="similar-cases"' in page
    similar = https_client().get("/submit/similar/", {"title": "路灯", "town": str(tree.town_a.pk)})
    assert similar.status_code == 200
    assert similar.content.decode().strip() == ""


def test_a_resident_submits_and_gets_a_number_and_a_tracking_link(tree: Tree, catalogue: Catalogue):
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    data = form(tree, category=catalogue.roads.pk, photos=[photo])
    response = https_client().post("/submit/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/track/{case.number}/{case.tracking_token}/?new=1"
    assert (case.state, case.channel, case.location_unit) == (
        CaseState.NEW,
        Channel.WEB,
        tree.village_a,
    )
    assert case.category == catalogue.roads
    assert case.attachments.get().content_type == "image/png"
    page = https_client().get(response["Location"]).content.decode()
    assert case.number in page
    assert case.tracking_token in page


def test_the_whole_town_is_enough_when_the_village_is_unknown(tree: Tree):
    response = https_client().post("/submit/", form(tree, village=""))
    assert response.status_code == 302
    assert Case.objects.get().location_unit == tree.town_a


def test_a_file_that_is_not_a_photo_is_refused_on_the_photos_field(tree: Tree):
    bad = SimpleUploadedFile("lamp.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = https_client().post("/submit/", form(tree, photos=[bad]))
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors
    assert not Case.objects.exists()


def test_more_than_six_photos_are_refused(tree: Tree):
    photos = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(7)]
    response = https_client().post("/submit/", form(tree, photos=photos))
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors


def test_a_village_outside_the_chosen_town_is_refused(tree: Tree):
    response = https_client().post("/submit/", form(tree, village=tree.village_b.pk))
    assert response.status_code == 400
    assert "village" in response.context["form"].errors


def test_a_bad_phone_number_is_shown_on_the_phone_field(tree: Tree):
    response = https_client().post("/submit/", form(tree, requester_phone="call me"))
    assert response.status_code == 400
    assert "requester_phone" in response.context["form"].errors


def test_a_village_unit_must_name_its_village(tree: Tree):
    data = form(tree, requester_kind=RequesterKind.GRASSROOTS)
    response = https_client().post("/submit/", data)
    assert response.status_code == 400
    assert "requester_unit" in response.context["form"].errors


def test_find_searches_the_catalogue_without_javascript(tree: Tree, catalogue: Catalogue):
    response = https_client().post("/submit/", form(tree, category_query="道路", find="1"))
    assert response.status_code == 200
    assert "道路维修" in response.content.decode()
    assert not Case.objects.exists()


def test_the_catalogue_suggests_categories_from_the_text(tree: Tree, catalogue: Catalogue):
    response = https_client().get(
        "/submit/categories/", {"title": "单位拖欠工资三个月", "text": ""}
    )
    assert "拖欠工资" in response.content.decode()
    assert "道路维修" not in response.content.decode()


def test_choosing_a_town_narrows_the_villages(tree: Tree):
    page = https_client().get("/submit/villages/", {"town": tree.town_b.pk}).content.decode()
    assert "下湾村" in page
    assert "上坪村" not in page


def test_an_anonymous_request_keeps_no_name(tree: Tree):
    data = form(tree, requester_kind=RequesterKind.ANONYMOUS, requester_phone="")
    https_client().post("/submit/", data)
    assert Case.objects.get().requester_name == ""
