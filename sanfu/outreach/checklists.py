"""The checklists the system ships with; the county edits them (every edit a new version).

Questions are county data, written in the county's language, not interface strings. The
enterprise list follows Jiashan's 七问七清: production, orders, funding, land and space, staff,
approvals, policy needs. Keys stay stable across versions where a question does.
"""

from __future__ import annotations

SHIPPED: list[dict[str, object]] = [
    {
        "code": "enterprise-7q",
        "name": "企业走访七问七清",
        "kind": "enterprise",
        "questions": [
            {"key": "production", "text": "问生产：开工率、产能利用和经营情况清不清？"},
            {"key": "orders", "text": "问订单：在手订单和市场变化清不清？"},
            {"key": "funding", "text": "问资金：融资需求和资金周转清不清？"},
            {"key": "land", "text": "问要素：用地、厂房和空间需求清不清？"},
            {"key": "staff", "text": "问用工：招工缺口和人才需求清不清？"},
            {"key": "approvals", "text": "问审批：在办项目的审批堵点清不清？"},
            {"key": "policy", "text": "问政策：应享未享的惠企政策清不清？"},
        ],
    },
    {
        "code": "village",
        "name": "村社走访",
        "kind": "village",
        "questions": [
            {"key": "affairs", "text": "村务：近期重点工作和难点"},
            {"key": "livelihood", "text": "民生：群众反映集中的问题"},
            {"key": "safety", "text": "安全：矛盾纠纷和安全隐患"},
            {"key": "projects", "text": "项目：在建项目和集体经济"},
        ],
    },
    {
        "code": "grid-patrol",
        "name": "网格巡查",
        "kind": "grid",
        "questions": [
            {"key": "hazards", "text": "安全隐患"},
            {"key": "disputes", "text": "矛盾纠纷"},
            {"key": "needs", "text": "困难群众需求"},
            {"key": "environment", "text": "环境卫生"},
        ],
    },
]


def checklists_ship() -> None:
    """Version 1 of each shipped checklist, where the county has none of that code (migration
    0002 does the same with the historical models; a test database emptied between browser
    tests needs it again)."""
    from sanfu.outreach.models import ChecklistTemplate, ChecklistVersion

    for item in SHIPPED:
        template, created = ChecklistTemplate.objects.get_or_create(
            code=item["code"], defaults={"name": item["name"], "kind": item["kind"]}
        )
        if created:
            ChecklistVersion.objects.create(
                template=template, number=1, questions=item["questions"]
            )
