"""The portal's forms: they parse what a requester typed; the case services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import (
    DESCRIPTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    Category,
    Rating,
    RequesterKind,
)
from sanfu.cases.services import NewCase, Requester, Upload
from sanfu.cases.services.intake import MAX_ATTACHMENTS
from sanfu.directory.models import Unit
from sanfu.lib.files import MAX_UPLOAD_BYTES
from sanfu.lib.forms import LimitedTextField
from sanfu.lib.phones import phone_clean, phone_is_mobile
from sanfu.portal import selectors


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to six photos; their type is checked by content in the service, not by name."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(count)d photos.") % {"count": MAX_ATTACHMENTS})
        for upload in files:
            if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)d MB.")
                    % {"name": upload.name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
                )
        return files


class PlaceChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class CategoryChoiceField(forms.ModelChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        broad = obj.parent.parent.name if obj.parent and obj.parent.parent else ""
        return f"{obj.name}（{broad}）" if broad else obj.name


class SubmitForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label=_("Who is asking"),
        choices=RequesterKind.choices,
        initial=RequesterKind.RESIDENT,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(
        label=_("Your name, or the enterprise's"), max_length=100, required=False
    )
    requester_unit = PlaceChoiceField(
        label=_("Village or community you speak for"),
        queryset=selectors.villages(),
        required=False,
    )
    category_query = forms.CharField(
        label=_("Search the categories"), max_length=50, required=False
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=selectors.matters(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("I don't know; let the dispatch centre decide"),
    )
    title = LimitedTextField(label=_("Title"), limit=TITLE_MAX)
    text = LimitedTextField(
        label=_("What happened"), limit=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    town = PlaceChoiceField(label=_("Town or sub-district"), queryset=selectors.towns())
    village = PlaceChoiceField(
        label=_("Village or community"), queryset=selectors.villages(), required=False
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    photos = PhotosField(label=_("Photos"), required=False)
    requester_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    confidential = forms.BooleanField(
        label=_("Do not publish my request, even anonymised"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        town, village = cleaned.get("town"), cleaned.get("village")
        if town is not None and village is not None and not village.path.startswith(town.path):
            self.add_error("village", _("This village is not in the town you chose."))
        return cleaned

    def new_case(self, *, channel: str) -> NewCase:
        data = self.cleaned_data
        return NewCase(
            channel=channel,
            title=data["title"],
            text=data["text"],
            location_unit=data["village"] or data["town"],
            address=data["address"],
            category=data["category"],
            confidential=data["confidential"],
            requester=Requester(
                kind=data["requester_kind"],
                name=""
                if data["requester_kind"] == RequesterKind.ANONYMOUS
                else data["requester_name"],
                phone=data["requester_phone"],
                unit=data["requester_unit"],
            ),
            attachments=[
                Upload(name=f.name or "photo", content=f.read(), content_type=f.content_type or "")
                for f in data["photos"]
            ],
        )


class TrackForm(forms.Form):
    """The long tracking code, as older receipts and links carry it."""

    number = forms.CharField(label=_("Case number"), max_length=24)
    code = forms.CharField(label=_("Tracking code"), max_length=64)


class TrackByPhoneForm(forms.Form):
    """The case number and the phone number given with it; then the code texted to it."""

    number = forms.CharField(label=_("Case number"), max_length=24)
    phone = forms.CharField(
        label=_("The phone number you gave"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip()

    def clean_phone(self) -> str:
        try:
            phone = phone_clean(self.cleaned_data["phone"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if not phone_is_mobile(phone):
            raise forms.ValidationError(_("Codes are sent by text message: give a mobile number."))
        return phone


SOLVED_CHOICES = [("yes", _("Yes, it was solved")), ("no", _("No, it was not solved"))]


class RateForm(forms.Form):
    # The two questions of a hotline callback: the figures count both answers.
    solved = forms.ChoiceField(
        label=_("Was your problem solved?"), choices=SOLVED_CHOICES, widget=forms.RadioSelect
    )
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = LimitedTextField(
        label=_("Comment"),
        limit=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishedFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    town = PlaceChoiceField(
        label=_("Town or sub-district"),
        queryset=selectors.towns(),
        required=False,
        empty_label=_("All towns"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=selectors.broad_categories(),
        required=False,
        empty_label=_("All categories"),
    )
    month = forms.DateField(
        label=_("Month answered"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
