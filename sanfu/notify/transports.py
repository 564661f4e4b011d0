"""Where messages go: the in-app inbox, email through Django's mail backend, and SMS.

SMS goes through a small interface; the default backend writes the message to the log, so a
county plugs in its operator's gateway by naming another class in SANFU_SMS_BACKEND.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from sanfu.notify.models import Notification

logger = logging.getLogger("sanfu.notify")


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str
    link: str = ""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Writes each text message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone, text)


class MemorySmsBackend:
    """Keeps each text message in `outbox`, as Django's locmem mail backend does: for tests."""

    # Shared by every instance, like mail.outbox: the sender makes a new backend per message.
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SANFU_SMS_BACKEND)()
    return backend


def to_inbox(recipient_ids: list[int], message: Message) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient_id=recipient_id,
            kind=message.kind,
            subject=message.subject,
            body=message.body,
            link=message.link,
        )
        for recipient_id in recipient_ids
    )


def to_email(addresses: list[str], message: Message) -> None:
    for address in addresses:
        try:
            send_mail(message.subject, message.body, None, [address])
        except OSError:
            # A mail server that is down must not undo the action that caused the message.
            logger.exception("could not send mail to %s", address)


def sms_text(message: Message) -> str:
    """A message as one text: the subject, then the body."""
    return f"{message.subject}：{message.body}"


def to_sms(phones: list[str], message: Message) -> None:
    """Best effort, for staff (who have the inbox too): a refused text is logged, not retried.
    A requester's texts go through the background queue instead (cases.notifications)."""
    backend = sms_backend()
    for phone in phones:
        try:
            backend.send(phone, sms_text(message))
        except Exception:
            logger.exception("could not send a text message to %s", phone)
