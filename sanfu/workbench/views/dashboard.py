"""The leaders' dashboard and the cases behind its numbers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from sanfu.cases.figures import DEFINITIONS, Figures, Rate
from sanfu.directory.models import User
from sanfu.frontdoor.followups import followup_satisfaction
from sanfu.workbench.exports import cases_workbook
from sanfu.workbench.forms import DashboardForm, DrillForm
from sanfu.workbench.selectors import dashboard as d
from sanfu.workbench.selectors.joined import joined_sections
from sanfu.workbench.selectors.queues import EXPORT_LIMIT, case_page, export_rows
from sanfu.workbench.views.common import figures_or_rebuilding, page_number, staff

NO_DASHBOARD = gettext_lazy(
    "The dashboard shows the figures of a county, department, town or village, and your"
    " account holds no role at one."
)


def _scope(form: DashboardForm, user: User) -> d.Scope | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    unit = data["unit"]
    if unit is None:
        return None
    return d.Scope(
        unit=unit,
        start=d.month_start(data["start"]),
        end=d.month_start(d.next_month(data["end"])),
        category=data["category"],
    )


def _chart(board: d.Dashboard) -> dict[str, Any]:
    """The trend for ECharts, as plain numbers (the page's tables carry the same)."""

    def percent(value: Rate | None) -> float | None:
        return None if value is None else float(value.percent)

    return {
        "months": [row.label for row in board.trend],
        "received": [row.figures.received for row in board.trend],
        "handled": [row.figures.handled for row in board.trend],
        "satisfaction": [percent(row.figures.satisfaction_rate) for row in board.trend],
        "on_time": [percent(row.figures.on_time_rate) for row in board.trend],
        "channels": [{"name": r.label, "value": r.figures.received} for r in board.channels],
        # Series names, translated here: the script has no catalogue of its own.
        "names": {
            "received": pgettext("figure", "Received"),
            "handled": _("Handled"),
            "satisfaction": _("Satisfaction"),
            "on_time": pgettext("figure", "On time"),
        },
    }


# The figures at the top of the page, in order, each with the cases behind it.
TILES: list[tuple[str, d.Figure | None]] = [
    ("received", d.Figure.RECEIVED),
    ("accepted", d.Figure.ACCEPTED),
    ("handled", d.Figure.HANDLED),
    ("satisfaction_rate", d.Figure.RATED),
    ("first_satisfaction_rate", d.Figure.RATED),
    ("resolution_rate", d.Figure.RATED),
    ("declared_resolution_rate", d.Figure.HANDLED),
    ("on_time_rate", d.Figure.HANDLED),
    ("unit_on_time_rate", d.Figure.HANDLED),
    ("response_rate", d.Figure.SIGNED),
    ("on_the_spot_rate", d.Figure.HANDLED),
    ("average_handling_days", d.Figure.HANDLED),
    ("reopen_rate", None),
]


def _tiles(figures: Figures) -> list[dict[str, Any]]:
    tiles = []
    for key, figure in TILES:
        value = getattr(figures, key)
        definition = DEFINITIONS[key]
        tiles.append(
            {
                "key": key,
                "value": "—" if value is None else str(value),
                "counts": f"{value.part}/{value.whole}" if isinstance(value, Rate) else "",
                "figure": figure.value if figure else "",
                "label": definition.label,
                "how": definition.how,
            }
        )
    return tiles


@login_required
@require_GET
@figures_or_rebuilding
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    if not d.dashboard_allowed(user=user):
        # Not a form to fill: there is no unit to choose (it used to answer 400, empty).
        raise PermissionDenied(NO_DASHBOARD)
    form = DashboardForm(request.GET, user=user)
    scope = _scope(form, user)
    if scope is None:
        return render(request, "workbench/dashboard.html", {"form": form}, status=400)
    board = d.dashboard(scope=scope, rank_by=form.cleaned_data["rank"])
    base = {
        "unit": scope.unit.pk,
        "start": form.cleaned_data["start"].strftime("%Y-%m"),
        "end": form.cleaned_data["end"].strftime("%Y-%m"),
        "category": scope.category.pk if scope.category else "",
    }
    context = {
        "form": form,
        "board": board,
        "scope": scope,
        "base": urlencode(base),
        "drill": reverse("workbench:drill"),
        "min_sample": d.MIN_SAMPLE,
        "rank_label": d.RANK_LABELS[form.cleaned_data["rank"]],
        "chart": _chart(board),
        # 回访满意率 (the front door's follow-up calls) beside the requesters' own rating.
        "followup": followup_satisfaction(cases=scope.cases(), start=scope.start, end=scope.end),
        "tiles": _tiles(board.figures),
        "definitions": list(DEFINITIONS.values()),
    }
    return render(request, "workbench/dashboard.html", context)


@login_required
@require_GET
def joined(request: HttpRequest) -> HttpResponse:
    """Outreach, projects and the grassroots beside the cases, for the same unit and period:
    a fragment the dashboard loads after itself, so its case figures do not wait for three
    other domains' reads."""
    user = staff(request)
    if not d.dashboard_allowed(user=user):
        raise PermissionDenied(NO_DASHBOARD)
    form = DashboardForm(request.GET, user=user)
    scope = _scope(form, user)
    if scope is None:
        return HttpResponse(status=400)
    context = {"joined": joined_sections(user=user, scope=scope)}
    return render(request, "workbench/_joined.html", context)


@login_required
@require_GET
def drill(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = DrillForm(request.GET, user=user)
    scope = _scope(form, user)
    figure = request.GET.get("figure", "")
    if scope is None or figure not in {f.value for f in d.Figure}:
        raise Http404
    cases = d.drill_down(
        user=user, scope=scope, figure=d.Figure(figure), channel=form.cleaned_data["channel"]
    )
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        total = cases.count()
        cut = (EXPORT_LIMIT, total) if total > EXPORT_LIMIT else None
        return cases_workbook(export_rows(cases), filename=f"{figure}-{stamp}", cut=cut)
    query = request.GET.copy()
    query.pop("page", None)
    page = case_page(cases, number=page_number(request.GET.get("page")))
    context = {
        "scope": scope,
        "figure": d.FIGURE_LABELS[d.Figure(figure)],
        "export_limit": EXPORT_LIMIT,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "workbench/drill.html", context)
