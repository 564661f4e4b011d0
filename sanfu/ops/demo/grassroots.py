"""`sanfu seed grassroots`: a year of village meetings, a burden ledger, every village's lists.

Drawn with a fixed seed from the demo county `sanfu seed demo` loaded (and the catalogue):
about a hundred meetings across the villages over the last twelve months, nine problems each
on average, a third solved on the spot and the rest turned into cases through the intake
service, most of them answered since — Yongjia's order of magnitude (102 meetings, 923
problems, 305 solved on the spot). Then the county's burden ledger: what its departments ask of
villages, in force since 2023, the last year as the baseline, 15 of 26 abolished this year
and of four new ones proposed, one approved and one refused (two wait): −53.8% in number,
as Deqing reported.

Past meetings are recorded through the services with the clock set to the meeting's day, so
every case, event and deadline carries the date it would have had. Loaded once: with meetings
in the county already, it changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Category, ReplyKind
from sanfu.cases.queue import last_task_id, tasks_due_now
from sanfu.cases.services import case_dispatch, case_reply, case_sign
from sanfu.directory.models import VILLAGE_KINDS, Membership, StaffRole, Unit, UnitKind, User
from sanfu.grassroots import services
from sanfu.grassroots.models import BurdenDemand, BurdenKind, Frequency, Meeting, MeetingKind
from sanfu.lib.errors import ValidationFailed
from sanfu.ops.demo.plan import COUNTY_CODE

SEED = "sanfu-grassroots-demo-1"
MEETINGS = 102
Say = Callable[[str], None]

SOLVED = (
    ("村口垃圾桶满了没人清运", "村保洁员", "当场联系保洁员清运，并增设一个垃圾桶"),
    ("文化礼堂的灯坏了两盏", "村电工", "会后当场更换灯泡"),
    ("低保政策不清楚怎么申请", "村民政协理员", "当场讲解申请条件和材料，带去村便民服务中心"),
    ("医保缴费的截止时间是哪天", "村会计", "当场答复缴费时间和线上缴费方式"),
    ("村道边杂草太高挡视线", "村主任", "当场安排人员清理"),
    ("老年食堂想增加一个菜", "村书记", "当场与食堂商定每周增加一次荤菜"),
    ("宅基地审批要多久", "镇国土所驻村干部", "当场说明审批流程和时限"),
    ("快递点搬到哪里去了", "村委委员", "当场告知新地址并在群里通知"),
)
RAISED = (
    "村里到镇上的道路坑洼严重，雨天积水",
    "河道有垃圾漂浮，气味大",
    "村口缺一个公交站点，老人出行不便",
    "自来水压力小，高处住户经常停水",
    "小区路灯坏了很久没人修",
    "企业夜间施工噪声扰民",
    "农田灌溉渠堵塞需要疏通",
    "学校门口上下学时段交通拥堵",
    "拖欠农民工工资，多次讨要未果",
    "村里危房需要鉴定改造",
)
PLACES = ("村文化礼堂", "村委会议室", "村民广场", "祠堂", "村便民服务中心")
KINDS = (MeetingKind.SPEAK_UP, MeetingKind.INQUIRY, MeetingKind.CONSULTATION)

# (department name contains, kind, what is asked, how often, hours each, abolished this year)
DEMANDS = (
    ("民政", BurdenKind.FORM, "低保对象动态管理月报", Frequency.MONTHLY, "3", True),
    ("民政", BurdenKind.FORM, "养老服务情况季报", Frequency.QUARTERLY, "2", False),
    ("住房", BurdenKind.FORM, "农房安全巡查月报", Frequency.MONTHLY, "4", True),
    ("住房", BurdenKind.INSPECTION, "农房整治专项检查", Frequency.HALF_YEARLY, "6", True),
    ("农业", BurdenKind.FORM, "粮食生产进度周报", Frequency.WEEKLY, "1", True),
    ("农业", BurdenKind.MEETING, "农业农村工作例会", Frequency.MONTHLY, "2", False),
    ("农业", BurdenKind.SIGN, "农村集体经济组织挂牌", Frequency.ONCE, "1", True),
    ("教育", BurdenKind.FORM, "控辍保学情况报表", Frequency.QUARTERLY, "2", False),
    ("卫生", BurdenKind.FORM, "健康档案更新月报", Frequency.MONTHLY, "3", True),
    ("卫生", BurdenKind.APP, "健康随访App打卡", Frequency.WEEKLY, "1", True),
    ("生态", BurdenKind.INSPECTION, "河长制巡河检查考核", Frequency.MONTHLY, "2", False),
    ("生态", BurdenKind.FORM, "垃圾分类台账", Frequency.MONTHLY, "2", True),
    ("应急", BurdenKind.MEETING, "安全生产工作会议", Frequency.QUARTERLY, "2", True),
    ("应急", BurdenKind.INSPECTION, "安全生产大检查", Frequency.QUARTERLY, "4", False),
    ("应急", BurdenKind.APP, "应急值守App签到", Frequency.WEEKLY, "0.5", True),
    ("公安", BurdenKind.FORM, "流动人口登记周报", Frequency.WEEKLY, "1", False),
    ("人力", BurdenKind.FORM, "就业情况月报", Frequency.MONTHLY, "2", True),
    ("人力", BurdenKind.SIGN, "就业服务站挂牌", Frequency.ONCE, "1", True),
    ("文化", BurdenKind.INSPECTION, "文化礼堂星级评定", Frequency.YEARLY, "8", False),
    ("文化", BurdenKind.FORM, "文化活动开展月报", Frequency.MONTHLY, "1", False),
    ("退役", BurdenKind.SIGN, "退役军人服务站挂牌", Frequency.ONCE, "1", False),
    ("市场", BurdenKind.APP, "食品安全巡查App", Frequency.WEEKLY, "1", True),
    ("统计", BurdenKind.FORM, "农村经济统计年报", Frequency.YEARLY, "6", False),
    ("交通", BurdenKind.INSPECTION, "农村公路养护考核", Frequency.HALF_YEARLY, "4", True),
    ("水利", BurdenKind.FORM, "小型水库巡查月报", Frequency.MONTHLY, "2", True),
    ("司法", BurdenKind.MEETING, "普法工作推进会", Frequency.QUARTERLY, "2", False),
)
PROPOSALS = (
    ("民政", BurdenKind.FORM, "困难群众走访台账周报", Frequency.WEEKLY, "2", "approve"),
    ("应急", BurdenKind.FORM, "防汛物资月报", Frequency.MONTHLY, "1", "refuse"),
    ("农业", BurdenKind.APP, "高标准农田巡查App", Frequency.WEEKLY, "1", None),
    ("卫生", BurdenKind.MEETING, "爱国卫生运动推进会", Frequency.QUARTERLY, "2", None),
)


@dataclass(frozen=True)
class GrassrootsDemoSummary:
    created: bool
    meetings: int
    problems: int
    solved_on_the_spot: int
    cases: int
    answered: int
    demands: int
    abolished: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@contextmanager
def _clock(at: datetime) -> Iterator[None]:
    """The services' clock set to `at`: a past meeting recorded as it would have been."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def grassroots_demo_create(*, say: Say) -> GrassrootsDemoSummary:
    county = Unit.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        raise ValidationFailed(_("Load the demo county first: sanfu seed demo."), field="county")
    if Meeting.objects.filter(village__path__descendant=county.path).exists():
        return _summary(county, created=False)
    rng = random.Random(SEED)  # noqa: S311 - demo data drawn reproducibly, not a secret
    with transaction.atomic():
        before = last_task_id()
        _meetings(county, rng, say)
        _ledger(county, rng, say)
        # The meetings' cases queued their work under the meetings' clock; due now instead.
        tasks_due_now(after_id=before)
    return _summary(county, created=True)


