"""The workbench's forms. They parse and offer choices; the case services decide."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import (
    DESCRIPTION_MAX,
    LOCAL_CHANNELS,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Case,
    CaseState,
    Category,
    Channel,
    Priority,
    Rating,
    ReplyKind,
    RequesterKind,
    ReturnReason,
)
from sanfu.cases.publication import PublicTexts, case_public_draft, public_texts_final
from sanfu.directory.models import Unit, UnitKind, User
from sanfu.lib.forms import LimitedTextField
from sanfu.workbench.selectors.dashboard import (
    RANK_LABELS,
    Rank,
    dashboard_units,
    default_unit,
)
from sanfu.workbench.selectors.queues import SORT_LABELS, CaseFilters, Sort
from sanfu.workbench.widgets import FastSelect

INTAKE_CHANNELS = [Channel.HOTLINE, *sorted(LOCAL_CHANNELS)]


@functools.cache
def _kind_labels(language: str | None) -> dict[str, str]:
    return {str(value): str(label) for value, label in UnitKind.choices}


def unit_label(unit: Unit) -> str:
    # get_kind_display() hashes every lazy choice label on each call: with a county's units
    # in a list that was a tenth of the page's time. The labels are translated once per language.
    labels = _kind_labels(get_language())
    return f"{unit.name} · {labels.get(unit.kind, unit.kind)}"


class UnitField(forms.ModelChoiceField[Unit]):
    widget = FastSelect

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


class UnitsField(forms.ModelMultipleChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


class CategoryField(forms.ModelChoiceField[Category]):
    widget = FastSelect

    def label_from_instance(self, obj: Category) -> str:
        return "　" * (obj.level - 1) + obj.name


def categories(*, levels: tuple[int, ...] = (1, 2, 3)) -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, level__in=levels).order_by("code")


def _text(label: Any, limit: int, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return LimitedTextField(
        label=label,
        limit=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- lists ------------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or text"), max_length=100, required=False)
    unit = UnitField(
        label=_("Unit (with its subtree)"), queryset=Unit.objects.none(), required=False
    )
    category = CategoryField(
        label=_("Category"), queryset=categories(levels=(1, 2)), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *CaseState.choices], required=False
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"), choices=[(s.value, SORT_LABELS[s]) for s in Sort], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitField)  # noqa: S101 - narrows the type for mypy
        field.queryset = dashboard_units(user=user).order_by("path")

    def filters(self) -> CaseFilters:
        if not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data
        return CaseFilters(
            unit=data["unit"],
            category=data["category"],
            channel=data["channel"],
            state=data["state"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            search=data["q"].strip(),
            sort=Sort(data["sort"] or Sort.NEWEST),
        )


# --- actions on a case ----------------------------------------------------------------------


class NoteForm(forms.Form):
    note = _text(_("Note"), REASON_MAX, required=False)


class RequiredNoteForm(forms.Form):
    note = _text(_("Reason"), REASON_MAX)


class EmptyForm(forms.Form):
    pass


class AcceptForm(forms.Form):
    category = CategoryField(label=_("Category"), queryset=categories(), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class DispatchForm(forms.Form):
    lead_unit = UnitField(label=_("Lead unit"), queryset=Unit.objects.none())
    co_units = UnitsField(
        label=_("Co-handling units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    category = CategoryField(label=_("Category"), queryset=categories(), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    note = _text(_("Note"), REASON_MAX, required=False, rows=2)

    def __init__(self, *args: Any, targets: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
            field.queryset = targets.order_by("path")


class TransferForm(forms.Form):
    lead_unit = UnitField(label=_("New lead unit"), queryset=Unit.objects.none())
    co_units = UnitsField(
        label=_("Co-handling units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = _text(_("Reason"), REASON_MAX, rows=2)

    def __init__(self, *args: Any, targets: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
            field.queryset = targets.order_by("path")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the case service checks each one's type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files if one]


class UploadForm(forms.Form):
    attachments = MultipleFileField(label=_("Photos or PDF documents"), required=False)


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    note = _text(_("Explanation"), REASON_MAX, rows=2)


class EscalateForm(forms.Form):
    note = _text(_("Why it cannot be solved here"), REASON_MAX, rows=2)


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How it was solved"), choices=ReplyKind.choices, widget=forms.RadioSelect
    )
    text = _text(_("Reply to the requester"), TEXT_MAX, rows=4)


class PublishForm(forms.Form):
    """公示: the anonymised texts as they will appear, which the publisher reviews and may edit.

    Starts from the draft (publication.case_public_draft); `preview` is what would be
    published from the form's current texts."""

    title = forms.CharField(label=_("Public title"), max_length=TITLE_MAX)
    text = _text(_("Public request"), TEXT_MAX, rows=6)
    reply = _text(_("Public answer"), TEXT_MAX, rows=6)

    def __init__(self, data: Any = None, *, case: Case) -> None:
        self.draft = case_public_draft(case)
        # A prefix keeps its fields apart from the reply form's (`text`) on the same page.
        super().__init__(
            data,
            prefix="publish",
            initial={"title": self.draft.title, "text": self.draft.text, "reply": self.draft.reply},
        )
        self.requester_name = case.requester_name

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if any(name in self.errors for name in ("title", "text", "reply")):
            raise forms.ValidationError(
                _(
                    "Nothing is published without its texts: review the title, the request "
                    "and the answer as they will appear, then publish."
                )
            )
        return cleaned

    @property
    def preview(self) -> PublicTexts:
        if not self.is_bound or not self.is_valid():
            return self.draft
        data = self.cleaned_data
        return public_texts_final(
            title=data["title"],
            text=data["text"],
            reply=data["reply"],
            requester_name=self.requester_name,
        )


