"""Open311 clients, staff API tokens and Open311 questions in the admin.

A new key or token is shown once, on the page right after it is made, and never stored in
plain text: not in the database, not in a message cookie.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfu.api import keys
from sanfu.api.models import (
    LIST_DATATYPES,
    ApiClient,
    ServiceAttribute,
    StaffToken,
)
from sanfu.api.open311.services import BUILT_IN_CODES
from sanfu.directory.querysets import scope_paths


def _show_secret(request: HttpRequest, obj: Any, secret: str, label: str) -> HttpResponse:
    return TemplateResponse(
        request,
        "api/admin/secret_created.html",
        {"object": obj, "secret": secret, "label": label, "title": label},
    )


class ApiClientForm(forms.ModelForm[ApiClient]):
    class Meta:
        model = ApiClient
        fields = ["name", "note"]

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name", "")).strip()
        live = ApiClient.objects.filter(name=name, revoked_at__isnull=True)
        if self.instance.pk is None and live.exists():
            raise ValidationError(_("This client already has a live key; revoke it first."))
        return name


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin[ApiClient]):
    form = ApiClientForm
    list_display = ["name", "key_prefix", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name"]
    fields = ["name", "note", "key_prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "name"] if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["note"])
            return
        client, key = keys.api_client_create(name=obj.name, note=obj.note)
        obj.pk = client.pk
        request._sanfu_new_secret = key  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiClient, post_url_continue: Any = None
    ) -> HttpResponse:
        return _show_secret(request, obj, request._sanfu_new_secret, str(_("New API key")))  # type: ignore[attr-defined]

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(count)d keys revoked.") % {"count": count})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Submissions refer to their client: revoke, never delete.
        return False


class StaffTokenForm(forms.ModelForm[StaffToken]):
    class Meta:
        model = StaffToken
        fields = ["user", "name", "expires_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, expires_at = data.get("user"), data.get("expires_at")
        if self.instance.pk is None and user is not None and not user.is_active:
            self.add_error("user", _("This account is disabled."))
        if expires_at is not None and expires_at <= timezone.now():
            self.add_error("expires_at", _("The expiry must lie in the future."))
        return data


@admin.register(StaffToken)
class StaffTokenAdmin(admin.ModelAdmin[StaffToken]):
    form = StaffTokenForm
    list_display = ["user", "name", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "user__full_name", "name"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffToken]:
        # A county administrator manages the tokens of staff with a role in their county.
        tokens = super().get_queryset(request).select_related("user")
        paths = scope_paths(request.user)
        if paths is None:
            return tokens
        in_scope = Q(pk__in=[])
        for path in paths:
            in_scope |= Q(user__memberships__unit__path__descendant=path)
        return tokens.filter(pk__in=StaffToken.objects.filter(in_scope).values("pk"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = [*self.readonly_fields, "user", "name"]
        return fixed if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: StaffToken, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["expires_at"])
            return
        row, token = keys.staff_token_create(
            user=obj.user, name=obj.name, expires_at=obj.expires_at
        )
        obj.pk = row.pk
        request._sanfu_new_secret = token  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: StaffToken, post_url_continue: Any = None
    ) -> HttpResponse:
        return _show_secret(request, obj, request._sanfu_new_secret, str(_("New API token")))  # type: ignore[attr-defined]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[StaffToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(count)d tokens revoked.") % {"count": count})


class ServiceAttributeForm(forms.ModelForm[ServiceAttribute]):
    class Meta:
        model = ServiceAttribute
        fields = [
            "category",
            "code",
            "description",
            "datatype",
            "datatype_description",
            "required",
            "variable",
            "order",
            "values",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("code") in BUILT_IN_CODES:
            self.add_error("code", _("This code is one of the questions every service asks."))
        values = data.get("values")
        if data.get("datatype") in LIST_DATATYPES:
            if not _choices_ok(values):
                self.add_error(
                    "values", _('List answers need choices: [{"key": "1", "name": "…"}, …].')
                )
        elif values:
            self.add_error("values", _("Only list answers have choices."))
        return data


def _choices_ok(values: Any) -> bool:
    if not isinstance(values, list) or not values:
        return False
    keys_seen = [item.get("key") for item in values if isinstance(item, dict)]
    return (
        len(keys_seen) == len(values)
        and all(isinstance(key, str) and key for key in keys_seen)
        and len(set(keys_seen)) == len(keys_seen)
        and all(isinstance(item.get("name"), str) and item["name"] for item in values)
    )


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin[ServiceAttribute]):
    form = ServiceAttributeForm
    list_display = ["code", "category", "description", "datatype", "required", "order"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__name", "category__code"]
    autocomplete_fields = ["category"]
