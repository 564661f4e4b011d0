"""Forms of the assistance pages: they parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanfu.assistance import rules
from sanfu.assistance.imports.fields import DEFAULTABLE, FIELDS
from sanfu.assistance.models import (
    ColumnMapping,
    FindingKind,
    FindingState,
    Need,
    Programme,
    Status,
)
from sanfu.directory.models import TOWN_KINDS, Unit

MAX_UPLOAD_BYTES = 64 * 1024 * 1024


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Source body"))
    mapping = forms.ModelChoiceField(
        queryset=ColumnMapping.objects.none(),
        label=_("Column mapping"),
        required=False,
        empty_label=_("Recognise the usual column headers"),
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args: Any, bodies: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        mapping = self.fields["mapping"]
        assert isinstance(source, forms.ModelChoiceField)  # noqa: S101 - narrows for mypy
        assert isinstance(mapping, forms.ModelChoiceField)  # noqa: S101
        source.queryset = bodies
        mapping.queryset = ColumnMapping.objects.filter(source__in=bodies).select_related("source")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 64 MB."))
        return upload


class MappingForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Source body"))
    name = forms.CharField(label=_("Mapping name"), max_length=50)

    def __init__(self, *args: Any, bodies: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)  # noqa: S101 - narrows for mypy
        source.queryset = bodies
        for field in FIELDS:
            self.fields[f"col_{field.name}"] = forms.CharField(
                label=str(field.label),
                required=False,
                max_length=100,
                help_text=_("Their column header"),
            )
        for name in sorted(DEFAULTABLE):
            label = next(f.label for f in FIELDS if f.name == name)
            self.fields[f"default_{name}"] = forms.CharField(
                label=_("%(field)s for the whole file") % {"field": label},
                required=False,
                max_length=100,
            )

    def columns(self) -> dict[str, str]:
        return {
            f.name: self.cleaned_data[f"col_{f.name}"].strip()
            for f in FIELDS
            if self.cleaned_data.get(f"col_{f.name}", "").strip()
        }

    def defaults(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"default_{name}"].strip()
            for name in DEFAULTABLE
            if self.cleaned_data.get(f"default_{name}", "").strip()
        }


class FindingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *FindingKind.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All states")), *FindingState.choices],
        required=False,
        initial=FindingState.OPEN,
    )
    need = forms.ChoiceField(
        label=_("Need"), choices=[("", _("All needs")), *Need.choices], required=False
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (FindingState.CONFIRMED, _("Confirm: the aid must be corrected")),
            (FindingState.DISMISSED, _("Dismiss: the finding is wrong or justified")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class ApplyForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    # "Name" alone is a thing's name (名称) in other apps' catalogues, which win the merge.
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    town = forms.ModelChoiceField(
        queryset=Unit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("path"),
        label=_("Town or sub-district where you live"),
        required=False,
    )
    income_per_head = forms.DecimalField(
        label=_("Monthly household income per head (yuan)"),
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        required=False,
    )
    disability_grade = forms.TypedChoiceField(
        label=_("Disability certificate grade"),
        choices=[("", _("None")), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    statuses = forms.MultipleChoiceField(
        label=_("Registered status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Anything else the body should know"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def facts(self) -> rules.Facts:
        data = self.cleaned_data
        return rules.Facts(
            statuses=frozenset(data.get("statuses") or ()),
            disability_grade=data.get("disability_grade"),
            income_per_head=data.get("income_per_head"),
        )
