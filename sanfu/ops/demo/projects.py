"""`sanfu seed projects`: a plausible year of projects in the demo county.

Hundreds of problem-solving projects and task forces (most finished, some late, a few
dropped), each with its timeline, targets and milestones; one co-building community with its
signing units, their commitments, deliveries and the community's ratings; and one finished
typhoon incident with its task board (76 power lines in 2 days, 852 base stations in 3 days,
200 roads in 4 days) and a warning everyone acknowledged. Drawn with a fixed seed and written
in bulk (the history is in the past, so it cannot go through the services, which date
everything now). Loaded once: with the demo projects there it changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import TOWN_KINDS, VILLAGE_KINDS, Membership, Unit, UnitKind, User
from sanfu.lib.errors import ValidationFailed
from sanfu.projects.models import (
    Commitment,
    EarlyWarning,
    EventKind,
    IncidentKind,
    Kind,
    MemberRole,
    Milestone,
    Origin,
    Project,
    ProjectEvent,
    ProjectMember,
    ProjectPlace,
    Receipt,
    State,
    Target,
)

SEED = "sanfu-projects-demo-1"
MARKER = "【演示】"
COUNT = 360
Say = Callable[[str], None]

_PROBLEMS = [
    ("饮用水水压不足", "恢复供水户数", "户", 30, 120),
    ("闲置土地盘活", "盘活土地", "亩", 50, 400),
    ("村道硬化提升", "硬化道路", "公里", 2, 15),
    ("农村生活污水治理", "接管户数", "户", 40, 300),
    ("老旧小区加装电梯", "加装电梯", "台", 2, 12),
    ("农贸市场改造", "改造摊位", "个", 20, 120),
    ("小微企业园配套", "入驻企业", "家", 5, 40),
    ("山塘水库除险加固", "加固山塘", "座", 1, 6),
    ("村级集体经济增收", "增收金额", "万元", 10, 80),
    ("垃圾分类示范", "覆盖户数", "户", 100, 800),
]


@dataclass(frozen=True)
class ProjectsDemoSummary:
    created: bool
    projects: int
    finished: int
    late: int
    commitments: int
    people_served: int
    incident_targets: int

    def as_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def _at(day: datetime, rng: random.Random) -> datetime:
    return day + timedelta(hours=rng.randint(8, 17), minutes=rng.randint(0, 59))


def _people() -> tuple[Unit, list[Unit], list[Unit], list[Unit], User, list[User]]:
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("pk").first()
    leader = User.objects.filter(username="demo-leader").first()
    if county is None or leader is None:
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    towns = list(Unit.objects.filter(kind__in=TOWN_KINDS).order_by("path"))
    villages = list(Unit.objects.filter(kind__in=VILLAGE_KINDS).order_by("path"))
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path"))
    envoys = list(
        User.objects.filter(memberships__unit__kind=UnitKind.DEPARTMENT, is_active=True)
        .distinct()
        .order_by("pk")
    )
    if not (towns and villages and departments and envoys):
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    return county, towns, villages, departments, leader, envoys


@transaction.atomic
def projects_demo_create(*, say: Say) -> ProjectsDemoSummary:
    if Project.objects.filter(title__startswith=MARKER).exists():
        say("already loaded")
        return _summary(created=False)
    county, towns, villages, departments, leader, envoys = _people()
    rng = random.Random(SEED)  # noqa: S311 - a seeded draw of demo data
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    say(f"{COUNT} projects over the last year")
    for index in range(COUNT):
        _one_project(index, rng, today, county, villages, departments, leader, envoys)
    say("a co-building community")
    _co_building(rng, today, county, villages, departments, leader, envoys)
    say("a finished typhoon incident")
    _typhoon(rng, today, county, towns, leader)
    return _summary(created=True)


def _one_project(
    index: int,
    rng: random.Random,
    today: datetime,
    county: Unit,
    villages: list[Unit],
    departments: list[Unit],
    leader: User,
    envoys: list[User],
) -> None:
    topic, label, measure, low, high = rng.choice(_PROBLEMS)
    village = rng.choice(villages)
    posed = _at(today - timedelta(days=rng.randint(20, 365)), rng)
    grassroots = rng.random() < 0.6
    kind = Kind.TASK_FORCE if rng.random() < 0.15 else Kind.PROBLEM
    accepted = posed + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
    ends_on = (accepted + timedelta(days=rng.randint(45, 200))).date()
    envoy = rng.choice(envoys)
    department = Membership.objects.filter(user=envoy, unit__kind=UnitKind.DEPARTMENT).first()
    answering = department.unit if department else rng.choice(departments)
    project = Project.objects.create(
        county=county,
        kind=kind,
        title=f"{MARKER}{village.name}{topic}",
        target_text=f"{label} {high} {measure}",
        origin=Origin.GRASSROOTS if grassroots else rng.choice([Origin.LEADER, Origin.HOT_SPOT]),
        evidence="村民联名信及网格走访记录。" if grassroots else "",
        posed_by=leader,
        posed_by_unit=village if grassroots else county,
        posed_at=posed,
        owning_unit=county,
        answering_unit=answering,
        lead_leader=leader,
        state=State.ACCEPTED,
        accepted_by=leader,
        accepted_at=accepted,
        starts_on=accepted.date(),
        ends_on=ends_on,
    )
    ProjectPlace.objects.create(project=project, unit=village)
    ProjectMember.objects.create(
        project=project, user=envoy, unit=answering, role=MemberRole.ENVOY, added_at=accepted
    )
    goal = rng.randint(low, high)
    events = [
        ProjectEvent(
            project=project,
            kind=EventKind.POSED if grassroots else EventKind.SET,
            at=posed,
            to_state=State.PROPOSED,
        ),
        ProjectEvent(
            project=project,
            kind=EventKind.ACCEPTED,
            at=accepted,
            from_state=State.PROPOSED,
            to_state=State.ACCEPTED,
            actor=leader,
        ),
    ]
    span = (datetime.combine(ends_on, time(18), tzinfo=accepted.tzinfo) - accepted).days
    late = rng.random() < 0.18
    finish_at = accepted + timedelta(days=int(span * (1.15 if late else rng.uniform(0.6, 0.98))))
    finished = finish_at < today and rng.random() < 0.93
    dropped = not finished and rng.random() < 0.04
    milestones = []
    for step in (1, 2):
        due = (accepted + timedelta(days=span * step // 3)).date()
        done = accepted + timedelta(days=span * step // 3 + rng.randint(-5, 8))
        reached = done < today and (finished or rng.random() < 0.7)
        milestones.append(
            Milestone(
                project=project,
                title=f"第{step}阶段完成",
                due_on=due,
                done_at=done if reached else None,
                done_on_time=(timezone.localdate(done) <= due) if reached else None,
            )
        )
    Milestone.objects.bulk_create(milestones)
    achieved = goal if finished else rng.randint(0, goal)
    Target.objects.create(
        project=project,
        label=label,
        measure=measure,
        goal=goal,
        achieved=achieved,
        opened_at=accepted,
        reached_at=finish_at if achieved == goal else None,
    )
    project.state = State.IN_PROGRESS
    project.started_at = accepted + timedelta(days=1)
    if finished:
        project.state = State.FINISHED
        project.finished_at = finish_at
        project.finished_on_time = timezone.localdate(finish_at) <= ends_on
        events.append(
            ProjectEvent(
                project=project,
                kind=EventKind.FINISHED,
                at=finish_at,
                from_state=State.IN_PROGRESS,
                to_state=State.FINISHED,
                actor=leader,
            )
        )
    elif dropped:
        project.state = State.DROPPED
        project.dropped_at = accepted + timedelta(days=30)
        project.drop_reason = "已纳入省级项目统一实施。"
    project.save()
    ProjectEvent.objects.bulk_create(events)


def _co_building(
    rng: random.Random,
    today: datetime,
    county: Unit,
    villages: list[Unit],
    departments: list[Unit],
    leader: User,
    envoys: list[User],
) -> None:
    communities = [unit for unit in villages if unit.kind == UnitKind.COMMUNITY] or villages
    community = communities[0]
    signed = today - timedelta(days=300)
    project = Project.objects.create(
        county=county,
        kind=Kind.CO_BUILDING,
        title=f"{MARKER}{community.name}契约化共建",
        target_text="签约单位在社区兑现公共服务项目。",
        origin=Origin.LEADER,
        posed_by=leader,
        posed_by_unit=county,
        posed_at=signed,
        owning_unit=county,
        lead_leader=leader,
        state=State.IN_PROGRESS,
        accepted_by=leader,
        accepted_at=signed,
        started_at=signed,
        ends_on=(today + timedelta(days=60)).date(),
    )
    ProjectPlace.objects.create(project=project, unit=community)
    social = list(Unit.objects.filter(kind=UnitKind.SOCIAL_ORG).order_by("path")[:3])
    deliverables = ["老年食堂", "儿童托管", "法律咨询", "义诊", "就业培训", "文化讲堂"]
    rows = []
    for index, unit in enumerate([*departments[:6], *social]):
        delivered = rng.random() < 0.8
        at = signed + timedelta(days=rng.randint(30, 280))
        rows.append(
            Commitment(
                project=project,
                signing_unit=unit,
                deliverable=deliverables[index % len(deliverables)],
                due_on=(signed + timedelta(days=280)).date(),
                signed_at=signed,
                delivered_at=at if delivered else None,
                delivery_note="已按约兑现。" if delivered else "",
                people_served=rng.randint(80, 900) if delivered else 0,
                rating=rng.choice(["satisfied"] * 6 + ["basically"] * 3 + ["unsatisfied"])
                if delivered
                else "",
                rated_at=at + timedelta(days=3) if delivered else None,
            )
        )
    Commitment.objects.bulk_create(rows)


def _typhoon(
    rng: random.Random, today: datetime, county: Unit, towns: list[Unit], leader: User
) -> None:
    opened = today - timedelta(days=120) + timedelta(hours=20)
    hit = towns[:4]
    project = Project.objects.create(
        county=county,
        kind=Kind.EMERGENCY,
        incident_kind=IncidentKind.TYPHOON,
        title=f"{MARKER}台风“利奇马”抢险",
        origin=Origin.INCIDENT,
        posed_by=leader,
        posed_by_unit=county,
        posed_at=opened,
        owning_unit=county,
        lead_leader=leader,
        state=State.FINISHED,
        accepted_by=leader,
        accepted_at=opened,
        started_at=opened,
        finished_at=opened + timedelta(days=4),
        finished_on_time=True,
    )
    ProjectPlace.objects.bulk_create([ProjectPlace(project=project, unit=t) for t in hit])
    totals = [
        ("电力线路恢复", "条", 76, 48),
        ("通信基站恢复", "座", 852, 72),
        ("道路抢通", "条", 200, 96),
    ]
    targets = []
    for label, measure, total, hours in totals:
        shares = _split(total, len(hit), rng)
        for town, goal in zip(hit, shares, strict=True):
            targets.append(
                Target(
                    project=project,
                    label=label,
                    measure=measure,
                    goal=goal,
                    achieved=goal,
                    town=town,
                    opened_at=opened,
                    deadline=opened + timedelta(hours=hours),
                    reached_at=opened + timedelta(hours=hours * rng.uniform(0.6, 0.97)),
                )
            )
    Target.objects.bulk_create(targets)
    warning = EarlyWarning.objects.create(
        project=project, text="台风“利奇马”今晚登陆，请立即到岗。", sent_at=opened, sent_by=leader
    )
    staff = User.objects.filter(
        memberships__unit__path__startswith=hit[0].path, is_active=True
    ).distinct()
    Receipt.objects.bulk_create(
        [
            Receipt(
                warning=warning,
                user=user,
                acknowledged_at=opened + timedelta(minutes=rng.randint(2, 90)),
            )
            for user in staff
        ]
    )
    ProjectEvent.objects.bulk_create(
        [
            ProjectEvent(
                project=project,
                kind=EventKind.OPENED,
                at=opened,
                to_state=State.IN_PROGRESS,
                actor=leader,
            ),
            ProjectEvent(
                project=project,
                kind=EventKind.WARNING_SENT,
                at=opened,
                from_state=State.IN_PROGRESS,
                to_state=State.IN_PROGRESS,
                actor=leader,
                note=warning.text,
            ),
            ProjectEvent(
                project=project,
                kind=EventKind.FINISHED,
                at=opened + timedelta(days=4),
                from_state=State.IN_PROGRESS,
                to_state=State.FINISHED,
                actor=leader,
            ),
        ]
    )


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in `parts` positive shares."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def _summary(*, created: bool) -> ProjectsDemoSummary:
    demo = Project.objects.filter(title__startswith=MARKER)
    commitments = Commitment.objects.filter(project__in=demo)
    return ProjectsDemoSummary(
        created=created,
        projects=demo.count(),
        finished=demo.filter(state=State.FINISHED).count(),
        late=demo.filter(state=State.FINISHED, finished_on_time=False).count(),
        commitments=commitments.count(),
        people_served=sum(commitments.values_list("people_served", flat=True)),
        incident_targets=Target.objects.filter(
            project__in=demo.filter(kind=Kind.EMERGENCY)
        ).count(),
    )
