"""Administrators edit checklists here: saving a checklist's questions adds a new version
(through `checklist_revise`), so visits answered on an older version keep it. Links and
visits are shown read-only: they change only through the services (a link ends, never goes)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import User
from sanfu.lib.errors import ApplicationError
from sanfu.outreach.models import ChecklistTemplate, ChecklistVersion, Link, Visit
from sanfu.outreach.services import checklist_revise


class ChecklistForm(forms.ModelForm):  # type: ignore[type-arg]
    questions = forms.CharField(
        label=_("questions"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("One question a line: key, a colon, the question. Saving adds a version."),
    )

    class Meta:
        model = ChecklistTemplate
        fields = ("code", "name", "kind")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.versions.order_by("-number").first() if self.instance.pk else None
        if current is not None:
            self.initial["questions"] = "\n".join(
                f"{question['key']}: {question['text']}" for question in current.questions
            )

    def clean_questions(self) -> list[dict[str, str]]:
        questions = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            key, colon, text = line.partition(":")
            if not colon:
                raise forms.ValidationError(_("Each line needs a key, a colon and a question."))
            questions.append({"key": key.strip(), "text": text.strip()})
        return questions


class VersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChecklistVersion
    extra = 0
    can_delete = False
    readonly_fields = ("number", "shown_questions", "created_at")
    fields = readonly_fields

    @admin.display(description=_("questions"))
    def shown_questions(self, version: ChecklistVersion) -> str:
        return json.dumps(version.questions, ensure_ascii=False)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ChecklistForm
    list_display = ("code", "name", "kind")
    inlines = (VersionInline,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user = request.user
        assert isinstance(user, User)  # noqa: S101 - the admin requires a staff login
        current = obj.versions.order_by("-number").first()
        questions = form.cleaned_data["questions"]
        if current is not None and current.questions == questions:
            return
        try:
            checklist_revise(actor=user, template_id=obj.pk, questions=questions)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "place", "starts_on", "ends_on", "cadence_count", "cadence_period")
    list_filter = ("role", "target_kind", "cadence_period")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(LinkAdmin):
    list_display = ("__str__", "visitor", "visited_at", "outside_term")  # type: ignore[assignment]
    list_filter = ("outside_term",)  # type: ignore[assignment]
