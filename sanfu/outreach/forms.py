"""The outreach forms: parse what the phone sends into the services' inputs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import Enterprise, Unit
from sanfu.outreach.models import ChecklistVersion
from sanfu.outreach.services import NewProblem, NewVisit, Photo

PROBLEM_SLOTS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class VisitForm(forms.Form):
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    visited_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    where = forms.CharField(label=_("Where"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    companions = forms.CharField(label=_("Who went"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, checklist: ChecklistVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4().hex)
            self.initial.setdefault(
                "visited_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        for question in checklist.questions if checklist else ():
            self.fields[f"answer_{question['key']}"] = forms.CharField(
                label=question["text"],
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "answer"}),
            )
        for slot in range(1, PROBLEM_SLOTS + 1):
            self.fields[f"problem_{slot}"] = forms.CharField(
                label=_("Problem found"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"problem_{slot}_spot"] = forms.BooleanField(
                label=_("Solved on the spot"), required=False
            )
            self.fields[f"problem_{slot}_solution"] = forms.CharField(
                label=_("How it was solved"), required=False, max_length=2000
            )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("answer_")]

    def problem_slots(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                self[f"problem_{slot}"],
                self[f"problem_{slot}_spot"],
                self[f"problem_{slot}_solution"],
            )
            for slot in range(1, PROBLEM_SLOTS + 1)
        ]

    def new_visit(self, *, link_id: int, photos: Sequence[UploadedFile]) -> NewVisit:
        data = self.cleaned_data
        answers = {
            name.removeprefix("answer_"): value
            for name, value in data.items()
            if name.startswith("answer_")
        }
        problems = [
            NewProblem(
                text=data[f"problem_{slot}"],
                solved_on_the_spot=data[f"problem_{slot}_spot"],
                solution=data[f"problem_{slot}_solution"],
            )
            for slot in range(1, PROBLEM_SLOTS + 1)
            if data[f"problem_{slot}"].strip()
        ]
        return NewVisit(
            link_id=link_id,
            client_key=data["client_key"],
            visited_at=data["visited_at"],
            where=data["where"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            companions=data["companions"],
            answers=answers,
            notes=data["notes"],
            photos=[Photo(name=upload.name or "photo", content=upload.read()) for upload in photos],
            problems=problems,
        )


class WindowForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "2026-11", "size": 9}),
    )


class RosterForm(forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx or .csv)"))


class PlanItemForm(forms.Form):
    need = forms.CharField(
        label=_("What the enterprise needs"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.ModelChoiceField(label=_("Who owes it"), queryset=Unit.objects.none())
    due_on = forms.DateField(label=_("By when"), widget=forms.DateInput(attrs={"type": "date"}))
    as_case = forms.BooleanField(label=_("Also a case in the loop"), required=False)

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = owners


class ServiceDayForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label=_("Organised by"), queryset=Unit.objects.none())
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises that came"), queryset=Enterprise.objects.none(), required=False
    )
    attendance_note = forms.CharField(label=_("Others who came"), max_length=500, required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Unit], enterprises: QuerySet[Enterprise], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        unit_field.queryset = units
        enterprise_field = self.fields["enterprises"]
        assert isinstance(enterprise_field, forms.ModelMultipleChoiceField)  # noqa: S101
        enterprise_field.queryset = enterprises


class DayProblemForm(forms.Form):
    text = forms.CharField(
        label=_("Problem raised"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    solution = forms.CharField(
        label=_("Solved on the spot: how"),
        max_length=2000,
        required=False,
        help_text=_("Leave empty to turn the problem into a case."),
    )

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = enterprises
