"""`sanfu open311 key create NAME` prints the new API key alone on stdout (for scripts);
`sanfu open311 key revoke NAME` revokes it; `sanfu open311 key list` lists the clients."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfu.api.keys import api_client_create, api_client_revoke
from sanfu.api.models import ApiClient
from sanfu.lib.errors import ApplicationError


class Command(BaseCommand):
    help = "Open311 API keys: create NAME (prints the key), revoke NAME, list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["key"], help="what to manage: 'key'")
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", help="the client application's name")
        parser.add_argument("--note", default="", help="create: who runs it, how to reach them")

    def handle(self, *args: Any, **options: Any) -> None:
        action, name = options["action"], options["name"]
        if action == "list":
            self._list()
            return
        if not name:
            raise CommandError(_("Name the client application."))
        try:
            if action == "create":
                _client, key = api_client_create(name=name, note=options["note"])
                # The key alone on stdout, so `KEY=$(sanfu open311 key create app)` works.
                self.stdout.write(key)
                self.stderr.write(_("Keep this key now: it is stored only as a hash."))
            else:
                client = api_client_revoke(name=name)
                self.stderr.write(_("Revoked the key of “%(name)s”.") % {"name": client.name})
        except ApplicationError as error:
            raise CommandError(error.message) from None

    def _list(self) -> None:
        for client in ApiClient.objects.order_by("name", "-created_at"):
            state = (
                _("revoked %(at)s") % {"at": f"{timezone.localtime(client.revoked_at):%Y-%m-%d}"}
                if client.revoked_at
                else _("live")
            )
            self.stdout.write(f"{client.name}\t{client.key_prefix}…\t{state}")
