"""比学赶超: the county's monthly league tables of towns and departments."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from sanfu.cases.policies import Capability, may
from sanfu.directory.models import Unit
from sanfu.insight.league import (
    league_preview,
    league_publish,
    league_rules,
    league_table,
    previous_month,
    rate_league_preview,
    rate_league_table,
    rate_leagues,
)
from sanfu.lib.errors import ApplicationError
from sanfu.lib.forms import show_on_form
from sanfu.lib.treepath import path_ids
from sanfu.workbench.selectors.dashboard import default_unit
from sanfu.workbench.views.common import figures_or_rebuilding, staff
from sanfu.workbench.views.dashboard import NO_DASHBOARD


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )


@login_required
@require_http_methods(["GET", "POST"])
@figures_or_rebuilding
def league(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    top = default_unit(user=user)
    if top is None:
        raise PermissionDenied(NO_DASHBOARD)
    county = Unit.objects.get(pk=path_ids(top.path)[0])
    last = previous_month(timezone.localdate())
    form = MonthForm(request.POST or request.GET or {"month": f"{last:%Y-%m}"})
    month: date = form.cleaned_data["month"] if form.is_valid() else last
    can_publish = may(user, Capability.SUPERVISE, county)
    if request.method == "POST" and form.is_valid():
        try:
            league_publish(actor=user, county=county, month=month)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            return redirect(f"{reverse('workbench:league')}?month={month:%Y-%m}")
    published = league_table(county=county, month=month)
    entries = rate_league_table(county=county, month=month)
    # Outreach's and projects' tables, each with its league's definition.
    published_rates = [
        (
            league,
            [
                (entry, league.facts_url(entry.unit_id, month))
                for entry in entries
                if entry.table in (league.places_table, league.departments_table)
            ],
        )
        for league in rate_leagues()
    ]
    preview_allowed = can_publish and not published
    context = {
        "form": form,
        "county": county,
        "month": month,
        "published": published,
        "published_rates": [(league, rows) for league, rows in published_rates if rows],
        "rules": league_rules(county=county),
        "can_publish": preview_allowed,
        # Before publication only those who publish see the standings, which still move.
        "preview": league_preview(county=county, month=month) if preview_allowed else [],
        "rate_preview": rate_league_preview(viewer=user, county=county, month=month)
        if preview_allowed
        else [],
    }
    return render(request, "workbench/league.html", context, status=400 if form.errors else 200)
