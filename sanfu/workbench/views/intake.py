"""The operator's intake: a case taken by phone, on a visit, a patrol or at a village meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sanfu.cases import services
from sanfu.cases.services import NewCase, Requester
from sanfu.lib.errors import ApplicationError
from sanfu.lib.forms import show_on_form
from sanfu.workbench.forms import IntakeForm
from sanfu.workbench.selectors.intake import intake_initial, intake_places
from sanfu.workbench.views.common import staff


def _new_case(form: IntakeForm) -> NewCase:
    data = form.cleaned_data
    return NewCase(
        channel=data["channel"],
        title=data["title"],
        text=data["text"],
        location_unit=data["location_unit"],
        address=data["address"],
        category=data["category"],
        priority=data["priority"],
        requester=Requester(
            kind=data["requester_kind"],
            name=data["requester_name"],
            phone=data["requester_phone"],
            id_number=data["requester_id_number"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    places = intake_places(user=user)
    initial = intake_initial(user=user, places=places)
    form = IntakeForm(request.POST or None, places=places, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = _new_case(form)
        try:
            if form.cleaned_data["solved"]:
                case = services.case_create_solved_on_the_spot(
                    new=new, actor=user, reply=form.cleaned_data["reply"]
                )
            else:
                case = services.case_create(new=new, actor=user)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Case %(number)s recorded.") % {"number": case.number})
            return redirect("workbench:case", case.pk)
    status = 400 if form.errors else 200
    return render(request, "workbench/intake.html", {"form": form}, status=status)
