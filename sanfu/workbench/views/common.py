"""What every workbench view shares."""

from __future__ import annotations

from django.http import HttpRequest

from sanfu.directory.models import User


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1
