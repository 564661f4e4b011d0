"""What every workbench view shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanfu.directory.models import User
from sanfu.insight.selectors import AggregatesBusy, aggregates_read


def staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required has run; narrows for mypy
    return user


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


def figures_or_rebuilding(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A page of figures read from the aggregates: while a full rebuild holds them it answers at
    once that they are being rebuilt (503, so a client may retry), instead of waiting."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            with aggregates_read():
                return view(request)
        except AggregatesBusy:
            response = render(request, "workbench/figures_rebuilding.html", status=503)
            response["Retry-After"] = "120"
            return response

    return wrapped
