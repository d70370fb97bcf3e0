from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin_mixins import SpreadsheetExportMixin

from . import selectors, services
from .models import (
    AdequacyDecision,
    CollectionSource,
    DataElement,
    DigitalProperty,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
    TrackingIdentifier,
    Vendor,
)
from .resources import Art30RecordResource, SubProcessorResource


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
    readonly_fields = ("updated_at", "vendors_and_safeguards", "identifiers_served")
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "role", "is_active")}),
        (_("Who and what"), {"fields": ("data_subject_categories", "data_elements", "sources")}),
        (_("Why"), {"fields": ("purposes", "identifiers_served")}),
        (_("Disclosure"), {"fields": ("recipients", "vendors_and_safeguards")}),
        (
            _("Retention and security"),
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

    @admin.display(description=_("legal bases"))
    def legal_bases(self, activity: ProcessingActivity) -> str:
        return ", ".join(sorted({p.get_legal_basis_display() for p in activity.purposes.all()}))

    @admin.display(description=_("vendors and transfer safeguards"))
    def vendors_and_safeguards(self, activity: ProcessingActivity) -> str:
        if not activity.pk:
            return "-"
        vendors = activity.vendors.select_related("adequacy_decision").order_by("name")
        return format_html_join(
            "",
            "<div>{} ({}): {}</div>",
            ((v.name, v.country or "?", v.safeguard()) for v in vendors),
        ) or gettext("None recorded (add them under Vendors and processors)")

    @admin.display(description=_("cookies and identifiers serving it"))
    def identifiers_served(self, activity: ProcessingActivity) -> str:
        if not activity.pk:
            return "-"
        items = activity.tracking_identifiers.filter(is_active=True).select_related(
            "digital_property"
        )
        return format_html_join(
            "",
            gettext("<div>{} on {}: {}{}</div>"),
            (
                (
                    i.name,
                    i.digital_property,
                    i.get_purpose_category_display(),
                    gettext(" (consent required)") if i.needs_consent else "",
                )
                for i in items
            ),
        ) or gettext("None")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ("version", "effective_from", "url")
    search_fields = ("version",)
    date_hierarchy = "effective_from"


@admin.register(AdequacyDecision)
class AdequacyDecisionAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Reference data Legal keeps current: a repealed decision is marked not in force."""

    list_display = ("name", "country", "decision", "adopted_on", "in_force")
    list_filter = ("in_force",)
    search_fields = ("name", "country", "code")


class VendorForm(forms.ModelForm):
    agreement_file = forms.FileField(
        label=_("data processing agreement (file)"),
        required=False,
        help_text=_("Stored privately, never under a public URL; replaces the stored copy."),
    )

    class Meta:
        model = Vendor
        fields = (
            "name",
            "recipient_category",
            "service",
            "contact",
            "description",
            "data_elements",
            "activities",
            "is_sub_processor",
            "listed_publicly",
            "dpa_signed_on",
            "dpa_next_review_on",
            "country",
            "transfer_mechanism",
            "adequacy_decision",
            "scc_module",
            "bcr_reference",
            "derogation",
            "derogation_reason",
            "supplementary_measures",
        )


@admin.register(Vendor)
class VendorAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Named vendors and processors; the export is the sub-processor list (CSV or XLSX)."""

    form = VendorForm
    resource_classes = [SubProcessorResource]
    list_display = (
        "name",
        "recipient_category",
        "country",
        "transfer_mechanism",
        "is_sub_processor",
        "listed_publicly",
        "dpa_next_review_on",  # the signing date is on the page; the list fits 1366 px
    )
    list_filter = (
        "recipient_category",
        "transfer_mechanism",
        "is_sub_processor",
        "listed_publicly",
        "country",
    )
    search_fields = ("name", "service")
    list_select_related = ("recipient_category",)
    filter_horizontal = ("data_elements", "activities")
    readonly_fields = ("agreement_link", "dpa_sha256", "review_reminded_for", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "recipient_category", "service", "contact", "description")}),
        (_("What they receive"), {"fields": ("data_elements", "activities")}),
        (_("Sub-processor list"), {"fields": ("is_sub_processor", "listed_publicly")}),
        (
            _("Data processing agreement (Art. 28(3))"),
            {
                "fields": (
                    "dpa_signed_on",
                    "agreement_file",
                    "agreement_link",
                    "dpa_sha256",
                    "dpa_next_review_on",
                    "review_reminded_for",
                )
            },
        ),
        (
            _("Where the data goes (Art. 44-49)"),
            {
                "fields": (
                    "country",
                    "transfer_mechanism",
                    "adequacy_decision",
                    "scc_module",
                    "bcr_reference",
                    "derogation",
                    "derogation_reason",
                    "supplementary_measures",
                    "updated_at",
                )
            },
        ),
    )

    def get_urls(self):
        view = self.admin_site.admin_view(self.agreement_download)
        return [
            path("<path:object_id>/agreement/", view, name="inventory_vendor_agreement"),
            *super().get_urls(),
        ]

    def agreement_download(self, request, object_id):
        vendor = self.get_object(request, object_id)
        if vendor is None:
            raise Http404
        if not self.has_view_permission(request, vendor):
            raise PermissionDenied
        stored = services.agreement_path(vendor)
        if stored is None:
            raise Http404(gettext("No agreement stored."))
        return FileResponse(stored.open("rb"), as_attachment=True, filename=vendor.dpa_filename)

    @admin.display(description=_("stored agreement"))
    def agreement_link(self, vendor: Vendor) -> str:
        if not vendor.pk or not vendor.dpa_stored_as:
            return gettext("None stored")
        url = reverse("admin:inventory_vendor_agreement", args=[vendor.pk])
        return format_html('<a href="{}">{}</a>', url, vendor.dpa_filename or gettext("download"))

    actions = ["list_publicly", "unlist_publicly"]

    @admin.action(description=_("Show on the public sub-processor page"), permissions=["change"])
    def list_publicly(self, request, queryset):
        self._list(request, queryset, listed=True)

    @admin.action(
        description=_("Remove from the public sub-processor page"), permissions=["change"]
    )
    def unlist_publicly(self, request, queryset):
        self._list(request, queryset, listed=False)

    def _list(self, request, queryset, *, listed: bool) -> None:
        changed, refused = services.vendors_list_publicly(
            vendors=list(queryset), listed=listed, by=request.user
        )
        self.message_user(
            request, gettext("%(count)d vendor(s) changed.") % {"count": len(changed)}
        )
        for reason in refused:
            self.message_user(
                request,
                gettext("Not listed: %(reason)s") % {"reason": reason},
                level=messages.WARNING,
            )

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("recipient_category", "adequacy_decision")
            .prefetch_related("data_elements", "activities")
        )

    def save_model(self, request, obj, form, change):
        services.vendor_save(
            vendor=obj, by=request.user, agreement=form.cleaned_data.get("agreement_file")
        )


@admin.register(DigitalProperty)
class DigitalPropertyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "domain")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(TrackingIdentifier)
class TrackingIdentifierAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """The cookie register; /privacy/cookies/ and /privacy/cookies.json are generated from it."""

    list_display = (
        "name",
        "digital_property",
        "purpose_category",
        "provider",
        "duration",
        "is_active",  # party and activity are filters and on the page: the list fits 1366 px
    )
    list_filter = ("digital_property", "purpose_category", "party", "is_active")
    search_fields = ("name",)
    list_select_related = ("digital_property", "provider", "activity")
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        services.tracking_identifier_save(identifier=obj, by=request.user)