class CallbackForm(forms.Form):
    """回访: the requester's two answers, asked on the phone."""

    solved = forms.ChoiceField(
        label=_("Was the problem solved?"),
        choices=[("yes", _("Solved")), ("no", _("Not solved"))],
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(
        label=_("Satisfaction"), choices=Rating.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"), REASON_MAX, required=False)


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=60)
    reason = _text(_("Reason"), REASON_MAX, rows=2)


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("Note"), REASON_MAX, required=False, rows=2)


class SuperviseForm(forms.Form):
    instruction = _text(_("Instruction"), REASON_MAX, rows=2)
    days = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=30)


class SupervisionAnswerForm(forms.Form):
    order = forms.IntegerField(widget=forms.HiddenInput)
    answer = _text(_("Answer to the supervision order"), REASON_MAX, rows=2)


class MergeForm(forms.Form):
    master = forms.CharField(label=_("Number of the master case"), max_length=24)
    note = _text(_("Note"), REASON_MAX, required=False, rows=2)


class RejectForm(forms.Form):
    reason = _text(_("Reason the requester will read"), REASON_MAX, rows=2)


class OpinionForm(forms.Form):
    opinion = _text(_("Opinion for the lead unit"), TEXT_MAX, rows=3)


# --- intake -------------------------------------------------------------------------------


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Taken by"), choices=[(c.value, c.label) for c in INTAKE_CHANNELS]
    )
    requester_kind = forms.ChoiceField(
        label=_("Requester"), choices=RequesterKind.choices, initial=RequesterKind.RESIDENT
    )
    requester_name = forms.CharField(
        label=pgettext_lazy("person", "Name"), max_length=100, required=False
    )
    requester_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    requester_id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    location_unit = UnitField(label=_("Where"), queryset=Unit.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    category = CategoryField(label=_("Category"), queryset=categories(), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = _text(_("Description"), DESCRIPTION_MAX, rows=4)
    solved = forms.BooleanField(label=_("Solved on the spot"), required=False)
    reply = _text(_("How it was solved"), TEXT_MAX, required=False, rows=2)

    def __init__(self, *args: Any, places: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["location_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = places


# --- dashboard ----------------------------------------------------------------------------


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class DashboardForm(forms.Form):
    unit = UnitField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    start = forms.DateField(
        label=_("From month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label=_("To month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    # The whole tree, indented by level: every category is kept in the aggregates.
    category = CategoryField(label=_("Category"), queryset=categories(), required=False)
    rank = forms.ChoiceField(
        label=_("Rank by"), choices=[(r.value, RANK_LABELS[r]) for r in Rank], required=False
    )

    def __init__(self, data: Any, *, user: User) -> None:
        # What is not chosen takes its default, shown in the form: the person's topmost unit
        # and the last twelve months.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("unit"):
            unit = default_unit(user=user)
            data["unit"] = str(unit.pk) if unit else ""
        end = _this_month()
        data.setdefault("end", f"{end:%Y-%m}")
        data.setdefault("start", f"{_months_back(end, 11):%Y-%m}")
        super().__init__(data)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        field.queryset = dashboard_units(user=user).order_by("path")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        end = cleaned.get("end") or _this_month()
        start = cleaned.get("start") or _months_back(end, 11)
        if start > end:
            self.add_error("start", _("The first month comes after the last."))
        cleaned["start"], cleaned["end"] = start.replace(day=1), end.replace(day=1)
        cleaned["rank"] = Rank(cleaned.get("rank") or Rank.SATISFACTION)
        return cleaned


class DrillForm(DashboardForm):
    figure = forms.CharField(required=False)
    channel = forms.ChoiceField(choices=[("", "—"), *Channel.choices], required=False)
    page = forms.IntegerField(min_value=1, required=False)
