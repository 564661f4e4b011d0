"""The front door's demo data for 云溪县: its common administrative services (the data file
shipped with the front door), six modules in the first town with the catalogue's fields mapped
to them, an open survey with answers, and a report found unfounded whose cadre was cleared.

Idempotent: each part is made once (found again by its name) and a second run changes
nothing. Deterministic: the survey's answers are drawn from a fixed seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.cases.models import Category
from sanfu.directory.models import TOWN_KINDS, StaffRole, Unit, UnitKind, User
from sanfu.directory.services import unit_create
from sanfu.frontdoor import catalogue, modules, reports, surveys
from sanfu.frontdoor.models import Report, ServiceEntry, Survey
from sanfu.lib.errors import ValidationFailed

Say = Callable[[str], None]
SEED = "sanfu-frontdoor-demo-1"
COUNTY = "云溪县"
SURVEY_TITLE = "便民服务中心满意度调查"
FOLLOWUP_TITLE = "诉求办结回访"
REPORT_PERSON = "周建华"
ANSWERS = 120
# Longyou's six modules, and which field of the catalogue each takes.
MODULES: dict[str, tuple[str, ...]] = {
    "党建统领模块": (),
    "基层治理模块": ("城乡建设",),
    "公共服务模块": ("劳动和社会保障", "教育文体", "卫生计生", catalogue.ADMIN_FIELD),
    "经济发展模块": ("商贸旅游",),
    "生态环境模块": ("环境保护",),
    "综合执法模块": ("交通运输",),
}


@dataclass(frozen=True)
class FrontdoorDemoSummary:
    services: int
    modules: int
    survey_answers: int
    reports: int
    cleared: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def frontdoor_demo_create(*, say: Say | None = None) -> FrontdoorDemoSummary:
    county = Unit.objects.filter(kind=UnitKind.COUNTY, name=COUNTY).first()
    if county is None:
        raise ValidationFailed(_("The demo county is missing: run `sanfu seed demo` first."))
    loaded = catalogue.services_load_packaged(county=county)
    if say:
        say(f"services: {loaded.created} created, {loaded.updated} kept, {loaded.refused} refused")
    town = Unit.objects.filter(parent=county, kind__in=TOWN_KINDS).order_by("code").first()
    made = _modules(town) if town else 0
    answers = _survey(county, town) if town else 0
    _followup_survey(county)
    cleared = _report(county, say)
    return FrontdoorDemoSummary(
        services=ServiceEntry.objects.count(),
        modules=made,
        survey_answers=answers,
        reports=Report.objects.count(),
        cleared=cleared,
    )


@transaction.atomic
def _modules(town: Unit) -> int:
    for number, (name, fields) in enumerate(MODULES.items(), start=1):
        module = Unit.objects.filter(parent=town, name=name).first() or unit_create(
            kind=UnitKind.MODULE, name=name, code=f"{town.code}M{number}", parent=town
        )
        for field in fields:
            category = Category.objects.filter(level=1, name=field).first()
            if category is not None:
                modules.module_map(town=town, category=category, module=module)
    return len(modules.modules_of(town))


def _survey(county: Unit, town: Unit) -> int:
    survey = Survey.objects.filter(title_zh=SURVEY_TITLE).first()
    if survey is None:
        survey = _survey_build(county)
    if survey.responses.exists():
        return survey.responses.count()
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    towns = surveys.towns_of(survey)
    public = surveys.survey_get_public(survey_id=survey.pk)
    for number in range(ANSWERS):
        surveys.response_submit(
            survey=public,
            town_id=rng.choice(towns).pk,
            answers={
                "q1": [str(rng.choices([0, 1, 2], weights=[6, 3, 1])[0])],
                "q2": [str(rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 5, 6])[0])],
                "q3": [str(i) for i in range(4) if rng.random() < 0.3],
                "q4": [rng.choice(["", "", "希望延长周末办事时间", "停车位太少", "自助机很方便"])],
            },
            anonymous=True,
            sender=surveys.sender_hash(f"demo-{number}"),
        )
    return survey.responses.count()


def _survey_build(county: Unit) -> Survey:
    author = User.objects.filter(username="demo-admin").first() or _any_staff(county)
    today = timezone.localdate()
    survey = surveys.survey_create(
        actor=author,
        area=county,
        title_zh=SURVEY_TITLE,
        title_en="Satisfaction with the citizens' service centre",
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=60),
        anonymous_allowed=True,
    )
    add = surveys.question_add
    pick = surveys.choices_parse
    add(
        actor=author,
        survey_id=survey.pk,
        kind="single",
        label_zh="您上次办事跑了几次？",
        label_en="How many visits did your last matter take?",
        choices=pick("一次都没跑 | None\n跑了一次 | One\n跑了两次以上 | Two or more"),
    )
    add(
        actor=author,
        survey_id=survey.pk,
        kind="scale",
        label_zh="总体满意度",
        label_en="Overall satisfaction",
    )
    add(
        actor=author,
        survey_id=survey.pk,
        kind="multiple",
        label_zh="哪些方面需要改进？",
        label_en="What should improve?",
        choices=pick("排队时间 | Waiting\n材料要求 | Papers\n办事指南 | Guides\n网上办理 | Online"),
        required=False,
    )
    add(
        actor=author,
        survey_id=survey.pk,
        kind="text",
        label_zh="其他意见建议",
        label_en="Other suggestions",
        required=False,
    )
    return surveys.survey_publish(actor=author, survey_id=survey.pk)


def _followup_survey(county: Unit) -> None:
    """The county's 回访 survey, for staff to record follow-up calls on closed cases."""
    if Survey.objects.filter(title_zh=FOLLOWUP_TITLE).exists():
        return
    author = User.objects.filter(username="demo-admin").first() or _any_staff(county)
    today = timezone.localdate()
    survey = surveys.survey_create(
        actor=author,
        area=county,
        title_zh=FOLLOWUP_TITLE,
        title_en="Follow-up after a case closes",
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=365),
        purpose="followup",
    )
    surveys.question_add(
        actor=author,
        survey_id=survey.pk,
        kind="single",
        label_zh="您对诉求的办理结果满意吗？",
        label_en="Are you satisfied with how your request was handled?",
        choices=surveys.choices_parse(
            "满意 | Satisfied\n基本满意 | Fairly\n不满意 | Not satisfied"
        ),
    )
    surveys.question_add(
        actor=author,
        survey_id=survey.pk,
        kind="text",
        label_zh="还有什么意见？",
        label_en="Anything else?",
        required=False,
    )
    surveys.survey_publish(actor=author, survey_id=survey.pk)


