"""What the front door's views share: the staff user, and errors shown where they belong."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from sanfu.directory.models import User
from sanfu.lib.errors import ApplicationError


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def show_on_form(form: forms.Form, error: ApplicationError) -> None:
    """Attach `error` to the field it names, or to the whole form."""
    name = error.field or ""
    form.add_error(name if name in form.fields else None, error.message)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))
