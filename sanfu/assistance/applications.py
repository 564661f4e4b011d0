"""Online applications (最多跑一次): what a resident appears eligible for, and applying.

Privacy: anyone can type any ID number, so the aid a person already receives is shown only when
the name given is the name the sources hold for that number. Eligibility is computed from the
facts the applicant gives, never from what the sources know about the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.assistance import rules
from sanfu.assistance.imports.cells import name_text
from sanfu.assistance.models import Application, Need, Programme, RecordKind, SourceRecord
from sanfu.assistance.programmes import rule_of
from sanfu.cases.models import Category, Channel, RequesterKind
from sanfu.cases.services.dispatch import case_dispatch_by_system
from sanfu.cases.services.intake import NewCase, Requester, case_create
from sanfu.directory.models import TOWN_KINDS, Unit
from sanfu.lib.errors import ValidationFailed
from sanfu.lib.idnumber import IdNumberInfo, id_number_require

RECEIVES_WINDOW_DAYS = 365
# Catalogue matters (民政 › 社会救助 › …) an application of each need is filed under.
CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    Need.SUBSISTENCE: ("农村低保", "城镇低保"),
    Need.EXTREME_POVERTY: ("特困人员供养",),
    Need.MEDICAL: ("医疗救助",),
    Need.EDUCATION: ("教育救助",),
}
FALLBACK_CATEGORY = ("社会救助", "其他")


@dataclass(frozen=True)
class Received:
    programme: str
    body: str
    last_given: date
    times: int
    total: Decimal | None


@dataclass(frozen=True)
class Assessment:
    info: IdNumberInfo
    eligible: list[Programme]
    # None: not shown (the name does not match the sources' records of this number).
    receives: list[Received] | None
    known: bool  # whether the sources hold the number at all (shown only with the name)


def application_assess(
    *, id_number: str, name: str, facts: rules.Facts, on: date | None = None
) -> Assessment:
    info = id_number_require(id_number)
    on = on or timezone.localdate()
    facts = rules.Facts(
        statuses=facts.statuses,
        disability_grade=facts.disability_grade,
        income_per_head=facts.income_per_head,
        birth_date=info.birth_date,
    )
    programmes = list(Programme.objects.filter(is_active=True).select_related("body"))
    eligible = [p for p in programmes if not rules.unmet_rules(rule_of(p), facts, on=on)]
    records = SourceRecord.objects.filter(id_number=info.number)
    names = set(records.values_list("name", flat=True).distinct())
    receives: list[Received] | None = None
    name = name_text(name)
    if name and name in names:
        since = on - timedelta(days=RECEIVES_WINDOW_DAYS)
        aid = (
            records.filter(kind=RecordKind.AID, given_on__gte=since)
            .select_related("programme", "source")
            .order_by("programme__code", "given_on")
        )
        grouped: dict[int, Received] = {}
        for record in aid:
            if record.programme is None or record.given_on is None:
                continue  # aid records always have both (a database constraint)
            before = grouped.get(record.programme.pk)
            total = (before.total or Decimal(0) if before else Decimal(0)) + (
                record.amount or Decimal(0)
            )
            grouped[record.programme.pk] = Received(
                programme=record.programme.name,
                body=record.source.name,
                last_given=record.given_on,
                times=(before.times if before else 0) + 1,
                total=total if record.programme.amount is not None else None,
            )
        receives = list(grouped.values())
    return Assessment(info=info, eligible=eligible, receives=receives, known=bool(names))


def _category_for(need: str) -> Category | None:
    for name in CATEGORY_NAMES.get(need, ()):
        found = Category.objects.filter(name=name, parent__name="社会救助").first()
        if found is not None:
            return found
    return Category.objects.filter(
        name=FALLBACK_CATEGORY[1], parent__name=FALLBACK_CATEGORY[0]
    ).first()


@transaction.atomic
def application_submit(
    *,
    id_number: str,
    name: str,
    phone: str,
    town: Unit,
    programme: Programme,
    facts: rules.Facts,
    note: str = "",
) -> Application:
    """File the application as a case, routed at once to the body that gives the programme."""
    info = id_number_require(id_number)
    name = name_text(name)
    if not name:
        raise ValidationFailed(_("Name is required."), field="name")
    if not phone.strip():
        raise ValidationFailed(_("Give a phone number so the body can reach you."), field="phone")
    if town.kind not in TOWN_KINDS:
        raise ValidationFailed(_("Choose a town."), field="town")
    if not programme.is_active:
        raise ValidationFailed(_("This programme is closed."), field="programme")
    given = {
        "statuses": sorted(facts.statuses),
        "disability_grade": facts.disability_grade,
        "income_per_head": None if facts.income_per_head is None else str(facts.income_per_head),
    }
    lines = [
        _("Application for %(programme)s (%(body)s) made online.")
        % {"programme": programme.name, "body": programme.body.name},
        _("Monthly household income per head: %(value)s")
        % {"value": given["income_per_head"] or "—"},
        _("Disability grade: %(value)s") % {"value": given["disability_grade"] or "—"},
    ]
    if note.strip():
        lines.append(note.strip())
    case = case_create(
        new=NewCase(
            channel=Channel.WEB,
            title=_("Assistance application: %(programme)s") % {"programme": programme.name},
            text="\n".join(lines),
            location_unit=town,
            requester=Requester(
                kind=RequesterKind.RESIDENT, name=name, phone=phone, id_number=info.number
            ),
            category=_category_for(programme.need),
        )
    )
    # Dispatched by rule to the programme's body: the applicant need not wait for the dispatch
    # centre to find out who gives what (最多跑一次).
    case = case_dispatch_by_system(
        case_id=case.pk, lead_unit=programme.body, by="assistance application"
    )
    application = Application.objects.create(
        id_number=info.number,
        name=name,
        phone=case.requester_phone,
        town=town,
        programme=programme,
        facts=given,
        case=case,
    )
    _match(application, info)
    return application


def _match(application: Application, info: IdNumberInfo) -> None:
    """Find the applicant among the persons, comparing only with records that share their
    ID number, phone or name (the blocking keys), so an application costs milliseconds."""
    from django.db.models import Q

    from sanfu.assistance.linkage import Record, default_model_path, match_new
    from sanfu.assistance.linkage.model import LinkageModel
    from sanfu.assistance.persons import RECORD_FIELDS, as_record

    path = default_model_path()
    if not path.exists():
        return  # no model yet: the application waits for the next linking run
    candidates = (
        SourceRecord.objects.filter(person__isnull=False)
        .filter(Q(id_number=info.number) | Q(phone=application.phone) | Q(name=application.name))
        .values_list(*RECORD_FIELDS, "person_id")[:500]
    )
    existing = [(as_record(row[:-1]), str(row[-1])) for row in candidates]
    if not existing:
        return
    applicant = Record(
        record_id=f"application-{application.pk}",
        source="application",
        name=application.name,
        id_number=info.number,
        phone=application.phone,
        birth_date=info.birth_date.isoformat(),
        town=application.town.name,
    )
    model = LinkageModel.load(path)
    person, probability = match_new([applicant], existing, model=model)[applicant.record_id]
    application.person_id = int(person) if person is not None else None
    application.match_probability = probability
    application.save(update_fields=["person", "match_probability"])
