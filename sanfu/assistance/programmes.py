"""Writes and reads of programmes and caps; the rules engine's view of them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanfu.assistance.imports.run import SOURCE_KINDS
from sanfu.assistance.models import (
    DISABILITY_GRADES,
    Beneficiary,
    Need,
    NeedCap,
    Period,
    Programme,
    Status,
)
from sanfu.assistance.rules import Cap, Rule
from sanfu.directory.models import Unit
from sanfu.lib.errors import ValidationFailed


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    need: str
    body: Unit
    period: str
    amount: Decimal | None = None
    in_kind: str = ""
    beneficiary: str = Beneficiary.PERSON
    max_income_per_head: Decimal | None = None
    required_status: str = ""
    max_disability_grade: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    cap_per_person: Decimal | None = None
    cap_per_household: Decimal | None = None
    description: str = ""


def programme_check(spec: ProgrammeSpec) -> ProgrammeSpec:
    """Refuse a programme the rules could not apply, naming the field."""
    code = spec.code.strip().upper()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        raise ValidationFailed(_("A code is 1 to 32 letters, digits, - or _."), field="code")
    name = " ".join(spec.name.split())
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give a name of at most 100 characters."), field="name")
    if spec.need not in Need.values:
        raise ValidationFailed(_("Unknown need."), field="need")
    if spec.period not in Period.values:
        raise ValidationFailed(_("Unknown period."), field="period")
    if spec.beneficiary not in Beneficiary.values:
        raise ValidationFailed(_("Unknown beneficiary."), field="beneficiary")
    if spec.body.kind not in SOURCE_KINDS:
        raise ValidationFailed(
            _("Only a department, a town or a social organisation gives aid."), field="body"
        )
    if (spec.amount is None) == (not spec.in_kind.strip()):
        raise ValidationFailed(_("Give either an amount or what is given in kind."), field="amount")
    for value, field in (
        (spec.amount, "amount"),
        (spec.cap_per_person, "cap_per_person"),
        (spec.cap_per_household, "cap_per_household"),
    ):
        if value is not None and value <= 0:
            raise ValidationFailed(_("Must be more than zero."), field=field)
    if spec.max_income_per_head is not None and spec.max_income_per_head < 0:
        raise ValidationFailed(_("Cannot be negative."), field="max_income_per_head")
    if spec.required_status and spec.required_status not in Status.values:
        raise ValidationFailed(_("Unknown registered status."), field="required_status")
    if spec.max_disability_grade is not None and spec.max_disability_grade not in DISABILITY_GRADES:
        raise ValidationFailed(_("A disability grade is 1 to 4."), field="max_disability_grade")
    for age, field in ((spec.min_age, "min_age"), (spec.max_age, "max_age")):
        if age is not None and not 0 <= age <= 150:
            raise ValidationFailed(_("An age is 0 to 150."), field=field)
    if spec.min_age is not None and spec.max_age is not None and spec.min_age > spec.max_age:
        raise ValidationFailed(_("The minimum age is above the maximum."), field="min_age")
    return ProgrammeSpec(
        **{**spec.__dict__, "code": code, "name": name, "in_kind": spec.in_kind.strip()}
    )


@transaction.atomic
def programme_save(*, spec: ProgrammeSpec) -> Programme:
    """Create a programme, or update the one with this code (the body may not change)."""
    spec = programme_check(spec)
    existing = Programme.objects.filter(code=spec.code).first()
    if existing is not None and existing.body_id != spec.body.pk:
        raise ValidationFailed(_("This code belongs to another body's programme."), field="code")
    if Programme.objects.filter(body=spec.body, name=spec.name).exclude(code=spec.code).exists():
        raise ValidationFailed(_("This body already has a programme of that name."), field="name")
    values = {k: v for k, v in spec.__dict__.items() if k != "code"}
    programme, _created = Programme.objects.update_or_create(code=spec.code, defaults=values)
    return programme


@transaction.atomic
def need_cap_save(
    *,
    need: str,
    period: str,
    cap_per_person: Decimal | None,
    cap_per_household: Decimal | None = None,
    max_bodies: int = 1,
) -> NeedCap:
    if need not in Need.values:
        raise ValidationFailed(_("Unknown need."), field="need")
    if period not in Period.values:
        raise ValidationFailed(_("Unknown period."), field="period")
    for value, field in (
        (cap_per_person, "cap_per_person"),
        (cap_per_household, "cap_per_household"),
    ):
        if value is not None and value <= 0:
            raise ValidationFailed(_("Must be more than zero."), field=field)
    if max_bodies < 1:
        raise ValidationFailed(_("At least one body."), field="max_bodies")
    cap, _created = NeedCap.objects.update_or_create(
        need=need,
        defaults={
            "period": period,
            "cap_per_person": cap_per_person,
            "cap_per_household": cap_per_household,
            "max_bodies": max_bodies,
        },
    )
    return cap


def programmes_listed() -> QuerySet[Programme]:
    """Programmes are public information: every staff member (and the portal) may read them."""
    return Programme.objects.select_related("body").order_by("need", "body__path", "code")


def rule_of(programme: Programme) -> Rule:
    return Rule(
        code=programme.code,
        need=programme.need,
        body_id=programme.body_id,
        period=programme.period,
        amount=programme.amount,
        household_level=programme.beneficiary == Beneficiary.HOUSEHOLD,
        max_income_per_head=programme.max_income_per_head,
        required_status=programme.required_status,
        max_disability_grade=programme.max_disability_grade,
        min_age=programme.min_age,
        max_age=programme.max_age,
        cap_per_person=programme.cap_per_person,
        cap_per_household=programme.cap_per_household,
        active=programme.is_active,
    )


def rules_all() -> dict[str, Rule]:
    return {programme.code: rule_of(programme) for programme in Programme.objects.all()}


def caps_all() -> dict[str, Cap]:
    caps: dict[str, Cap] = {}
    for row in NeedCap.objects.all():
        caps[row.need] = Cap(
            need=row.need,
            period=row.period,
            cap_per_person=row.cap_per_person,
            cap_per_household=row.cap_per_household,
            max_bodies=row.max_bodies,
        )
    return caps
