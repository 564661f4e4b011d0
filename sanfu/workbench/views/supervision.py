"""The supervision board: late and nearly late cases by unit, urged or supervised in a click."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanfu.workbench.forms import SuperviseForm
from sanfu.workbench.selectors.supervision import supervision_board
from sanfu.workbench.views.common import staff


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    context = {
        "board": supervision_board(user=staff(request)),
        "supervise_form": SuperviseForm(
            initial={"days": 3, "instruction": _("Finish the case within the deadline and report.")}
        ),
    }
    return render(request, "workbench/supervision.html", context)
