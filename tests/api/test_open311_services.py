"""Open311 discovery, services and service definitions, in both formats."""

from __future__ import annotations

import pytest
from django.test import Client

from sanfu.api.models import Datatype, ServiceAttribute
from sanfu.api.open311.services import forget_snapshot
from sanfu.cases.models import Category, Priority, Sla
from sanfu.directory import services as directory
from sanfu.directory.models import UnitKind
from tests.api import open311_client as o311
from tests.api import open311_schemas as schemas
from tests.cases.conftest import Catalogue
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_discovery_names_the_endpoint_and_both_formats(tree: Tree, public: Client) -> None:
    answer = o311.get(public, "discovery", schema=schemas.DISCOVERY, root="discovery")
    endpoint = answer.data["endpoints"][0]
    assert endpoint["url"] == "https://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    formats = answer.xml.find("endpoints/endpoint/formats")
    assert formats is not None
    assert [e.tag for e in formats] == ["format", "format"]


def test_services_are_the_catalogue_matters_with_their_group(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    answer = o311.get(public, "services", schema=schemas.SERVICES, root="services")
    by_code = {service["service_code"]: service for service in answer.data}
    # Only the matters (leaves) are offered; broader categories are their groups.
    assert set(by_code) == {catalogue.roads.code, catalogue.wages.code}
    roads = by_code[catalogue.roads.code]
    assert roads["service_name"] == "道路维修"
    assert roads["group"] == "城乡建设"
    assert roads["keywords"] == "城乡建设, 市政设施"
    assert roads["type"] == "realtime"
    assert roads["metadata"] is True
    assert "10" in roads["description"]  # the county's default limit: 10 working days
    assert all(child.tag == "service" for child in answer.xml)


def test_services_leave_out_inactive_categories_and_their_matters(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    Category.objects.filter(pk=catalogue.labour.pk).update(is_active=False)
    forget_snapshot()  # a bulk update sends no signal: other processes wait out the minute
    answer = o311.get(public, "services", schema=schemas.SERVICES, root="services")
    assert [s["service_code"] for s in answer.data] == [catalogue.roads.code]


def test_a_service_definition_lists_the_questions_in_order(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    Sla.objects.create(
        category=catalogue.construction, priority=Priority.NORMAL, sign_hours=2, reply_days=5
    )
    ServiceAttribute.objects.create(
        category=catalogue.construction,
        code="SIZE",
        description="坑有多大？",
        datatype=Datatype.SINGLE,
        required=True,
        values=[{"key": "small", "name": "小于一米"}, {"key": "large", "name": "一米以上"}],
    )
    answer = o311.get(
        public,
        f"services/{catalogue.roads.code}",
        schema=schemas.SERVICE_DEFINITION,
        root="service_definition",
    )
    attributes = answer.data["attributes"]
    assert [a["order"] for a in attributes] == list(range(1, len(attributes) + 1))
    codes = [a["code"] for a in attributes]
    assert codes[:5] == ["time_limit", "requester_kind", "enterprise_name", "title", "confidential"]
    assert codes[-1] == "SIZE"
    time_limit = attributes[0]
    assert time_limit["variable"] is False
    assert "2" in time_limit["description"]
    assert "5" in time_limit["description"]
    size = attributes[-1]
    assert size["required"] is True
    assert size["values"] == [
        {"key": "small", "name": "小于一米"},
        {"key": "large", "name": "一米以上"},
    ]
    xml_values = answer.xml.findall("attributes/attribute")[-1].findall("values/value")
    assert [v.findtext("key") for v in xml_values] == ["small", "large"]


def test_the_singular_service_path_is_an_alias(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    plural = public.get(f"/open311/v2/services/{catalogue.roads.code}.json")
    singular = public.get(f"/open311/v2/service/{catalogue.roads.code}.json")
    assert singular.status_code == 200
    assert singular.content == plural.content


def test_an_unknown_or_broad_service_code_is_a_404(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    o311.get_error(public, "services/NOPE", expect=404)
    # A field is a group of services, not a service.
    o311.get_error(public, f"services/{catalogue.construction.code}", expect=404)


def test_jurisdiction_is_optional_while_there_is_one_county(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    o311.get(public, "services", schema=schemas.SERVICES, root="services", jurisdiction_id="")
    o311.get(public, "services", schema=schemas.SERVICES, root="services", jurisdiction_id="YX")
    answer = o311.get_error(public, "services", expect=404, jurisdiction_id="ELSEWHERE")
    assert "jurisdiction_id" in answer.data[0]["description"]


def test_jurisdiction_is_required_once_there_are_two_counties(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    directory.unit_create(kind=UnitKind.COUNTY, name="青田县", code="QT", parent=None)
    answer = o311.get_error(public, "services", expect=400)
    assert "jurisdiction_id" in answer.data[0]["description"]
    o311.get(public, "services", schema=schemas.SERVICES, root="services", jurisdiction_id="QT")


def test_unknown_resources_and_methods_answer_in_the_open311_format(
    tree: Tree, public: Client
) -> None:
    missing = public.get("/open311/v2/nothing.json")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json; charset=utf-8"
    assert missing.json()[0]["code"] == "404"
    o311.validate(schemas.ERRORS, missing.json())
    xml_missing = public.get("/open311/v2/nothing")
    assert xml_missing["Content-Type"] == "text/xml; charset=utf-8"
    wrong_method = public.post("/open311/v2/services.xml")
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET"


def test_public_reads_allow_other_sites(tree: Tree, catalogue: Catalogue, public: Client) -> None:
    response = public.get("/open311/v2/services.json")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_catalogue_change_in_the_admin_reaches_the_services_at_once(
    tree: Tree, catalogue: Catalogue, public: Client
) -> None:
    first = o311.get(public, "services", schema=schemas.SERVICES, root="services")
    assert len(first.data) == 2
    catalogue.wages.name = "欠薪"
    catalogue.wages.save(update_fields=["name"])
    second = o311.get(public, "services", schema=schemas.SERVICES, root="services")
    assert {s["service_name"] for s in second.data} == {"道路维修", "欠薪"}
