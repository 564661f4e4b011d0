"""Administrators maintain routing rules; suggestions and choices are a read-only record."""

from django import forms
from django.contrib import admin

from sanfu.lib.errors import ValidationFailed
from sanfu.routing.models import Choice, Rule, Suggestion
from sanfu.routing.services import keywords_normalise


class RuleForm(forms.ModelForm[Rule]):
    """The keywords as the rule will match them, checked as `rule_create` checks them."""

    class Meta:
        model = Rule
        fields = ["keywords", "category", "lead_unit", "area", "is_active", "note"]

    def clean_keywords(self) -> str:
        try:
            return keywords_normalise(self.cleaned_data.get("keywords") or "")
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin[Rule]):
    form = RuleForm
    list_display = ["keywords", "category", "lead_unit", "area", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["keywords", "note"]
    autocomplete_fields = ["category", "lead_unit", "area"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin[Suggestion]):
    list_display = ["case", "kind", "source", "rank", "label", "unit", "confidence", "chosen", "at"]
    list_filter = ["kind", "source", "chosen"]
    raw_id_fields = ["case", "category", "unit", "rule"]
    date_hierarchy = "at"

    def has_add_permission(self, request: object) -> bool:
        # Suggestions are a record of what the system said; nobody writes them by hand.
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin[Choice]):
    list_display = ["case", "category", "lead_unit", "actor", "at"]
    raw_id_fields = ["case", "category", "lead_unit", "actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
