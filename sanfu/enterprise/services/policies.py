"""Writing policies and reviewing the enterprises that qualify but have not received one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import EnterpriseSize, Industry, Unit, UnitKind, User
from sanfu.enterprise.models import BenefitKind, MatchState, Policy, PolicyMatch, TaxGrade
from sanfu.enterprise.policies import issuing_units
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


@dataclass
class PolicySpec:
    """A policy's fields as the forms and imports give them; `policy_check` cleans them."""

    code: str
    name: str
    issuing_unit: Unit
    starts_on: date
    ends_on: date
    facts_year: int
    benefit_kind: str
    benefit_text: str
    amount: Decimal | None = None
    industries: Iterable[str] = ()
    sizes: Iterable[str] = ()
    towns: Iterable[Unit] = ()
    min_revenue: Decimal | None = None
    max_revenue: Decimal | None = None
    min_employees: int | None = None
    max_employees: int | None = None
    tax_grades: Iterable[str] = ()
    active: bool = True


def policy_check(spec: PolicySpec, *, existing: Policy | None = None) -> PolicySpec:
    """The spec cleaned, or ValidationFailed naming the field (the admin's form calls it too)."""
    code = spec.code.strip()
    if not code:
        raise ValidationFailed(_("Give the policy a code."), field="code")
    same_code = Policy.objects.filter(code=code)
    if existing is not None:
        same_code = same_code.exclude(pk=existing.pk)
    if same_code.exists():
        raise Conflict(_("A policy with this code exists."), field="code")
    if not spec.name.strip():
        raise ValidationFailed(_("This field is required."), field="name")
    if spec.ends_on < spec.starts_on:
        raise ValidationFailed(_("The period ends before it starts."), field="ends_on")
    if spec.benefit_kind not in BenefitKind.values:
        raise ValidationFailed(_("Unknown kind of benefit."), field="benefit_kind")
    for low, high, field in (
        (spec.min_revenue, spec.max_revenue, "max_revenue"),
        (spec.min_employees, spec.max_employees, "max_employees"),
    ):
        if low is not None and high is not None and high < low:
            raise ValidationFailed(_("The maximum is below the minimum."), field=field)
    town_list = list(spec.towns)
    if any(town.kind not in (UnitKind.TOWN, UnitKind.STREET) for town in town_list):
        raise ValidationFailed(_("Choose towns or sub-districts."), field="towns")
    return replace(
        spec,
        code=code,
        name=spec.name.strip(),
        benefit_text=spec.benefit_text.strip(),
        industries=_check_choices(spec.industries, Industry.values, "industries"),
        sizes=_check_choices(spec.sizes, EnterpriseSize.values, "sizes"),
        tax_grades=_check_choices(spec.tax_grades, TaxGrade.values, "tax_grades"),
        towns=town_list,
    )


def _write(policy: Policy, spec: PolicySpec) -> Policy:
    for field in [
        "code",
        "name",
        "issuing_unit",
        "starts_on",
        "ends_on",
        "facts_year",
        "benefit_kind",
        "benefit_text",
        "amount",
        "industries",
        "sizes",
        "min_revenue",
        "max_revenue",
        "min_employees",
        "max_employees",
        "tax_grades",
        "active",
    ]:
        setattr(policy, field, getattr(spec, field))
    policy.save()
    policy.towns.set(list(spec.towns))
    return policy


@transaction.atomic
def policy_create(**fields: Any) -> Policy:
    """A new policy from PolicySpec's fields (keyword-only)."""
    return _write(Policy(), policy_check(PolicySpec(**fields)))


@transaction.atomic
def policy_update(*, actor: User, policy_id: int, spec: PolicySpec) -> Policy:
    """Staff of the issuing unit (or above) change a policy, and issue it only from a unit in
    their scope. The next matching run reads the new rules."""
    policy = (
        Policy.objects.reviewable_by(actor)
        .select_for_update(of=("self",))
        .filter(pk=policy_id)
        .first()
    )
    if policy is None:
        raise NotFound(_("No such policy."))
    if not issuing_units(actor).filter(pk=spec.issuing_unit.pk).exists():
        raise ValidationFailed(_("Choose a unit you work for."), field="issuing_unit")
    return _write(policy, policy_check(spec, existing=policy))


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