def _any_staff(county: Unit) -> User:
    user = User.objects.filter(memberships__unit=county).order_by("pk").first()
    if user is None:
        raise ValidationFailed(_("The demo county has no staff: run `sanfu seed demo` first."))
    return user


def _report(county: Unit, say: Say | None) -> int:
    inspector = User.objects.filter(
        memberships__role=StaffRole.DISCIPLINE, memberships__unit=county
    ).first()
    if inspector is None:
        if say:
            say("no discipline inspector in the demo county: the demo report is left out")
        return 0
    if not Report.objects.filter(person_name=REPORT_PERSON).exists():
        village = Unit.objects.filter(kind=UnitKind.VILLAGE, path__startswith=county.path).order_by(
            "code"
        )[:1]
        report = reports.report_create(
            county=county,
            person_name=REPORT_PERSON,
            person_post="村党支部书记",
            person_unit=village[0] if village else None,
            content="反映该村党支部书记在低保评定中优亲厚友，把名额给了亲戚。",
        )
        pk = report.pk
        reports.report_verify(
            actor=inspector, report_id=pk, note="查阅低保评议记录，走访村民代表十二人。"
        )
        reports.report_conclude(
            actor=inspector,
            report_id=pk,
            outcome="unfounded",
            note="评定程序合规，反映问题不属实。",
        )
        reports.clearing_consent(actor=inspector, report_id=pk, how="本人书面同意公开澄清")
        reports.clearing_publish(
            actor=inspector,
            report_id=pk,
            notice="经县纪委监委核查，反映某村党支部书记在低保评定中优亲厚友的问题不属实，予以澄清正名。",
        )
        reports.clearing_meeting(actor=inspector, report_id=pk, record="在村党员大会上公开澄清。")
    return reports.notices_published().count()
