"""Reads for the enterprise pages; every staff read goes through a `visible_to` queryset."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from sanfu.cases.models import Case
from sanfu.directory.models import Enterprise, User
from sanfu.directory.querysets import scope_filter
from sanfu.enterprise.matching import policies_for_enterprise
from sanfu.enterprise.models import (
    Approval,
    ApprovalState,
    Benefit,
    Booking,
    BookingState,
    EnterpriseContact,
    EnterpriseFacts,
    EnterpriseProfile,
    Offer,
    Policy,
    PolicyMatch,
    PolicyText,
    Project,
    Provider,
)
from sanfu.lib.errors import NotFound
from sanfu.lib.masking import mask_name, mask_phone
from sanfu.lib.treepath import path_ids

RECENT = 50


def enterprise_get_for_user(*, user: User, enterprise_id: int) -> Enterprise:
    found = (
        Enterprise.objects.visible_to(user)
        .select_related("town", "village")
        .filter(pk=enterprise_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such enterprise."))
    return found


def enterprises_for_user(*, user: User, query: str = "") -> QuerySet[Enterprise]:
    rows = Enterprise.objects.visible_to(user).select_related("town")
    query = query.strip()
    if query:
        rows = rows.filter(name__icontains=query) | rows.filter(credit_code=query.upper())
    return rows.order_by("name", "pk")


@dataclass
class EnterprisePage:
    enterprise: Enterprise
    legal_representative: str
    contact_name: str
    contact_phone: str
    industry_code: str
    facts: list[EnterpriseFacts]
    cases: list[Case]
    benefits: list[Benefit]
    benefit_total: Decimal
    qualified: list[tuple[Policy, bool]]
    projects: list[Project]
    approvals: list[Approval]
    bookings: list[Booking]
    contacts: list[ContactRow]
    texts: list[PolicyText]


@dataclass
class ContactRow:
    pk: int
    name: str
    phone: str
    role: str


def contacts_for_user(*, user: User, enterprise: Enterprise) -> list[ContactRow]:
    """The enterprise's contacts, masked by the one rule (as the register's contact is)."""
    return [
        ContactRow(
            pk=contact.pk,
            name=mask_name(contact.name),
            phone=mask_phone(contact.phone),
            role=contact.get_role_display(),
        )
        for contact in EnterpriseContact.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .order_by("role", "pk")
    ]


def enterprise_page(*, user: User, enterprise_id: int) -> EnterprisePage:
    enterprise = enterprise_get_for_user(user=user, enterprise_id=enterprise_id)
    profile = EnterpriseProfile.objects.filter(enterprise=enterprise).first()
    benefits = Benefit.objects.filter(enterprise=enterprise).select_related("policy")
    projects = Project.objects.visible_to(user).filter(enterprise=enterprise)
    return EnterprisePage(
        enterprise=enterprise,
        # Masked by the one rule every surface uses; the page is for staff outside the
        # handling chain of any one case.
        legal_representative=mask_name(profile.legal_representative) if profile else "",
        contact_name=mask_name(enterprise.contact_name),
        contact_phone=mask_phone(enterprise.contact_phone),
        industry_code=profile.industry_code if profile else "",
        facts=list(EnterpriseFacts.objects.filter(enterprise=enterprise).order_by("-year")[:10]),
        cases=list(
            Case.objects.visible_to(user)
            .filter(enterprise=enterprise)
            .order_by("-received_at")[:RECENT]
        ),
        benefits=list(benefits[:RECENT]),
        benefit_total=benefits.aggregate(total=Sum("amount"))["total"] or Decimal(0),
        qualified=policies_for_enterprise(enterprise),
        projects=list(projects[:RECENT]),
        approvals=list(
            Approval.objects.visible_to(user)
            .filter(project__enterprise=enterprise, state="pending")
            .select_related("department", "project")
        ),
        bookings=list(
            Booking.objects.filter(enterprise=enterprise).select_related(
                "offer", "offer__provider"
            )[:RECENT]
        ),
        contacts=contacts_for_user(user=user, enterprise=enterprise),
        texts=policy_texts_for(enterprise)[:RECENT],
    )


def review_list(*, user: User, policy_id: int, state: str = "open") -> tuple[Policy, Any]:
    """A policy's "qualified but not received" list, for staff of its issuing unit only."""
    policy = Policy.objects.reviewable_by(user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("No such policy."))
    rows = (
        PolicyMatch.objects.visible_to(user)
        .filter(policy=policy, current=True)
        .select_related("enterprise", "enterprise__town", "reviewed_by")
        .order_by("enterprise__name", "pk")
    )
    if state:
        rows = rows.filter(state=state)
    return policy, rows


