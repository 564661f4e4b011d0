"""The directory in Django's admin, for administrators, scoped to what they may see.

Forms validate through the same check functions the services use, and saving calls the
services, so the admin cannot write what the rest of the system would refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sanfu.directory import services
from sanfu.directory.logins import login_unlock
from sanfu.directory.models import (
    Enterprise,
    Household,
    LoginThrottle,
    Membership,
    Resident,
    Unit,
    User,
)
from sanfu.lib.errors import ApplicationError
from sanfu.lib.idnumber import id_number_require, mask_id_number
from sanfu.lib.treepath import path_depth

admin.site.site_header = _("Sanfu administration")
admin.site.site_title = _("Sanfu")
admin.site.index_title = _("Directory and settings")


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class ScopedAdmin(admin.ModelAdmin[Any]):
    """Lists and foreign-key choices come only from what the administrator may see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.visible_to(request.user)  # type: ignore[no-any-return]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Directory rows are referenced by cases and history: deactivate, never delete.
        return False


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = ["kind", "name", "code", "parent", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            spec = services.unit_check(
                kind=self.instance.kind if self.instance.pk else data["kind"],
                name=data["name"],
                code=data["code"],
                parent=data.get("parent"),
            )
        except ApplicationError as error:
            add_application_error(self, error)
        else:
            data["name"], data["code"] = spec.name, spec.code
        return data


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitForm
    list_display = ["tree_name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    list_per_page = 200
    readonly_fields = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The kind decides where a unit may stand; changing it would break its children.
        return ["kind", "path"] if obj is not None else ["path"]

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, unit: Unit) -> str:
        indent = max(path_depth(unit.path) - 1, 0) * 2
        return format_html(
            '<span style="padding-left:{}em;white-space:nowrap">{}</span>', indent, unit.name
        )

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.unit_update(
                unit=obj,
                name=data["name"],
                code=data["code"],
                parent=data.get("parent"),
                is_active=data["is_active"],
            )
        else:
            saved = services.unit_create(
                kind=data["kind"], name=data["name"], code=data["code"], parent=data.get("parent")
            )
        obj.pk, obj.path = saved.pk, saved.path


class MembershipInlineForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["unit", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit") and data.get("role"):
            try:
                services.membership_check(unit=data["unit"], role=data["role"])
            except ApplicationError as error:
                add_application_error(self, error)
        return data


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    form = MembershipInlineForm
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "phone", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        visible_units = Unit.objects.visible_to(request.user)
        # New accounts have no role yet; an administrator must be able to give them one.
        return users.filter(
            Q(memberships__unit__in=visible_units) | Q(memberships__isnull=True),
            is_superuser=False,
        ).distinct()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Roles change through the services; the admin's change log reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                services.membership_revoke(membership=deleted.instance)
                formset.deleted_objects.append(deleted.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if inline_form.instance.pk:
                services.membership_revoke(membership=inline_form.instance)
            granted = services.membership_grant(
                user=form.instance, unit=data["unit"], role=data["role"]
            )
            formset.new_objects.append(granted)


class EnterpriseForm(forms.ModelForm[Enterprise]):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "town",
            "village",
            "industry",
            "size",
            "address",
            "contact_name",
            "contact_phone",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["credit_code"] = services.credit_code_clean(data["credit_code"])
            services.enterprise_check_location(town=data["town"], village=data.get("village"))
        except ApplicationError as error:
            add_application_error(self, error)
        return data


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    form = EnterpriseForm
    list_display = ["name", "credit_code", "town", "industry", "size"]
    list_filter = ["industry", "size"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["town"]
    autocomplete_fields = ["town", "village"]

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        services.enterprise_update(enterprise=obj, **form.cleaned_data)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["number", "village", "grid", "address"]
    search_fields = ["number", "address"]
    list_select_related = ["village", "grid"]
    autocomplete_fields = ["village", "grid"]


class ResidentForm(forms.ModelForm[Resident]):
    class Meta:
        model = Resident
        fields = ["name", "id_number", "phone", "address", "village", "household", "relation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["id_number"] = id_number_require(data["id_number"]).number
            services.resident_check_location(
                village=data["village"], household=data.get("household")
            )
        except ApplicationError as error:
            add_application_error(self, error)
        return data


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    form = ResidentForm
    list_display = ["name", "masked_id_number", "sex", "birth_date", "village"]
    list_filter = ["sex"]
    search_fields = ["name", "=id_number", "phone"]
    list_select_related = ["village"]
    autocomplete_fields = ["village", "household"]
    readonly_fields = ["birth_date", "sex"]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, resident: Resident) -> str:
        return mask_id_number(resident.id_number)

    def save_model(self, request: HttpRequest, obj: Resident, form: Any, change: bool) -> None:
        _resident, warnings = services.resident_update(resident=obj, **form.cleaned_data)
        for warning in warnings:
            messages.warning(request, warning)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin[LoginThrottle]):
    """Accounts and addresses whose password tries are counted; unlocking lets them try now."""

    list_display = ("kind", "key", "tries", "window_started_at", "last_try_at")
    list_filter = ("kind",)
    search_fields = ("key",)
    ordering = ("-last_try_at",)
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Unlock: let them log in again now"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        count = login_unlock(throttle_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d unlocked.") % {"count": count}, messages.SUCCESS)
