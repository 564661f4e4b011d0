"""What the front door's views share: the staff user. Errors go on forms through
`sanfu.lib.forms.show_on_form`, the caller's address is `sanfu.lib.addresses.client_address`."""

from __future__ import annotations

from django.http import HttpRequest

from sanfu.directory.models import User


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user