def policies_listed(*, user: User) -> list[tuple[Policy, bool, int]]:
    """Every policy (public information), whether `user` reviews it and its open list size."""
    reviewable = set(Policy.objects.reviewable_by(user).values_list("pk", flat=True))
    open_counts = dict(
        PolicyMatch.objects.visible_to(user)
        .filter(current=True, state="open")
        .values("policy_id")
        .annotate(n=Count("pk"))
        .values_list("policy_id", "n")
    )
    return [
        (policy, policy.pk in reviewable, open_counts.get(policy.pk, 0))
        for policy in Policy.objects.select_related("issuing_unit").order_by("code")
    ]


def project_get_for_user(*, user: User, project_id: int) -> Project:
    found = (
        Project.objects.visible_to(user)
        .select_related("enterprise", "enterprise__town")
        .filter(pk=project_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such project."))
    return found


def approvals_decidable_by(*, user: User) -> QuerySet[Approval]:
    """Pending approvals of the departments in `user`'s scope (what a joint session decides)."""
    return (
        scope_filter(Approval.objects.all(), user, "department__path")
        .filter(state=ApprovalState.PENDING)
        .select_related("project", "project__enterprise", "department")
        .order_by("due_at", "pk")
    )


def approvals_overdue(*, user: User, now: datetime) -> QuerySet[Approval]:
    return (
        Approval.objects.visible_to(user)
        .filter(state=ApprovalState.PENDING, due_at__lt=now)
        .select_related("project", "project__enterprise", "department", "supervised_by")
        .order_by("due_at", "pk")
    )


def figures_for_user(*, user: User) -> dict[str, Any]:
    from sanfu.enterprise import figures
    from sanfu.enterprise.models import IdleResource

    benefits = Benefit.objects.filter(
        enterprise__in=Enterprise.objects.visible_to(user).values("pk")
    )
    project_rows = Project.objects.visible_to(user)
    return {
        "benefits_total": benefits.aggregate(total=Sum("amount"))["total"] or Decimal(0),
        "benefits_by_policy": figures.benefits_by(benefits, "policy"),
        "benefits_by_industry": figures.benefits_by(benefits, "industry"),
        "benefits_by_town": figures.benefits_by(benefits, "town"),
        "benefits_by_year": figures.benefits_by(benefits, "year"),
        "projects_by_stage": figures.projects_by(project_rows, "stage"),
        "projects_by_industry": figures.projects_by(project_rows, "industry"),
        "projects_by_town": figures.projects_by(project_rows, "town"),
        "approvals": figures.approvals_by_department(Approval.objects.visible_to(user)),
        "resources": figures.resource_figures(IdleResource.objects.visible_to(user)),
    }


def county_id_of(enterprise: Enterprise) -> int:
    """The county an enterprise lies in: the root of its town's path."""
    return path_ids(enterprise.town.path)[0]


def offers_ranked(*, now: datetime, county_ids: Collection[int]) -> list[Offer]:
    """Approved offers of the counties' approved providers; a provider who lets bookings lapse
    (unanswered past the deadline, or answered late) drops, then the better rated come first."""
    lapsed = Q(
        offers__bookings__state=BookingState.REQUESTED, offers__bookings__due_at__lt=now
    ) | Q(offers__bookings__answered_on_time=False)
    providers = Provider.objects.filter(
        approved_at__isnull=False, county_id__in=county_ids
    ).annotate(
        lapsed=Count("offers__bookings", filter=lapsed, distinct=True),
        rating=Avg("offers__bookings__rating"),
    )
    scores = {p.pk: (p.lapsed, -(p.rating or 0)) for p in providers}
    offers = list(
        Offer.objects.filter(approved_at__isnull=False, provider_id__in=list(scores))
        .select_related("provider")
        .order_by("title", "pk")
    )
    offers.sort(key=lambda o: scores[o.provider_id])
    return offers


def policy_texts_for(enterprise: Enterprise) -> list[PolicyText]:
    """What the enterprise has been texted, newest first (its page's timeline)."""
    return list(
        PolicyText.objects.filter(enterprise=enterprise)
        .select_related("policy")
        .order_by("-sent_at", "policy__code")
    )
