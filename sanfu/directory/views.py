"""Staff pages of the directory: the organisation tree and one unit. Parse, select, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sanfu.directory import selectors
from sanfu.lib.errors import NotFound


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    rows = selectors.unit_tree_for_user(user=request.user)
    return render(request, "directory/unit_tree.html", {"rows": rows})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        unit = selectors.unit_get_for_user(user=request.user, unit_id=unit_id)
    except NotFound:
        raise Http404 from None
    summary = selectors.unit_summary(unit=unit)
    return render(request, "directory/unit_detail.html", {"unit": unit, "summary": summary})
