"""The front door's forms: they parse and check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Category
from sanfu.directory.models import Unit
from sanfu.frontdoor.models import Outcome, QuestionKind
from sanfu.frontdoor.models.surveys import SurveyPurpose


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a service"), max_length=40, required=False)


class ImportForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))

    def __init__(self, *args: Any, counties: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["county"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = counties
        if counties.count() == 1:
            field.initial = counties.first()


class ServiceForm(forms.Form):
    """One service, checked by the same rules as a row of an imported sheet."""

    name = forms.CharField(label=_("Service name"), max_length=100)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Unit.objects.none())
    keywords = forms.CharField(label=_("Other names"), max_length=200, required=False)
    materials = forms.CharField(
        label=_("What to bring"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    steps = forms.CharField(
        label=_("What to do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_days = forms.IntegerField(label=_("Legal time limit (working days)"), min_value=1)
    fees = forms.CharField(label=_("Fees"), max_length=100, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    mobile = forms.BooleanField(label=_("On a phone"), required=False)
    zero_visit = forms.BooleanField(label=_("Zero visits"), required=False)
    one_visit = forms.BooleanField(label=_("At most one visit"), required=False)

    def __init__(self, *args: Any, providers: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = providers

    def as_table_rows(self) -> list[list[str]]:
        """The header and the one row an import of this service would read."""
        from sanfu.frontdoor.catalogue import FLAGS, HEADERS

        data = self.cleaned_data
        values = {column: str(data[column] or "") for column in HEADERS if column not in FLAGS}
        values["provider"] = data["provider"].code
        values.update({flag: "是" if data[flag] else "否" for flag in FLAGS})
        return [[names[0] for names in HEADERS.values()], [values[c] for c in HEADERS]]


class SurveyForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Unit.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    anonymous_allowed = forms.BooleanField(label=_("Allow anonymous answers"), required=False)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=SurveyPurpose.choices,
        initial=SurveyPurpose.POLL,
        required=False,
        help_text=_("A follow-up survey's question 1 must be 满意 / 基本满意 / 不满意."),
    )

    def __init__(self, *args: Any, areas: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = areas

    def clean_purpose(self) -> str:
        return str(self.cleaned_data.get("purpose") or SurveyPurpose.POLL)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    label_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300)
    label_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: 中文 | English. Only for choice questions."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)


class ReportForm(forms.Form):
    person_name = forms.CharField(label=_("Name of the person you report"), max_length=50)
    person_post = forms.CharField(label=_("Their post"), max_length=100, required=False)
    person_unit = forms.ModelChoiceField(
        label=_("Their unit"), queryset=Unit.objects.none(), required=False
    )
    content = forms.CharField(
        label=_("What you report"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"), max_length=20, required=False
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = units
        # The services name what is missing; the browser should not pre-empt them.
        self.fields["person_name"].required = False
        self.fields["content"].required = False


class StepForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(forms.Form):
    how = forms.CharField(label=_("How the cadre gave consent"), max_length=200)


class NoticeForm(forms.Form):
    notice = forms.CharField(label=_("Clearing notice"), widget=forms.Textarea(attrs={"rows": 5}))


class MeetingForm(forms.Form):
    record = forms.CharField(label=_("Meeting record"), widget=forms.Textarea(attrs={"rows": 4}))


class ModuleMapForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to unmap: the category's cases then stay with the town."),
    )

    def __init__(self, *args: Any, modules: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        module = self.fields["module"]
        assert isinstance(category, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(module, forms.ModelChoiceField)  # noqa: S101
        category.queryset = Category.objects.filter(level__lte=2, is_active=True).order_by("code")
        module.queryset = modules
