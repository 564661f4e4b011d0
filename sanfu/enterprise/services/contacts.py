"""An enterprise's contacts (who logs in for it, who is told of its policies), and texting
each enterprise the policies it qualifies for (免申即享: the county tells, nobody asks)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.directory.models import Enterprise, User
from sanfu.enterprise.models import (
    ContactRole,
    EnterpriseContact,
    MatchState,
    Policy,
    PolicyMatch,
    PolicyText,
)
from sanfu.lib.errors import Conflict, NotFound, ValidationFailed
from sanfu.lib.phones import phone_is_mobile, phone_require
from sanfu.notify.services import notify_phone, render_message

NAME_MAX = 50
# A phone gets at most one policy text a day, whatever it speaks for; a run sends at most
# TEXTS_PER_RUN (the rest wait for the next day's run): the SMS gateway is paid and throttled.
TEXT_GAP = timedelta(hours=20)
TEXTS_PER_RUN = 500
# Policies named in one text; the rest are "and N more" (a text message is short).
NAMES_PER_TEXT = 3


@transaction.atomic
def contact_add(
    *, actor: User, enterprise_id: int, name: str, phone: str, role: str
) -> EnterpriseContact:
    """Staff who may see the enterprise add a person who speaks for it. The phone must take
    texts: the contact logs in by a code sent to it."""
    enterprise = Enterprise.objects.visible_to(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound(_("No such enterprise."))
    name = name.strip()
    if not name:
        raise ValidationFailed(_("This field is required."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": NAME_MAX}, field="name"
        )
    phone = phone_require(phone)
    if not phone_is_mobile(phone):
        raise ValidationFailed(_("Give a mobile number: the login code is texted."), field="phone")
    if role not in ContactRole.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if EnterpriseContact.objects.filter(enterprise=enterprise, phone=phone).exists():
        raise Conflict(_("This phone is a contact of the enterprise already."), field="phone")
    if (
        role == ContactRole.MAIN
        and EnterpriseContact.objects.filter(enterprise=enterprise, role=ContactRole.MAIN).exists()
    ):
        raise Conflict(_("The enterprise has a main contact; remove it first."), field="role")
    try:
        with transaction.atomic():
            return EnterpriseContact.objects.create(
                enterprise=enterprise, name=name, phone=phone, role=role
            )
    except IntegrityError:
        # Somebody added the same phone or a main contact at the same moment.
        raise Conflict(_("This contact was added meanwhile."), field="phone") from None


@transaction.atomic
def contact_remove(*, actor: User, contact_id: int) -> None:
    contact = (
        EnterpriseContact.objects.visible_to(actor)
        .filter(pk=contact_id)
        .select_for_update(of=("self",))
        .first()
    )
    if contact is None:
        raise NotFound(_("No such contact."))
    contact.delete()


@transaction.atomic
def contacts_from_register() -> int:
    """A main contact for each enterprise that has none, from the register's contact (as the
    migration that introduced contacts did); a register phone that is no mobile is skipped."""
    rows = []
    has_main = EnterpriseContact.objects.filter(role=ContactRole.MAIN).values("enterprise_id")
    for pk, name, contact_name, contact_phone in (
        Enterprise.objects.exclude(contact_phone="")
        .exclude(pk__in=has_main)
        .values_list("pk", "name", "contact_name", "contact_phone")
    ):
        try:
            phone = phone_require(contact_phone)
        except ValidationFailed:
            continue
        if phone_is_mobile(phone):
            rows.append(
                EnterpriseContact(
                    enterprise_id=pk,
                    name=(contact_name.strip() or name)[:NAME_MAX],
                    phone=phone,
                    role=ContactRole.MAIN,
                )
            )
    EnterpriseContact.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def contacts_of_phone(phone: str) -> list[EnterpriseContact]:
    """Every enterprise a (normalised) phone speaks for, by name."""
    return list(
        EnterpriseContact.objects.filter(phone=phone)
        .select_related("enterprise")
        .order_by("enterprise__name", "enterprise_id")
    )


# --- policy texts ------------------------------------------------------------------------


@dataclass
class TextRun:
    texts: int  # text messages sent
    policies: int  # (policy, enterprise) pairs they told of
    waiting: int  # enterprises left for a later run (the phone's daily text, the run's cap)
    no_contact: int  # enterprises with policies to tell and nobody to tell them to


def _due_matches(today: date) -> Iterator[PolicyMatch]:
    """Qualified and not received, in the policy's period, not dismissed by the department,
    and not texted yet; by enterprise."""
    texted = PolicyText.objects.filter(
        policy_id=OuterRef("policy_id"), enterprise_id=OuterRef("enterprise_id")
    )
    return (
        PolicyMatch.objects.filter(
            current=True,
            state__in=[MatchState.OPEN, MatchState.CONFIRMED],
            policy__active=True,
            policy__starts_on__lte=today,
            policy__ends_on__gte=today,
        )
        .exclude(Exists(texted))
        .select_related("policy", "enterprise")
        .order_by("enterprise_id", "policy__code")
        .iterator(chunk_size=2000)
    )


def _by_enterprise(matches: Iterator[PolicyMatch]) -> Iterator[tuple[Enterprise, list[Policy]]]:
    for _id, group in groupby(matches, key=lambda match: match.enterprise_id):
        rows = list(group)
        yield rows[0].enterprise, [match.policy for match in rows]


def _recipient(enterprise_id: int) -> str:
    """The main contact's phone, else the earliest contact's; '' when it has none."""
    contacts = EnterpriseContact.objects.filter(enterprise_id=enterprise_id)
    main = contacts.filter(role=ContactRole.MAIN).values_list("phone", flat=True).first()
    return main or contacts.order_by("pk").values_list("phone", flat=True).first() or ""


def _text_one(enterprise: Enterprise, policies: list[Policy], phone: str, at: datetime) -> bool:
    """Record the pairs and text them, after commit; False when another run got there first
    (the unique pair refuses the second insert, so nobody is texted twice)."""
    try:
        with transaction.atomic():
            PolicyText.objects.bulk_create(
                PolicyText(policy=policy, enterprise=enterprise, phone=phone, sent_at=at)
                for policy in policies
            )
    except IntegrityError:
        return False
    names = [policy.name for policy in policies[:NAMES_PER_TEXT]]
    message = render_message(
        "policy_qualified",
        {
            "enterprise": enterprise.name,
            "names": "、".join(names),
            "more": len(policies) - len(names),
            "link": f"{settings.SANFU_PUBLIC_URL}{reverse('enterprise:contact_login')}",
        },
    )
    notify_phone(phone, message)
    return True


@transaction.atomic
def policies_text(*, at: datetime | None = None, limit: int = TEXTS_PER_RUN) -> TextRun:
    """Text each enterprise's contact the policies it qualifies for and has not been told of:
    one text an enterprise naming them all, at most one a phone a day, at most `limit` a run.
    Safe to run twice, and in two processes at once (the unique pairs)."""
    at = at or timezone.now()
    run = TextRun(texts=0, policies=0, waiting=0, no_contact=0)
    busy = set(PolicyText.objects.filter(sent_at__gt=at - TEXT_GAP).values_list("phone", flat=True))
    for enterprise, policies in _by_enterprise(_due_matches(timezone.localdate(at))):
        if run.texts >= limit:
            run.waiting += 1
            continue
        phone = _recipient(enterprise.pk)
        if not phone:
            run.no_contact += 1
        elif phone in busy:
            run.waiting += 1
        elif _text_one(enterprise, policies, phone, at):
            busy.add(phone)
            run.texts += 1
            run.policies += len(policies)
    return run
