"""The workbench home: my queues with counts, and the chosen list filtered, sorted, paged —
or exported to Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sanfu.workbench.exports import cases_workbook
from sanfu.workbench.forms import CaseFilterForm
from sanfu.workbench.selectors.queues import QUEUE_LABELS, Queue, queue_export, workbench_home
from sanfu.workbench.views.common import page_number, staff


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = CaseFilterForm(request.GET, user=user)
    home = workbench_home(
        user=user,
        queue=request.GET.get("queue"),
        filters=form.filters(),
        page=page_number(request.GET.get("page")),
    )
    query = request.GET.copy()
    query["queue"] = home.queue.value
    query.pop("page", None)
    context = {
        "home": home,
        "page": home.page,
        "all_label": QUEUE_LABELS[Queue.ALL],
        "form": form,
        "query": query.urlencode(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "case-list":
        return render(request, "workbench/_case_list.html", context)
    return render(request, "workbench/home.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = CaseFilterForm(request.GET, user=user)
    queue = request.GET.get("queue")
    cases = queue_export(user=user, queue=queue, filters=form.filters())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return cases_workbook(cases, filename=f"{queue or 'cases'}-{stamp}")
