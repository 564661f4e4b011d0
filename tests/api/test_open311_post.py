"""POST requests: an Open311 submission becomes a case, or a precise error in both formats."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sanfu.api.keys import api_client_revoke
from sanfu.api.models import Datatype, Open311Submission, ServiceAttribute
from sanfu.cases.models import Case, Channel, RequesterKind
from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.api.conftest import open311_form
from tests.cases.conftest import Catalogue
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def _created(public: Client, form: dict[str, Any], fmt: str = "json") -> Case:
    response = o311.post(public, fmt, form)
    assert response.status_code == 201, response.content.decode()
    answer = o311._check_single(response, fmt, schemas.CREATED, "service_requests")
    return Case.objects.get(number=answer.data[0]["service_request_id"])


def _refused(public: Client, form: dict[str, Any], status: int) -> str:
    """Both formats refuse with the same status; the JSON description is returned."""
    descriptions = []
    for fmt in ("json", "xml"):
        response = o311.post(public, fmt, form)
        assert response.status_code == status, (fmt, response.content.decode())
        answer = o311._check_single(response, fmt, schemas.ERRORS, "errors")
        assert answer.data[0]["code"] == str(status)
        descriptions.append(answer.data[0]["description"])
    return str(descriptions[0])


def test_a_post_files_a_case_at_the_county_desk(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    json_answer, xml_answer = o311.post_both(public, open311_form(tree, catalogue, app_key))
    assert json_answer.data[0]["account_id"] == "acct-9"
    assert "10" in json_answer.data[0]["service_notice"]
    assert xml_answer.xml.find("request/service_request_id") is not None
    case = Case.objects.get(number=json_answer.data[0]["service_request_id"])
    assert case.channel == Channel.OPEN311
    assert case.desk_unit == tree.county
    assert case.location_unit == tree.grid_a
    assert case.category == catalogue.roads
    assert case.requester_name == "王建国"
    assert case.requester_phone == "13812345678"
    assert case.requester_kind == RequesterKind.RESIDENT
    assert case.title == "上坪村村口的路面塌了一个大坑，电动车晚上经过很危险。"
    submission = Open311Submission.objects.get(case=case)
    assert (submission.email, submission.device_id, submission.account_id) == (
        "wang@example.cn",
        "device-1",
        "acct-9",
    )
    assert Case.objects.count() == 2


def test_the_api_key_may_come_in_the_query_string(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key, api_key=None)
    response = o311.post(public, "json", form, query=f"?api_key={app_key}")
    assert response.status_code == 201


@pytest.mark.parametrize("key", [None, "", "o311_not-a-key", "something else"])
def test_a_missing_or_bad_api_key_is_a_403(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client, key: str | None
) -> None:
    description = _refused(public, open311_form(tree, catalogue, app_key, api_key=key), 403)
    assert "api_key" in description
    assert not Case.objects.exists()


def test_a_revoked_key_stops_working_at_once(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    _created(public, form)
    api_client_revoke(name="云溪通 app")
    _refused(public, form, 403)


@pytest.mark.parametrize(
    ("overrides", "status", "parameter"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "C99"}, 404, "service_code"),
        ({"jurisdiction_id": "QT"}, 404, "jurisdiction_id"),
        ({"address_id": None}, 400, "lat"),
        ({"address_id": None, "lat": "28.1"}, 400, "lat"),
        ({"address_id": "NOWHERE"}, 400, "address_id"),
        ({"address_id": "YXD12"}, 400, "address_id"),  # a department is no place
        ({"lat": "91", "long": "120"}, 400, "lat"),
        ({"lat": "north", "long": "120"}, 400, "lat"),
        ({"phone": "call me"}, 400, "phone"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "ftp://example.cn/a.jpg"}, 400, "media_url"),
        ({"description": "坑" * 20001}, 400, "description"),
        ({"description": "bad\x00byte"}, 400, "description"),
        ({"attribute[NOPE]": "1"}, 400, "attribute[NOPE]"),
        ({"attribute[requester_kind]": "martian"}, 400, "attribute[requester_kind]"),
        (
            {"attribute[requester_kind]": "enterprise", "first_name": "", "last_name": ""},
            400,
            "attribute[enterprise_name]",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(
    tree: Tree,
    catalogue: Catalogue,
    app_key: str,
    public: Client,
    overrides: dict[str, Any],
    status: int,
    parameter: str,
) -> None:
    description = _refused(public, open311_form(tree, catalogue, app_key, **overrides), status)
    assert description.startswith(parameter), description
    assert not Case.objects.exists()


def test_empty_parameters_count_as_absent(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(
        tree,
        catalogue,
        app_key,
        lat="",
        long="",
        address_string=" ",
        email="",
        media_url="",
        jurisdiction_id="",
        description="",
        **{"attribute[title]": ""},
    )
    case = _created(public, form)
    assert case.location_unit == tree.grid_a
    assert case.title == case.text == "道路维修"  # no description: the service's name


def test_coordinates_alone_file_under_the_first_town(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key, address_id=None, lat="28.123456", long="120.5")
    case = _created(public, form, "xml")
    assert case.location_unit == tree.town_a  # YX01 comes first by code
    assert (str(case.latitude), str(case.longitude)) == ("28.123456", "120.500000")


def test_an_address_naming_units_files_under_the_deepest_named(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(
        tree, catalogue, app_key, address_id=None, address_string="白岩镇下湾村东头桥边"
    )
    case = _created(public, form)
    assert case.location_unit == tree.village_b
    assert case.address == "白岩镇下湾村东头桥边"
    unnamed = open311_form(tree, catalogue, app_key, address_id=None, address_string="老街口")
    assert _created(public, unnamed).location_unit == tree.town_a


def test_answers_shape_the_case_and_are_kept(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    ServiceAttribute.objects.create(
        code="WHERE",
        description="坑在哪里？",
        datatype=Datatype.MULTI,
        required=True,
        values=[{"key": "road", "name": "路中间"}, {"key": "side", "name": "路边"}],
    )
    form = open311_form(
        tree,
        catalogue,
        app_key,
        **{
            "attribute[requester_kind]": "enterprise",
            "attribute[enterprise_name]": "云溪恒达机械",
            "attribute[title]": "村口大坑",
            "attribute[confidential]": "true",
            "attribute[WHERE][]": ["road", "side"],
        },
    )
    case = _created(public, form)
    assert case.requester_kind == RequesterKind.ENTERPRISE
    assert case.requester_name == "云溪恒达机械"
    assert case.title == "村口大坑"
    assert case.confidential is True
    assert case.text.endswith("坑在哪里？：路中间、路边")
    submission = Open311Submission.objects.get(case=case)
    assert submission.attributes["WHERE"] == ["road", "side"]
    missing = open311_form(tree, catalogue, app_key)
    assert _refused(public, missing, 400).startswith("attribute[WHERE]")


def test_a_post_without_the_form_content_type_finds_no_parameters(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    response = public.post(
        "/open311/v2/requests.json",
        open311_form(tree, catalogue, app_key),
        content_type="application/json",
    )
    assert response.status_code == 403  # the api_key was not read: nothing was
    assert not Case.objects.exists()


def test_an_oversized_form_is_refused_in_the_open311_format(
    tree: Tree, catalogue: Catalogue, app_key: str, public: Client
) -> None:
    form = open311_form(tree, catalogue, app_key)
    form.update({f"extra{i}": "x" for i in range(1100)})  # more fields than Django reads
    response = o311.post(public, "xml", form)
    assert response.status_code == 400
    o311._check_single(response, "xml", schemas.ERRORS, "errors")
