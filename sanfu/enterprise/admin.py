"""Policies and the service menu in Django's admin, for administrators.

Forms check through the services' own checks and saving calls the services, so the admin
cannot write what the workbench would refuse. Policies are listed to the staff of the issuing
unit (or above); providers and offers county-wide, approved only by county staff (the
services refuse anybody else). Administrators are county staff (directory.backends). Offers are
written by their providers (the rate is theirs to state, in the legal range): here they are
read and approved, never edited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanfu.directory.models import EnterpriseSize, Industry, Unit, UnitKind, User
from sanfu.enterprise.models import Offer, Policy, Provider, TaxGrade
from sanfu.enterprise.policies import issuing_units, menu_counties
from sanfu.enterprise.services import menu
from sanfu.enterprise.services.policies import (
    PolicySpec,
    policy_check,
    policy_create,
    policy_update,
)
from sanfu.lib.errors import ApplicationError


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin requires a staff login
    return user


def _show(form: forms.BaseForm, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class PolicyForm(forms.ModelForm[Policy]):
    industries = forms.MultipleChoiceField(
        label=_("industries"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sizes = forms.MultipleChoiceField(
        label=_("sizes"),
        choices=EnterpriseSize.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tax_grades = forms.MultipleChoiceField(
        label=_("tax credit grades"),
        choices=TaxGrade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Policy
        fields = [
            "code",
            "name",
            "issuing_unit",
            "starts_on",
            "ends_on",
            "facts_year",
            "industries",
            "sizes",
            "towns",
            "min_revenue",
            "max_revenue",
            "min_employees",
            "max_employees",
            "tax_grades",
            "benefit_kind",
            "benefit_text",
            "amount",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.spec = policy_check(
                PolicySpec(**{**data, "towns": list(data.get("towns") or [])}),
                existing=self.instance if self.instance.pk else None,
            )
        except ApplicationError as error:
            _show(self, error)
        return data


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin[Policy]):
    form = PolicyForm
    list_display = ["code", "name", "issuing_unit", "starts_on", "ends_on", "active"]
    list_filter = ["active", "benefit_kind"]
    search_fields = ["code", "name"]
    list_select_related = ["issuing_unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Policy]:
        return Policy.objects.reviewable_by(request.user)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "issuing_unit":
            kwargs["queryset"] = issuing_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "towns":
            kwargs["queryset"] = Unit.objects.filter(
                kind__in=[UnitKind.TOWN, UnitKind.STREET], is_active=True
            ).order_by("path")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        spec: PolicySpec = form.spec
        if change:
            saved = policy_update(actor=_user(request), policy_id=obj.pk, spec=spec)
        else:
            saved = policy_create(**vars(spec))
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service has set the towns; the form's own m2m save would only repeat it.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Benefits and review decisions refer to the policy: end its period or deactivate it.
        return False


class OfferInline(admin.TabularInline[Offer, Provider]):
    model = Offer
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "title",
        "category",
        "rate",
        "ceiling",
        "term_months",
        "answer_days",
        "approved_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProviderForm(forms.ModelForm[Provider]):
    class Meta:
        model = Provider
        fields = ["county", "name", "kind", "phone", "account"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    form = ProviderForm
    list_display = ["name", "county", "kind", "phone", "approved_at"]
    list_filter = ["county", "kind"]
    search_fields = ["name"]
    readonly_fields = ["approved_at"]
    inlines = [OfferInline]
    actions = ["approve_providers", "approve_offers"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Bookings refer to the provider's offers; a provider is withdrawn, never deleted.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        # Staff see the providers of the counties whose menu they administer.
        return super().get_queryset(request).filter(county__in=menu_counties(_user(request)))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "county":
            kwargs["queryset"] = menu_counties(_user(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Provider, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        saved = menu.provider_create(
            county=data["county"],
            name=data["name"],
            kind=data["kind"],
            account=data["account"],
            phone=data["phone"],
        )
        obj.pk = saved.pk

    @admin.action(description=_("Approve the selected providers"))
    def approve_providers(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            menu.provider_approve(actor=_user(request), provider_id=provider.pk)
        self.message_user(request, _("Approved."), messages.SUCCESS)

    @admin.action(description=_("Approve the offers of the selected providers"))
    def approve_offers(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        offers = Offer.objects.filter(provider__in=queryset, approved_at__isnull=True)
        for offer in offers:
            menu.offer_approve(actor=_user(request), offer_id=offer.pk)
        self.message_user(request, _("Approved."), messages.SUCCESS)
