"""Forms of the enterprise pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Unit, UnitKind
from sanfu.enterprise.imports import BENEFITS, FACTS
from sanfu.enterprise.models import (
    ApprovalKind,
    ApprovalState,
    ContactRole,
    MatchState,
    OfferCategory,
    ProjectKind,
    ResourceKind,
)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (MatchState.CONFIRMED, _("Confirm: it is to be delivered")),
            (MatchState.DISMISSED, _("Dismiss")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(FACTS, _("Enterprises' facts")), (BENEFITS, _("Benefits delivered"))],
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    investment = forms.DecimalField(
        label=_("Investment (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )


class ApprovalRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Approval"), choices=ApprovalKind.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
    )
    working_days = forms.IntegerField(
        label=_("Time limit (working days)"), min_value=1, max_value=120
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ApprovalState.APPROVED, _("Approve")), (ApprovalState.REFUSED, _("Refuse"))],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SuperviseForm(forms.Form):
    note = forms.CharField(label=_("Supervision order"), max_length=500)


class SessionForm(forms.Form):
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ResourceForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    area_sqm = forms.DecimalField(label=_("Area (m²)"), max_digits=12, decimal_places=2)
    rights = forms.CharField(label=_("Rights"), max_length=100, required=False)
    asking_rent = forms.DecimalField(
        label=_("Asking rent (yuan a year)"), max_digits=12, decimal_places=2
    )
    owner_name = forms.CharField(label=_("Owner"), max_length=50)
    owner_id_number = forms.CharField(label=_("Owner's ID number"), max_length=18, required=False)
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=20, required=False)

    def __init__(self, *args: Any, villages: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows for mypy
        field.queryset = villages


class LeaseForm(forms.Form):
    lessee = forms.CharField(label=_("Lessee"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=100, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    annual_rent = forms.DecimalField(
        label=_("Rent (yuan a year)"), min_value=0, max_digits=12, decimal_places=2
    )


class IdleSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *ResourceKind.choices], required=False
    )
    town = forms.ModelChoiceField(
        label=_("Town"),
        queryset=Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.STREET], is_active=True),
        required=False,
    )
    max_rent = forms.DecimalField(
        label=_("Rent at most (yuan a year)"), required=False, min_value=0
    )
    min_area = forms.DecimalField(label=_("Area at least (m²)"), required=False, min_value=0)


class InterestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.CharField(label=_("Your phone"), max_length=20)
    message = forms.CharField(
        label=_("What you would use it for"), max_length=1000, required=False, widget=forms.Textarea
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Contact phone"), max_length=20)


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(label=_("Code from the text message"), max_length=6, min_length=6)


class OfferForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=OfferCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    rate = forms.DecimalField(
        label=_("Rate (% a year)"), required=False, max_digits=5, decimal_places=2
    )
    ceiling = forms.DecimalField(
        label=_("Ceiling (yuan)"), required=False, max_digits=14, decimal_places=2
    )
    term_months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=1)
    conditions = forms.CharField(label=_("Conditions"), max_length=500, required=False)
    answer_days = forms.IntegerField(label=_("Answer within (working days)"), initial=3)


class AnswerForm(forms.Form):
    booking = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), max_length=1000)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)
