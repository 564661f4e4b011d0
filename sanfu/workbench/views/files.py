"""A case's files: staff download them (if they may see the case) and add their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanfu.cases import services
from sanfu.cases.selectors import case_get_for_user
from sanfu.lib.errors import ApplicationError, NotFound
from sanfu.lib.files import file_response
from sanfu.workbench.forms import UploadForm
from sanfu.workbench.views.case import _render, _view
from sanfu.workbench.views.common import staff


@login_required
@require_GET
def download(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    try:
        case = case_get_for_user(user=staff(request), case_id=case_id)
    except NotFound:
        raise Http404 from None
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return file_response(attachment)


@login_required
@require_POST
def upload(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _view(request, case_id)  # 404 for whoever may not see the case
    form = UploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        uploads = [
            services.Upload(name=file.name or "file", content=file.read())
            for file in form.cleaned_data["attachments"]
        ]
        try:
            made = services.case_attach(actor=staff(request), case_id=case_id, uploads=uploads)
        except ApplicationError as error:
            form.add_error("attachments", str(error.message))
            status = error.status
        else:
            messages.success(request, _("%(count)d file(s) added.") % {"count": len(made)})
            return redirect("workbench:case", case_id=case_id)
    return _render(request, view, upload=form, status=status)
