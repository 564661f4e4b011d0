from __future__ import annotations

import io
import json

import openpyxl
from django.urls import reverse

from sanfu.api.keys import staff_token_create
from sanfu.directory import services as directory
from sanfu.directory.models import User
from sanfu.enterprise.matching import policies_match
from tests.api.conftest import StaffClient
from tests.conftest import Tree, login
from tests.enterprise.conftest import World
from tests.factories import valid_credit_code


def test_the_review_list_exports_text_as_text(tree: Tree, world: World, handler: User) -> None:
    directory.enterprise_create(
        name='=HYPERLINK("http://evil","x")',
        credit_code=valid_credit_code(),
        town=tree.town_a,
        industry="manufacturing",
        size="small",
    )
    policies_match()
    response = login(handler).get(
        reverse("enterprise:policy_export", args=[world.town_a_policy.pk])
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=2)}
    assert names['=HYPERLINK("http://evil","x")'] == "s"
    assert "云溪恒达机械有限公司" in names


def test_the_outsider_cannot_export_a_departments_list(world: World, outsider: User) -> None:
    url = reverse("enterprise:policy_export", args=[world.sme.pk])
    assert login(outsider).get(url).status_code == 404


def _api(user: User) -> StaffClient:
    _row, token = staff_token_create(user=user, name="t")
    return StaffClient(token)


def test_the_api_reads_an_enterprise_masked_and_scoped(
    world: World, town_staff: User, outsider: User
) -> None:
    response = _api(town_staff).get(f"/api/enterprises/{world.hengda.pk}")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["legal_representative"] == "张**"
    assert {p["code"] for p in body["qualified_policies"]} == {"SME-1", "TOWN-A"}
    assert _api(outsider).get(f"/api/enterprises/{world.hengda.pk}").status_code == 404


def test_the_api_lists_a_policys_missed_for_its_department_only(
    world: World, handler: User, outsider: User
) -> None:
    policies_match()
    response = _api(handler).get(f"/api/policies/{world.sme.pk}/missed")
    assert response.status_code == 200
    assert {row["enterprise_name"] for row in json.loads(response.content)} == {
        "云溪恒达机械有限公司",
        "白岩精密制造有限公司",
    }
    assert _api(outsider).get(f"/api/policies/{world.sme.pk}/missed").status_code == 404
