"""Writing policies and reviewing the enterprises that qualify but have not received one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import EnterpriseSize, Industry, Unit, UnitKind, User
from sanfu.enterprise.models import BenefitKind, MatchState, Policy, PolicyMatch, TaxGrade
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed

REASON_MAX = 500


def _check_choices(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    chosen = sorted(set(values))
    unknown = set(chosen) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown value: %(values)s.") % {"values": ", ".join(sorted(unknown))}, field=field
        )
    return chosen


@transaction.atomic
def policy_create(
    *,
    code: str,
    name: str,
    issuing_unit: Unit,
    starts_on: date,
    ends_on: date,
    facts_year: int,
    benefit_kind: str,
    benefit_text: str,
    amount: Decimal | None = None,
    industries: Iterable[str] = (),
    sizes: Iterable[str] = (),
    towns: Iterable[Unit] = (),
    min_revenue: Decimal | None = None,
    max_revenue: Decimal | None = None,
    min_employees: int | None = None,
    max_employees: int | None = None,
    tax_grades: Iterable[str] = (),
) -> Policy:
    if not code.strip():
        raise ValidationFailed(_("Give the policy a code."), field="code")
    if Policy.objects.filter(code=code.strip()).exists():
        raise Conflict(_("A policy with this code exists."), field="code")
    if ends_on < starts_on:
        raise ValidationFailed(_("The period ends before it starts."), field="ends_on")
    if benefit_kind not in BenefitKind.values:
        raise ValidationFailed(_("Unknown kind of benefit."), field="benefit_kind")
    for low, high, field in (
        (min_revenue, max_revenue, "max_revenue"),
        (min_employees, max_employees, "max_employees"),
    ):
        if low is not None and high is not None and high < low:
            raise ValidationFailed(_("The maximum is below the minimum."), field=field)
    town_list = list(towns)
    if any(town.kind not in (UnitKind.TOWN, UnitKind.STREET) for town in town_list):
        raise ValidationFailed(_("Choose towns or sub-districts."), field="towns")
    policy = Policy.objects.create(
        code=code.strip(),
        name=name.strip(),
        issuing_unit=issuing_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        facts_year=facts_year,
        benefit_kind=benefit_kind,
        benefit_text=benefit_text.strip(),
        amount=amount,
        industries=_check_choices(industries, Industry.values, "industries"),
        sizes=_check_choices(sizes, EnterpriseSize.values, "sizes"),
        min_revenue=min_revenue,
        max_revenue=max_revenue,
        min_employees=min_employees,
        max_employees=max_employees,
        tax_grades=_check_choices(tax_grades, TaxGrade.values, "tax_grades"),
    )
    policy.towns.set(town_list)
    return policy


@transaction.atomic
def policy_match_review(*, actor: User, match_id: int, decision: str, reason: str) -> PolicyMatch:
    """The issuing department confirms (to be delivered) or dismisses a pair, with a reason.

    The row is locked and its state checked in the same transaction, so two reviewers at
    once cannot both decide it.
    """
    if decision not in (MatchState.CONFIRMED, MatchState.DISMISSED):
        raise ValidationFailed(_("Choose confirm or dismiss."), field="decision")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": REASON_MAX}, field="reason"
        )
    match = (
        PolicyMatch.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=match_id)
        .first()
    )
    if match is None:
        raise NotFound(_("No such entry."))
    if match.state != MatchState.OPEN:
        raise Conflict(_("This entry has been reviewed already."))
    match.state = decision
    match.reason = reason
    match.reviewed_by = actor
    match.reviewed_at = timezone.now()
    match.save(update_fields=["state", "reason", "reviewed_by", "reviewed_at"])
    return match
