"""A small enterprise world over the fixed personas' tree.

Each enterprise has its own main contact who logs in (恒达 13812345678, 青禾 13812345679,
白岩 13812345680). Town A: 恒达 (manufacturing, small, 2025 revenue ¥3,000,000, 40 staff,
grade A) and 青禾 (trade, micro, revenue ¥200,000, 5 staff, grade B). Town B:
白岩 (manufacturing, small, revenue ¥5,000,000, grade A). Policy SME-1 from the
department: manufacturing, small or micro, revenue ≥ ¥1,000,000, grade A or B.
Policy TOWN-A from the department: anything in town A.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from sanfu.directory import services as directory
from sanfu.directory.models import Enterprise, Unit
from sanfu.enterprise.models import (
    ContactRole,
    EnterpriseContact,
    EnterpriseFacts,
    EnterpriseProfile,
    Policy,
)
from sanfu.enterprise.services.policies import policy_create
from tests.conftest import Tree
from tests.factories import valid_credit_code


@dataclass
class World:
    hengda: Enterprise
    qinghe: Enterprise
    baiyan: Enterprise
    sme: Policy
    town_a_policy: Policy
    county: Unit


CONTACT_PHONES = {
    "云溪恒达机械有限公司": "13812345678",
    "云溪青禾商贸有限公司": "13812345679",
    "白岩精密制造有限公司": "13812345680",
}


def _enterprise(name: str, town: Unit, industry: str, size: str) -> Enterprise:
    phone = CONTACT_PHONES[name]
    enterprise = directory.enterprise_create(
        name=name,
        credit_code=valid_credit_code(),
        town=town,
        industry=industry,
        size=size,
        contact_name="李明华",
        contact_phone=phone,
    )
    EnterpriseContact.objects.create(
        enterprise=enterprise, name="李明华", phone=phone, role=ContactRole.MAIN
    )
    return enterprise


@pytest.fixture
def world(tree: Tree) -> World:
    hengda = _enterprise("云溪恒达机械有限公司", tree.town_a, "manufacturing", "small")
    qinghe = _enterprise("云溪青禾商贸有限公司", tree.town_a, "trade", "micro")
    baiyan = _enterprise("白岩精密制造有限公司", tree.town_b, "manufacturing", "small")
    for enterprise, revenue, staff, grade in (
        (hengda, "3000000", 40, "A"),
        (qinghe, "200000", 5, "B"),
        (baiyan, "5000000", 60, "A"),
    ):
        EnterpriseFacts.objects.create(
            enterprise=enterprise,
            year=2025,
            revenue=Decimal(revenue),
            employees=staff,
            tax_grade=grade,
        )
    EnterpriseProfile.objects.create(enterprise=hengda, legal_representative="张伟强")
    sme = policy_create(
        code="SME-1",
        name="小微制造企业减税",
        issuing_unit=tree.department,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        facts_year=2025,
        benefit_kind="tax_cut",
        benefit_text="减半征收",
        industries=["manufacturing"],
        sizes=["small", "micro"],
        min_revenue=Decimal("1000000"),
        tax_grades=["A", "B"],
    )
    town_a_policy = policy_create(
        code="TOWN-A",
        name="石门镇企业用工补贴",
        issuing_unit=tree.department,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        facts_year=2025,
        benefit_kind="subsidy",
        benefit_text="每人500元",
        towns=[tree.town_a],
    )
    return World(hengda, qinghe, baiyan, sme, town_a_policy, tree.county)
