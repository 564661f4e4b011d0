"""The cases app in Django's admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sanfu.cases import queue
from sanfu.cases.models import (
    BackgroundTask,
    CalendarDay,
    CalendarYear,
    Case,
    CaseEvent,
    Category,
    PersonalDataAccess,
    Sla,
    TaskState,
)
from sanfu.directory.querysets import scope_paths

# --- calendar ---
# Next year's schedule is announced in late autumn, often before the holiday package knows it:
# administrators enter its days here, then add the year to confirm it.


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        # The usual slip when copying a notice is a date off by one; the weekday shows it.
        return date_format(obj.date, "D")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source", "loaded_at"]
    readonly_fields = ["loaded_at"]
    ordering = ["year"]


# --- catalogue ---
# Administrators maintain the categories, their default units and time limits here.


class SlaInline(admin.TabularInline[Sla, Category]):
    model = Sla
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["code", "name", "level", "village_level_ok", "is_active"]
    list_filter = ["level", "village_level_ok", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    filter_horizontal = ["default_units"]
    autocomplete_fields = ["parent"]
    inlines = [SlaInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cases keep their category forever; retire a category instead.
        return False


@admin.register(Sla)
class SlaAdmin(admin.ModelAdmin[Sla]):
    list_display = ["category", "priority", "sign_hours", "reply_days"]
    list_filter = ["priority"]
    autocomplete_fields = ["category"]


# --- cases: read-only ---
# Cases change only through the loop's actions (the workbench and the API), never by editing
# rows here; administrators look them up, within their own county.


class EventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    fields = readonly_fields = (
        "at",
        "kind",
        "actor",
        "actor_unit",
        "from_state",
        "to_state",
        "note",
    )
    extra = 0
    can_delete = False
    ordering = ["at", "id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["number", "title", "state", "channel", "lead_unit", "received_at"]
    list_filter = ["state", "channel", "priority", "reply_clock"]
    search_fields = ["=number", "title"]
    date_hierarchy = "received_at"
    list_select_related = ["lead_unit"]
    inlines = [EventInline]
    exclude = ["tracking_token", "requester_id_number", "requester_phone"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return Case.objects.visible_to(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- personal data log ---
# Who read which requester's unmasked data, through the workbench or the API: for auditors.


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin[PersonalDataAccess]):
    list_display = ["at", "user", "case", "via", "fields"]
    list_filter = ["via", "at"]
    search_fields = ["user__username", "case__number"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PersonalDataAccess]:
        # An administrator reviews the reads of their own county's cases.
        reads = super().get_queryset(request).select_related("user", "case")
        paths = scope_paths(request.user)
        if paths is None:
            return reads
        in_scope = Q(pk__in=[])
        for path in paths:
            in_scope |= Q(case__county__path__descendant=path)
        return reads.filter(in_scope)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- background queue ---
# The operators' page: tasks that failed or wait for a retry, with their error, and a retry.


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("failed", _("Failed")), ("retrying", _("Waiting for a retry"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "failed":
            return queryset.filter(state=TaskState.FAILED)
        if self.value() == "retrying":
            return queryset.filter(state=TaskState.PENDING, attempts__gt=0)
        return queryset


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin[BackgroundTask]):
    list_display = ["id", "kind", "subject", "state", "attempts", "run_after", "error"]
    list_filter = [AttentionFilter, "state", "kind"]
    search_fields = ["=id", "kind", "subject"]
    ordering = ["-updated_at"]
    actions = ["retry"]

    @admin.display(description=_("last error"))
    def error(self, obj: BackgroundTask) -> str:
        lines = obj.last_error.strip().splitlines()
        return lines[-1][:200] if lines else ""

    @admin.action(description=_("Retry the selected failed tasks"))
    def retry(self, request: HttpRequest, queryset: QuerySet[BackgroundTask]) -> None:
        count = queue.task_retry(task_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, _("%(count)d tasks will run again.") % {"count": count}, messages.SUCCESS
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in BackgroundTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
