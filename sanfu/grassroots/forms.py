"""Forms of the grassroots pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Category
from sanfu.directory.models import Unit
from sanfu.grassroots.models import BurdenKind, Frequency, MeetingKind, Outcome


def _queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows for mypy
    field.queryset = queryset


class MeetingForm(forms.Form):
    village = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Village or community"))
    kind = forms.ChoiceField(choices=MeetingKind.choices, label=_("Kind"))
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args: Any, villages: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "village", villages)


class AttendanceForm(forms.Form):
    residents_present = forms.IntegerField(label=_("Residents present"), min_value=0)
    cadres_present = forms.CharField(
        label=_("Cadres present (names)"), max_length=500, required=False
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Departments present"), required=False
    )

    def __init__(self, *args: Any, departments: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "departments", departments)


class ProblemForm(forms.Form):
    text = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}))
    raised_by = forms.CharField(label=_("Raised by"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        choices=Outcome.choices, label=_("Outcome"), widget=forms.RadioSelect
    )
    solved_by = forms.CharField(label=_("Solved by"), max_length=100, required=False)
    solution = forms.CharField(
        label=_("How it was solved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    requester_agreed = forms.BooleanField(
        label=_("The resident agrees to be the case's requester"), required=False
    )
    requester_phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False)
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("Category"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "category", Category.objects.filter(is_active=True, level=1))


class DemandForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Department"), required=False
    )
    kind = forms.ChoiceField(choices=BurdenKind.choices, label=_("Kind"))
    title = forms.CharField(label=_("What is asked"), max_length=200)
    frequency = forms.ChoiceField(
        choices=[("", "—"), *Frequency.choices], label=_("How often"), required=False
    )
    hours_each = forms.CharField(label=_("Hours each time (per village)"), required=False)
    all_villages = forms.BooleanField(label=_("Of every village"), required=False, initial=True)
    villages = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Villages"), required=False
    )
    reason = forms.CharField(
        label=_("Why villages must do this"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self, *args: Any, departments: QuerySet[Unit], villages: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "department", departments)
        _queryset(self, "villages", villages)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], label=_("Decision")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AbolishForm(forms.Form):
    on = forms.DateField(label=_("Abolished on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class BaselineForm(forms.Form):
    year = forms.IntegerField(label=_("Baseline year"), min_value=2000, max_value=2100)


class BurdenReportForm(forms.Form):
    village = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Village or community"))
    kind = forms.ChoiceField(choices=BurdenKind.choices, label=_("Kind"))
    department_named = forms.CharField(label=_("Who asks"), max_length=100)
    text = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, villages: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "village", villages)
