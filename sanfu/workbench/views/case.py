"""The case page, its actions, and unmasking the requester's personal data."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from sanfu.lib.errors import ApplicationError, NotFound, PermissionDenied
from sanfu.lib.forms import show_on_form
from sanfu.workbench import actions
from sanfu.workbench.forms import UploadForm
from sanfu.workbench.selectors.cases import CaseView, case_view
from sanfu.workbench.services import personal_data_reveal
from sanfu.workbench.views.common import staff


def _view(request: HttpRequest, case_id: int) -> CaseView:
    try:
        return case_view(user=staff(request), case_id=case_id)
    except NotFound:
        # An outsider learns nothing, not even that the case exists (see the issue 4 report).
        raise Http404 from None


def _render(
    request: HttpRequest,
    view: CaseView,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    upload: forms.Form | None = None,
) -> HttpResponse:
    context = {
        "view": view,
        "case": view.case,
        "actions": actions.available(view, bound),
        "open_action": next(iter(bound or {}), ""),
        "upload": upload or UploadForm(),
    }
    return render(request, "workbench/case.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render(request, _view(request, case_id))


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    if action not in actions.PERFORMERS:
        raise Http404
    view = _view(request, case_id)
    form = actions.make_form(action, view, request.POST)
    if action in actions.PREVIEWED and request.POST.get("preview"):
        # Show what would be done, and do nothing.
        return _render(request, view, bound={action: form}, status=200 if form.is_valid() else 400)
    status = 400
    if form.is_valid():
        try:
            actions.PERFORMERS[action](staff(request), view, form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            show_on_form(form, error)
            status = error.status
        else:
            messages.success(request, str(actions.LABELS[action][1]))
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(back)
            return redirect("workbench:case", case_id)
    # Show the page as it is now (someone else may have acted), with this form's errors.
    return _render(request, _view(request, case_id), bound={action: form}, status=status)


@login_required
@require_POST
def reveal(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        view = personal_data_reveal(user=staff(request), case_id=case_id)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as error:
        return HttpResponse(error.message, status=403, content_type="text/plain; charset=utf-8")
    if request.headers.get("HX-Request"):
        return render(request, "workbench/_contact.html", {"view": view, "case": view.case})
    return _render(request, view)