def _cadres(county: Unit) -> dict[int, User]:
    cadres: dict[int, User] = {}
    memberships = Membership.objects.filter(
        unit__path__descendant=county.path,
        unit__kind__in=VILLAGE_KINDS,
        role=StaffRole.VILLAGE_CADRE,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships.order_by("unit__path", "user__username"):
        cadres.setdefault(membership.unit_id, membership.user)
    return cadres


def _meetings(county: Unit, rng: random.Random, say: Say) -> None:
    cadres = _cadres(county)
    villages = list(
        Unit.objects.subtree(county.path)
        .filter(kind__in=VILLAGE_KINDS, is_active=True, pk__in=list(cadres))
        .order_by("path")
    )
    # Matters a village may handle itself: the cadre answers them (others would go to a
    # department, whose staff the demo does not act for).
    categories = list(
        Category.objects.filter(level=3, is_active=True, village_level_ok=True).order_by("code")
    )
    if not villages or not categories:
        raise ValidationFailed(_("The demo needs villages with cadres and the catalogue."))
    today = timezone.localdate()
    days = sorted(today - timedelta(days=rng.randint(1, 365)) for _ in range(MEETINGS))
    for number, day in enumerate(days, start=1):
        village = rng.choice(villages)
        _meeting(village, cadres[village.pk], day, categories, rng)
        if number % 20 == 0:
            say(f"{number}/{len(days)} meetings")


def _meeting(
    village: Unit, cadre: User, day: date, categories: list[Category], rng: random.Random
) -> None:
    with _clock(_at(day, 9)):
        meeting = services.meeting_schedule(
            actor=cadre, village=village, kind=rng.choice(KINDS), held_on=day,
            place=village.name + rng.choice(PLACES),
        )  # fmt: skip
        services.meeting_attendance_record(
            actor=cadre, meeting=meeting, residents_present=rng.randint(15, 80),
            cadres_present="村书记、村主任、驻村干部",
        )  # fmt: skip
    for index in range(rng.randint(5, 13)):
        at = _at(day, 10) + timedelta(minutes=5 * index)
        if rng.random() < 0.33:
            text, who, how = rng.choice(SOLVED)
            new = services.NewProblem(text=text, outcome="on_the_spot", solved_by=who, solution=how)
            with _clock(at):
                services.problem_record(actor=cadre, meeting=meeting, new=new)
            continue
        new = services.NewProblem(
            text=rng.choice(RAISED), outcome="case", category=rng.choice(categories)
        )
        with _clock(at):
            problem = services.problem_record(actor=cadre, meeting=meeting, new=new)
        _answer(problem.case, village, cadre, at, rng)


def _answer(case: object, village: Unit, cadre: User, at: datetime, rng: random.Random) -> None:
    """Most cases were answered by the village within days; the recent ones often not yet."""
    from sanfu.cases.models import Case

    assert isinstance(case, Case)  # noqa: S101 - a problem turned into a case has one
    answered_at = at + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
    if answered_at >= timezone.now() or rng.random() < 0.15:
        return
    with _clock(at + timedelta(hours=1)):
        case_dispatch(actor=cadre, case_id=case.pk, lead_unit=village)
        case_sign(actor=cadre, case_id=case.pk)
    with _clock(answered_at):
        case_reply(
            actor=cadre, case_id=case.pk, kind=ReplyKind.SOLVED, text="已协调相关部门办理完毕。"
        )


def _department(county: Unit, keyword: str) -> Unit | None:
    return (
        Unit.objects.subtree(county.path)
        .filter(kind=UnitKind.DEPARTMENT, name__contains=keyword, is_active=True)
        .order_by("path")
        .first()
    )


def _ledger(county: Unit, rng: random.Random, say: Say) -> None:
    office = (
        Membership.objects.filter(unit=county, role=StaffRole.LEADER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if office is None:
        raise ValidationFailed(_("The demo county has no leader to act as the county office."))
    leader = office.user
    today = timezone.localdate()
    abolished = 0
    for keyword, kind, title, frequency, hours, abolish in DEMANDS:
        department = _department(county, keyword)
        if department is None:
            continue
        new = services.NewDemand(
            department=department, kind=kind, title=title, frequency=frequency, hours_each=hours
        )
        demand = services.demand_register(actor=leader, new=new, in_force_from=date(2023, 1, 1))
        if abolish:
            on = date(today.year, 1, 1) + timedelta(
                days=rng.randint(0, max(0, today.timetuple().tm_yday - 2))
            )
            services.demand_abolish(
                actor=leader, demand_id=demand.pk, on=on, reason="合并精简，减轻基层负担"
            )
            abolished += 1
    services.baseline_set(actor=leader, county=county, year=today.year - 1)
    handlers = {
        m.unit_id: m.user
        for m in Membership.objects.filter(
            unit__path__descendant=county.path,
            unit__kind=UnitKind.DEPARTMENT,
            role__in=[StaffRole.DEPARTMENT_HANDLER, StaffRole.LEADER],
        ).select_related("user")
    }
    for keyword, kind, title, frequency, hours, decision in PROPOSALS:
        department = _department(county, keyword)
        if department is None or department.pk not in handlers:
            continue
        demand = services.demand_propose(
            actor=handlers[department.pk],
            new=services.NewDemand(
                department=department, kind=kind, title=title, frequency=frequency,
                hours_each=hours, reason="上级部门新增工作要求",
            ),
        )  # fmt: skip
        if decision is not None:
            services.demand_decide(
                actor=leader,
                demand_id=demand.pk,
                approve=decision == "approve",
                reason="确有必要，按季度报送"
                if decision == "approve"
                else "与已有报表重复，不予新增",
            )
    say(f"burden ledger: {len(DEMANDS)} demands listed, {abolished} abolished this year")


def _summary(county: Unit, *, created: bool) -> GrassrootsDemoSummary:
    from sanfu.grassroots.figures import meeting_figures

    today = timezone.localdate()
    figures = meeting_figures(
        scope=county, start=today - timedelta(days=366), end=today, today=today
    )
    demands = BurdenDemand.objects.filter(county=county)
    return GrassrootsDemoSummary(
        created=created,
        meetings=figures.meetings,
        problems=figures.problems,
        solved_on_the_spot=figures.on_the_spot,
        cases=figures.cases,
        answered=figures.answered,
        demands=demands.count(),
        abolished=demands.filter(in_force_until__isnull=False).count(),
    )
