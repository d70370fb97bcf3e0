from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin

from privacyops.core.admin_mixins import SpreadsheetExportMixin

from . import selectors
from .models import (
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
)
from .resources import Art30RecordResource


class DataElementInline(admin.TabularInline):
    model = DataElement
    extra = 0
    fields = ("code", "name", "identifies_directly", "description")


@admin.register(InformationCategory)
class InformationCategoryAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("name", "collection", "role")
    list_filter = ("collection", "role")
    search_fields = ("name", "code")
    inlines = [DataElementInline]


@admin.register(DataElement)
class DataElementAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("name", "category", "identifies_directly")
    list_filter = ("category", "identifies_directly")
    search_fields = ("name", "code")
    list_select_related = ("category",)


@admin.register(CollectionSource)
class CollectionSourceAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("name", "collection")
    list_filter = ("collection",)
    search_fields = ("name", "code")


@admin.register(Purpose)
class PurposeAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("name", "legal_basis")
    list_filter = ("legal_basis",)
    search_fields = ("name", "code")


@admin.register(RecipientCategory)
class RecipientCategoryAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "third_country_transfer")
    list_filter = ("kind", "third_country_transfer")
    search_fields = ("name", "code")


@dataclass(frozen=True)
class RecordExtension:
    """What an app higher up shows beside each processing activity: an inline on its page, a
    column in the list (a function of the activity) and the relations that column reads."""

    inline: type[admin.options.InlineModelAdmin] | None = None
    column: Callable | None = None
    prefetch: tuple[str, ...] = ()


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """The record of processing (Art. 30). Apps higher up add what they hold about an activity
    through `extend` (inventory imports none of them; the admin stays this one class)."""

    extensions: tuple[RecordExtension, ...] = ()
    resource_classes = [Art30RecordResource]
    list_display = ("name", "role", "legal_bases", "retention_period", "is_active")
    list_filter = ("role", "is_active", "purposes__legal_basis")
    search_fields = ("name", "code", "data_subject_categories")
    filter_horizontal = ("purposes", "data_elements", "sources", "recipients")
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "role", "is_active")}),
        ("Who and what", {"fields": ("data_subject_categories", "data_elements", "sources")}),
        ("Why", {"fields": ("purposes",)}),
        ("Disclosure", {"fields": ("recipients",)}),
        (
            "Retention and security",
            {"fields": ("retention_period", "retention_months", "security_measures", "updated_at")},
        ),
    )

    @classmethod
    def extend(cls, extension: RecordExtension) -> None:
        if extension not in cls.extensions:
            cls.extensions = (*cls.extensions, extension)

    def get_inlines(self, request, obj):
        added = [e.inline for e in self.extensions if e.inline is not None]
        return [*super().get_inlines(request, obj), *added]

    def get_list_display(self, request):
        added = [e.column for e in self.extensions if e.column is not None]
        return (*super().get_list_display(request), *added)

    def get_queryset(self, request):
        prefetch = [name for e in self.extensions for name in e.prefetch]
        return super().get_queryset(request).prefetch_related("purposes", *prefetch)

    def get_export_queryset(self, request):
        ids = super().get_export_queryset(request).values("pk")
        return selectors.record_of_processing().filter(pk__in=ids)

    @admin.display(description="legal bases")
    def legal_bases(self, activity: ProcessingActivity) -> str:
        return ", ".join(sorted({p.get_legal_basis_display() for p in activity.purposes.all()}))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("version", "effective_from", "url")
    search_fields = ("version",)
    date_hierarchy = "effective_from"
