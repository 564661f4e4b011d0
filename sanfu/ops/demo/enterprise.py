"""`sanfu seed enterprise`: the demo county's enterprise service centre.

Drawn with a fixed seed over the enterprises `sanfu seed demo` loaded: two years of facts and
15 policies; a year of benefits imported through the real import (amounts written the way the
bureaus' Excel exports write them, "¥12,000.00"), with some qualifying enterprises left out so
the departments' "qualified but not received" lists have work; 150 projects with approvals
(some late, some decided in joint sessions); 80 idle houses and plots, some leased, some with
an expression of interest. Loaded once: with the policies already there it changes nothing.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import (
    VILLAGE_KINDS,
    Enterprise,
    EnterpriseSize,
    Unit,
    UnitKind,
    User,
)
from sanfu.directory.zh_names import COUNTY_NAME, HOUSING_DEPARTMENT
from sanfu.enterprise import rules
from sanfu.enterprise.imports import enterprise_import
from sanfu.enterprise.matching import active_rules, facts_rows, policies_match
from sanfu.enterprise.models import Approval, IdleResource, Policy, Project
from sanfu.enterprise.selectors import county_id_of
from sanfu.enterprise.services import menu, projects, resources
from sanfu.enterprise.services.contacts import contacts_from_register
from sanfu.enterprise.services.policies import policy_create
from sanfu.lib.errors import ValidationFailed

SEED = "sanfu-enterprise-demo-1"
YEAR = 2026
Say = Callable[[str], None]

# Code, name, department (without the county's name), kind, text, rules.
_POLICIES: list[tuple[str, str, str, str, str, dict[str, object]]] = [
    (
        "YX-P01",
        "小微企业增值税减免",
        "国家税务总局云溪县税务局",
        "tax_cut",
        "月销售额10万元以下免征增值税",
        {"sizes": ["small", "micro"], "max_revenue": Decimal("5000000")},
    ),
    (
        "YX-P02",
        "制造业研发费用加计扣除",
        "国家税务总局云溪县税务局",
        "tax_cut",
        "研发费用按100%加计扣除",
        {"industries": ["manufacturing"], "tax_grades": ["A", "B"]},
    ),
    (
        "YX-P03",
        "稳岗返还",
        "人力资源和社会保障局",
        "fee_cut",
        "返还上年度失业保险费的60%",
        {"min_employees": 10, "tax_grades": ["A", "B", "M"]},
    ),
    (
        "YX-P04",
        "小微企业成长贷贴息",
        "财政局",
        "loan",
        "成长贷利息补贴50%",
        {"sizes": ["small", "micro"], "min_revenue": Decimal("1000000")},
    ),
    (
        "YX-P05",
        "规上工业企业技改补助",
        "经济和信息化局",
        "subsidy",
        "技改投入的10%，最高200万元",
        {"industries": ["manufacturing"], "sizes": ["large", "medium"]},
    ),
    (
        "YX-P06",
        "民宿提升奖励",
        "文化和广电旅游体育局",
        "award",
        "每家民宿奖励2万元",
        {"industries": ["tourism", "hospitality"]},
    ),
    (
        "YX-P07",
        "建筑业企业资质升级奖励",
        "住房和城乡建设局",
        "award",
        "资质升级一次性奖励10万元",
        {"industries": ["construction"]},
    ),
    (
        "YX-P08",
        "建筑业纳税贡献奖",
        "住房和城乡建设局",
        "award",
        "纳税A级建筑企业奖励5万元",
        {"industries": ["construction"], "tax_grades": ["A"]},
    ),
    (
        "YX-P09",
        "物流企业运费补贴",
        "交通运输局",
        "subsidy",
        "按运输量补贴",
        {"industries": ["logistics"], "min_employees": 5},
    ),
    (
        "YX-P10",
        "电商企业入驻补贴",
        "商务局",
        "subsidy",
        "入驻园区首年租金全免",
        {"industries": ["trade", "technology"], "sizes": ["micro"]},
    ),
    (
        "YX-P11",
        "高新技术企业认定奖励",
        "科学技术局",
        "award",
        "首次认定奖励20万元",
        {"industries": ["technology"], "min_revenue": Decimal("2000000")},
    ),
    (
        "YX-P12",
        "农业龙头企业贷款贴息",
        "农业农村局",
        "loan",
        "贷款利息补贴",
        {"industries": ["agriculture"], "min_revenue": Decimal("3000000")},
    ),
    (
        "YX-P13",
        "社保费阶段性减免",
        "医疗保障局",
        "fee_cut",
        "单位缴费部分减半",
        {"sizes": ["micro"], "max_employees": 20},
    ),
    (
        "YX-P14",
        "城镇土地使用税减免",
        "国家税务总局云溪县税务局",
        "tax_cut",
        "困难企业减免",
        {"max_revenue": Decimal("500000")},
    ),
    (
        "YX-P15",
        "老旧厂房改造补助",
        "住房和城乡建设局",
        "subsidy",
        "改造投入的20%",
        {"industries": ["manufacturing", "construction"], "min_employees": 50},
    ),
]
_GRADES = "AAABBBBMMCD"
_PROJECT_WORDS = ["二期扩建", "技改项目", "新建厂房", "智能化改造"]


@dataclass
class EnterpriseDemoSummary:
    created: bool
    enterprises: int = 0
    facts: int = 0
    policies: int = 0
    benefits: int = 0
    qualified_not_received: int = 0
    projects: int = 0
    approvals: int = 0
    late_approvals: int = 0
    idle_resources: int = 0
    leased: int = 0
    providers: int = 0

    def as_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def _department(name: str) -> Unit:
    unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__endswith=name).first()
    if unit is None:
        unit = Unit.objects.get(kind=UnitKind.DEPARTMENT, name=HOUSING_DEPARTMENT)
    return unit


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _facts(rng: random.Random, enterprises: list[Enterprise]) -> int:
    scale = {
        EnterpriseSize.LARGE: 4e8,
        EnterpriseSize.MEDIUM: 5e7,
        EnterpriseSize.SMALL: 5e6,
        EnterpriseSize.MICRO: 5e5,
    }
    staff = {"large": 800, "medium": 150, "small": 40, "micro": 6}
    rows = []
    for year in (YEAR - 2, YEAR - 1):
        for e in enterprises:
            revenue = Decimal(int(scale[EnterpriseSize(e.size)] * rng.uniform(0.3, 1.8)))
            rows.append(
                [
                    e.credit_code,
                    str(year),
                    f"¥{revenue:,.2f}",
                    f"{max(1, int(staff[e.size] * rng.uniform(0.4, 1.6))):,}",
                    rng.choice(_GRADES),
                    rng.choice("王李张刘陈杨黄赵吴周")
                    + rng.choice(["建国", "海燕", "志强", "丽华", "国平"]),
                    "",
                ]
            )
    header = [
        "统一社会信用代码",
        "年度",
        "营业收入",
        "从业人数",
        "纳税信用等级",
        "法定代表人",
        "行业代码",
    ]
    report = enterprise_import(
        kind="facts", file_name="税务局经营数据.csv", data=_csv(header, rows)
    )
    if not report.applied:
        raise ValidationFailed(str(report.issues[:3]))
    return report.created


def _policies() -> list[Policy]:
    made = []
    for code, name, department, kind, text, spec in _POLICIES:
        made.append(
            policy_create(
                code=code,
                name=name,
                issuing_unit=_department(department),
                starts_on=date(YEAR, 1, 1),
                ends_on=date(YEAR, 12, 31),
                facts_year=YEAR - 1,
                benefit_kind=kind,
                benefit_text=text,
                **spec,
            )
        )
    return made


def _benefits(rng: random.Random, policies: list[Policy]) -> int:
    table = rules.FactsTable.build(facts_rows(YEAR - 1))
    codes = dict(Enterprise.objects.values_list("pk", "credit_code"))
    rows: list[list[str]] = []
    for policy, rule in zip(policies, active_rules(policies), strict=True):
        for enterprise_id in rules.qualified_ids(rule, table).tolist():
            # About one in six qualifying enterprises is left out: the lists' work.
            if rng.random() < 0.17:
                continue
            day = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 300))
            amount = Decimal(rng.randint(500, 200_000))
            rows.append(
                [
                    codes[enterprise_id],
                    policy.code,
                    day.isoformat(),
                    f"¥{amount:,.2f}",
                    f"V{len(rows):06d}",
                ]
            )
    header = ["统一社会信用代码", "政策编号", "兑现日期", "金额", "凭证号"]
    report = enterprise_import(
        kind="benefits", file_name="财政局兑现清单.csv", data=_csv(header, rows)
    )
    if not report.applied:
        raise ValidationFailed(str(report.issues[:3]))
    return report.created


def _projects(rng: random.Random, actor: User, enterprises: list[Enterprise]) -> tuple[int, int]:
    departments = {
        "land": _department("自然资源和规划局"),
        "planning": _department("自然资源和规划局"),
        "environment": _department("生态环境分局"),
        "construction": _department("住房和城乡建设局"),
        "fire": _department("消防救援大队"),
    }
    now = timezone.now()
    approvals = 0
    bigger = [e for e in enterprises if e.size in ("large", "medium", "small")] or enterprises
    for n in range(150):
        enterprise = rng.choice(bigger)
        started = now - timedelta(days=rng.randint(5, 330), hours=rng.randint(0, 8))
        project = projects.project_create(
            actor=actor,
            enterprise_id=enterprise.pk,
            name=f"{enterprise.name[:12]}{rng.choice(_PROJECT_WORDS)}{n + 1}",
            kind=rng.choice(["new", "expansion", "expansion", "upgrade"]),
            investment=Decimal(rng.randint(5, 3000)) * 1_000_000,
            at=started,
        )
        for kind in rng.sample(list(departments), rng.randint(2, 4)):
            approval = projects.approval_request(
                actor=actor,
                project_id=project.pk,
                kind=kind,
                department=departments[kind],
                working_days=rng.choice([5, 10, 15, 20]),
                at=started,
            )
            approvals += 1
            # Most are decided, a few late; the rest wait (some past their deadline).
            if rng.random() < 0.75:
                late = rng.random() < 0.15
                decided = (
                    approval.due_at + timedelta(days=rng.randint(1, 9))
                    if late
                    else (
                        approval.requested_at
                        + (approval.due_at - approval.requested_at) * rng.uniform(0.2, 0.95)
                    )
                )
                if decided < now:
                    projects.approval_decide(
                        actor=actor, approval_id=approval.pk, decision="approved", at=decided
                    )
    return Project.objects.count(), approvals


def _resources(rng: random.Random, actor: User) -> int:
    villages = list(Unit.objects.filter(kind__in=VILLAGE_KINDS).order_by("code"))
    leased = 0
    for n in range(80):
        village = rng.choice(villages)
        land = rng.random() < 0.3
        resource = resources.resource_list(
            actor=actor,
            village=village,
            kind="land" if land else "house",
            title=f"{village.name}{'闲置土地' if land else '闲置农房'}{n + 1}号",
            description=rng.choice(
                [
                    "临溪，交通便利。",
                    "两层砖木结构，有院子。",
                    "靠近景区，适合民宿。",
                    "平整地块，适合加工车间。",
                ]
            ),
            area_sqm=Decimal(rng.randint(3000, 40000) if land else rng.randint(80, 400)),
            rights=rng.choice(["宅基地使用权", "集体建设用地使用权", "农村土地承包经营权"]),
            asking_rent=Decimal(rng.randint(5, 60) * 1000),
            owner_name=rng.choice("王李张刘陈杨") + rng.choice(["大伯", "国良", "秀英", "建华"]),
            owner_phone=f"139{rng.randint(0, 99_999_999):08d}",
        )
        if rng.random() < 0.35:
            start = date(YEAR, rng.randint(1, 10), 1)
            resources.lease_record(
                actor=actor,
                resource_id=resource.pk,
                lessee=rng.choice(["周敏", "云溪山居民宿", "恒丰农业合作社", "林氏竹编工坊"]),
                purpose=rng.choice(["民宿", "加工车间", "种植", "电商仓库"]),
                starts_on=start,
                ends_on=start.replace(year=start.year + rng.choice([5, 10, 15])),
                annual_rent=resource.asking_rent,
            )
            leased += 1
        elif rng.random() < 0.2:
            resources.resource_interest(
                resource_id=resource.pk,
                name=rng.choice(["周敏", "吴晓东", "郑丽"]),
                phone=f"137{rng.randint(0, 99_999_999):08d}",
                message="想了解租金和租期。",
            )
    return leased


_PROVIDERS = [
    ("云溪农商银行", "bank", "finance", "小微成长贷", Decimal("3.85")),
    ("云溪村镇银行", "bank", "finance", "惠企流动资金贷", Decimal("4.20")),
    ("农业银行云溪支行", "bank", "finance", "科创贷", Decimal("3.45")),
    ("工商银行云溪支行", "bank", "finance", "经营快贷", Decimal("3.60")),
    ("邮储银行云溪支行", "bank", "finance", "小微易贷", Decimal("3.95")),
    ("云溪融资担保公司", "bank", "finance", "政策性担保贷款", Decimal("4.50")),
    ("恒信工程咨询", "intermediary", "approval", "项目审批全程代办", None),
    ("云溪建设项目代办中心", "intermediary", "approval", "施工许可代办", None),
    ("博远环评咨询", "intermediary", "approval", "环评报告编制", None),
    ("明信测绘", "intermediary", "approval", "不动产测绘", None),
    ("匠心工业设计", "design", "design", "产品外观设计", None),
    ("云创设计工作室", "design", "design", "包装与品牌设计", None),
    ("精工结构设计院", "design", "design", "厂房结构设计", None),
    ("正衡律师事务所", "law", "legal", "企业合规体检", None),
    ("公信律师事务所", "law", "legal", "合同审查", None),
    ("云溪法律服务所", "law", "legal", "劳动争议咨询", None),
    ("云溪职业技能培训学校", "training", "training", "数控技能培训", None),
    ("电商人才培训中心", "training", "training", "直播电商培训", None),
    ("安全生产培训中心", "training", "training", "安全生产管理培训", None),
    ("企业管理学院", "training", "training", "精益生产培训", None),
]


def _menu(rng: random.Random, actor: User, enterprises: list[Enterprise]) -> int:
    """20 approved providers with an offer each; their accounts share demo-admin's password."""
    county = Unit.objects.get(pk=county_id_of(enterprises[0]))
    for n, (name, kind, category, title, rate) in enumerate(_PROVIDERS, start=1):
        account = User.objects.create(
            username=f"demo-provider-{n:02d}", full_name=name, password=actor.password
        )
        provider = menu.provider_create(county=county, name=name, kind=kind, account=account)
        menu.provider_approve(actor=actor, provider_id=provider.pk)
        offer = menu.offer_create(
            actor=account,
            category=category,
            title=title,
            rate=rate,
            ceiling=Decimal(rng.choice([50, 100, 300, 500])) * 10_000 if rate else None,
            term_months=rng.choice([12, 24, 36]) if rate else None,
            answer_days=rng.choice([2, 3, 5]),
        )
        menu.offer_approve(actor=actor, offer_id=offer.pk)
        for enterprise in rng.sample(enterprises, 3):
            booking = menu.booking_create(
                enterprise=enterprise, phone=enterprise.contact_phone or "-", offer_id=offer.pk
            )
            if rng.random() < 0.7:
                menu.booking_answer(actor=account, booking_id=booking.pk, answer="已受理。")
    return len(_PROVIDERS)


