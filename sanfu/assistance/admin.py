from django.contrib import admin

from sanfu.assistance.models import (
    Application,
    ColumnMapping,
    Finding,
    FindingReview,
    ImportBatch,
    NeedCap,
    Person,
    Programme,
    SourceRecord,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ("code", "name", "need", "body", "amount", "in_kind", "period", "is_active")
    list_filter = ("need", "period", "is_active")
    search_fields = ("code", "name", "body__name")
    autocomplete_fields = ("body",)


@admin.register(NeedCap)
class NeedCapAdmin(admin.ModelAdmin[NeedCap]):
    list_display = ("need", "period", "cap_per_person", "cap_per_household", "max_bodies")


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin[ColumnMapping]):
    list_display = ("source", "name", "updated_at")
    search_fields = ("source__name", "name")
    autocomplete_fields = ("source",)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = (
        "file_name",
        "source",
        "state",
        "total_rows",
        "kept",
        "refused",
        "duplicates",
        "created_at",
    )
    list_filter = ("state",)
    search_fields = ("file_name", "source__name")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False  # batches come in through the upload page or the command


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin[SourceRecord]):
    list_display = (
        "name",
        "source",
        "kind",
        "programme",
        "amount",
        "given_on",
        "person",
        "match_probability",
    )
    list_filter = ("kind",)
    search_fields = ("name", "id_number")
    raw_id_fields = ("source", "batch", "town", "programme", "person")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "id_number", "town", "household", "disability_grade")
    search_fields = ("name", "id_number")
    raw_id_fields = ("town", "place")


class ReviewInline(admin.TabularInline[FindingReview, Finding]):
    model = FindingReview
    extra = 0
    can_delete = False
    readonly_fields = ("decision", "reason", "reviewer", "unit", "at")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False  # decisions are made on the review page, through the service


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin[Finding]):
    list_display = ("__str__", "kind", "need", "period", "state", "current", "found_at")
    list_filter = ("kind", "need", "state", "current")
    search_fields = ("person_name",)
    raw_id_fields = ("person", "town", "place", "programme")
    readonly_fields = ("state",)
    inlines = [ReviewInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ("name", "programme", "case", "created_at")
    raw_id_fields = ("town", "programme", "case", "person")
