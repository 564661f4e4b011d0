"""Send messages after the current transaction commits, through the configured transports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from sanfu.directory.models import Membership, Unit, User
from sanfu.notify.transports import Message, to_email, to_inbox, to_sms


def render_message(kind: str, context: dict[str, Any], *, link: str = "") -> Message:
    """Render `notify/<kind>.txt`: first line the subject, the rest the body. In Chinese.

    Plain text, not HTML: a text message or a mail shows `&lt;` as typed, so nothing is
    escaped here. Every HTML page that shows a message (the inbox) escapes it when it renders.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = plain_text(f"notify/{kind}.txt", context)
    subject, _newline, body = text.partition("\n")
    return Message(kind=kind, subject=subject.strip(), body=body.strip(), link=link)


def plain_text(template_name: str, context: dict[str, Any]) -> str:
    """A Django template rendered with autoescaping off, stripped: for SMS and mail only."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return str(template.render(Context(context, autoescape=False))).strip()


def staff_of(units: list[Unit], roles: frozenset[str] | None = None) -> list[User]:
    memberships = Membership.objects.filter(unit__in=units, user__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))


def notify_staff(users: list[User], message: Message) -> None:
    """Queue `message` to `users`; nothing is sent if the surrounding transaction rolls back."""
    if not users:
        return
    transports = settings.SANFU_NOTIFY_TRANSPORTS
    ids = [user.pk for user in users]
    emails = [user.email for user in users if user.email]
    phones = [user.phone for user in users if user.phone]

    def send() -> None:
        if "inbox" in transports:
            to_inbox(ids, message)
        if "email" in transports and emails:
            to_email(emails, message)
        if "sms" in transports and phones:
            to_sms(phones, message)

    transaction.on_commit(send)


def notify_phone(phone: str, message: Message) -> None:
    """A text message to a requester, who has no account, after commit."""
    if phone and "sms" in settings.SANFU_NOTIFY_TRANSPORTS:
        transaction.on_commit(lambda: to_sms([phone], message))