@transaction.atomic
def enterprise_demo_create(*, say: Say | None = None) -> EnterpriseDemoSummary:
    say = say or (lambda message: None)
    if Policy.objects.filter(code="YX-P01").exists():
        return EnterpriseDemoSummary(created=False)
    if not Unit.objects.filter(kind=UnitKind.COUNTY, name=COUNTY_NAME).exists():
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    actor = User.objects.filter(username="demo-admin").first()
    if actor is None:
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    enterprises = list(Enterprise.objects.order_by("credit_code"))
    say(f"contacts and facts of {len(enterprises)} enterprises")
    contacts_from_register()
    facts = _facts(rng, enterprises)
    policies = _policies()
    say("benefits")
    benefits = _benefits(rng, policies)
    matched = policies_match()
    say("projects and approvals")
    project_count, approvals = _projects(rng, actor, enterprises)
    say("idle resources")
    leased = _resources(rng, actor)
    say("service menu")
    providers = _menu(rng, actor, enterprises)
    return EnterpriseDemoSummary(
        created=True,
        enterprises=len(enterprises),
        facts=facts,
        policies=len(policies),
        benefits=benefits,
        qualified_not_received=matched.open_pairs,
        projects=project_count,
        approvals=approvals,
        late_approvals=Approval.objects.filter(state="pending", due_at__lt=timezone.now()).count(),
        idle_resources=IdleResource.objects.count(),
        leased=leased,
        providers=providers,
    )
