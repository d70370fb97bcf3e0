"""The admin of data subjects, accounts (license holders), activity and customer datasets.

Built for one company's scale (a million subjects, a hundred million events): lists never
COUNT(*) a whole table (CappedCountPaginator, no full result count), searches are exact
matches through an index (an e-mail address, a login name, an IP address) or a name prefix.
Account representatives see only the accounts assigned to them (selectors.accounts_visible_to)
and change only license-holder details, each change recorded by the service.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from privacyops.core import roles
from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import SpreadsheetImportExportMixin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from . import selectors, services
from .admin_forms import AccountForm, UnderEighteenFilter
from .models import (
    Account,
    AccountAssignment,
    AccountContact,
    ActivityEvent,
    ContactPoint,
    CustomerDataset,
    DataSubject,
    LicenseHolderChange,
)
from .paginators import CappedCountPaginator
from .resources import AccountResource, ContactPointResource, DataSubjectResource

RECENT_EVENTS_SHOWN = 10


def _ip_or_none(text: str) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


class RestrictedSubjectsNotExportedMixin:
    """Exports leave out subjects whose processing is restricted (GDPR Art. 18)."""

    restricted_subject_path = ""

    def get_export_queryset(self, request):
        return selectors.without_restricted_subjects(
            super().get_export_queryset(request), subject_path=self.restricted_subject_path
        )


class LargeTableAdmin(admin.ModelAdmin):
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50


class AllOrNothingImportMixin(SpreadsheetImportExportMixin):
    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_valid_export_item_pks(self, request):
        # Only the rows the user may see, and only those asked for (not every pk of a
        # million-row table, as the default does).
        asked = [pk for pk in request.POST.getlist("export_items") if str(pk).isdigit()]
        return self.get_queryset(request).filter(pk__in=asked).values_list("pk", flat=True)


# --- Data subjects ---------------------------------------------------------------------------


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0
    fields = ("kind", "value", "is_primary", "created_at")


class AccountContactInline(admin.TabularInline):
    model = AccountContact
    extra = 0
    autocomplete_fields = ("account",)
    verbose_name = "account this person belongs to"
    verbose_name_plural = "accounts this person belongs to"


@admin.register(DataSubject)
class DataSubjectAdmin(
    RestrictedSubjectsNotExportedMixin,
    AccessLoggedAdminMixin,
    AllOrNothingImportMixin,
    LargeTableAdmin,
):
    access_log_subject = ""  # every view and export goes to the access log
    resource_classes = [DataSubjectResource]
    list_display = (
        "__str__",
        "kind",
        "login_name",
        "primary_email",
        "under_18",
        "created_at",
        "last_activity_at",
    )
    list_filter = ("kind", UnderEighteenFilter)
    search_fields = ("login_name",)  # the real search is get_search_results
    search_help_text = (
        "An exact e-mail address or login name, a subject number, or the start of a name."
    )
    inlines = [ContactPointInline, AccountContactInline]
    readonly_fields = ("under_18", "activity", "licenses_held", "datasets", "erased_at")
    fieldsets = (
        (None, {"fields": ("kind", "full_name", "title", "login_name")}),
        (
            "Age (the services are not for children under 18)",
            {"fields": ("birth_date", "age_band", "under_18")},
        ),
        ("Dates", {"fields": ("created_at", "last_activity_at", "erased_at")}),
        ("What else is held", {"fields": ("licenses_held", "datasets", "activity")}),
    )

    def get_queryset(self, request):
        primary_emails = ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, is_primary=True)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("contact_points", queryset=primary_emails, to_attr="primary_emails")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(pk__in=selectors.subject_ids_with_email(term)), False
        matches = Q(login_name=term) | Q(full_name__istartswith=term)
        if term.isdigit():
            matches |= Q(pk=int(term))
        return queryset.filter(matches), False

    @admin.display(description="primary e-mail")
    def primary_email(self, subject: DataSubject) -> str:
        emails = getattr(subject, "primary_emails", None)
        if emails is None:
            emails = subject.contact_points.filter(kind="email", is_primary=True)
        return emails[0].value if emails else ""

    @admin.display(description="under 18", boolean=True)
    def under_18(self, subject: DataSubject) -> bool | None:
        if subject.pk is None:
            return None
        return subject.is_minor(timezone.localdate())

    @admin.display(description="activity (Other Information)")
    def activity(self, subject: DataSubject) -> str:
        if subject.pk is None:
            return "—"
        events = subject.activity_events.order_by("-occurred_at", "-id")
        cap = CappedCountPaginator.cap
        count = events[:cap].count()
        url = (
            reverse("admin:subjects_activityevent_changelist") + f"?subject__id__exact={subject.pk}"
        )
        shown = f"{cap:,}+" if count >= cap else f"{count:,}"
        link = format_html('<a href="{}">{} events: see them all</a>', url, shown)
        if not count:
            return "No events recorded."
        recent = events.only("occurred_at", "event_kind", "page", "ip")[:RECENT_EVENTS_SHOWN]
        rows = format_html_join(
            "",
            "<li>{} — {} {} ({})</li>",
            (
                (f"{e.occurred_at:%Y-%m-%d %H:%M}", e.get_event_kind_display(), e.page, e.ip or "")
                for e in recent
            ),
        )
        return format_html("{}<ul>{}</ul>", link, rows)

    @admin.display(description="license holder of")
    def licenses_held(self, subject: DataSubject) -> str:
        if subject.pk is None:
            return "—"
        return ", ".join(str(a) for a in subject.held_licenses.all()) or "—"

    @admin.display(description="named in customer datasets")
    def datasets(self, subject: DataSubject) -> str:
        if subject.pk is None:
            return "—"
        names = [str(d) for d in subject.hosted_in_datasets.select_related("account")]
        return ", ".join(names) or "—"


@admin.register(ContactPoint)
class ContactPointAdmin(
    RestrictedSubjectsNotExportedMixin,
    AccessLoggedAdminMixin,
    AllOrNothingImportMixin,
    LargeTableAdmin,
):
    restricted_subject_path = "subject"

    access_log_subject = "subject"  # every view and export goes to the access log
    resource_classes = [ContactPointResource]
    list_display = ("value", "kind", "is_primary", "subject", "created_at")
    list_filter = ("kind",)
    list_select_related = ("subject",)
    search_fields = ("value",)
    search_help_text = "An exact e-mail address, telephone number or postal address."
    autocomplete_fields = ("subject",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # kind IN (...) lets PostgreSQL use the (kind, value) index for the exact value.
        kinds = Q(kind__in=ContactPoint.Kind.values)
        return queryset.filter(kinds, Q(value=term) | Q(value=term.lower())), False


# --- Accounts (license holders) --------------------------------------------------------------


class AccountAssignmentInline(admin.TabularInline):
    model = AccountAssignment
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "representative":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_staff=True, groups__name=roles.ACCOUNT_REPRESENTATIVE
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AccountContactOfAccountInline(admin.TabularInline):
    model = AccountContact
    extra = 0
    autocomplete_fields = ("subject",)
    verbose_name = "customer contact"
    verbose_name_plural = "customer contacts"


class LicenseHolderChangeInline(admin.TabularInline):
    """The account's license-holder history: evidence, read-only for everyone."""

    model = LicenseHolderChange
    extra = 0
    fields = (
        "changed_at",
        "requested_by",
        "channel",
        "made_by",
        "old_values",
        "new_values",
        "note",
    )
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "license-holder change history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "made_by")


ACCOUNT_CORE_FIELDS = (
    "account_number",
    "company_name",
    "registration_number",
    "vat_number",
    "billing_address",
    "status",
    "opened_at",
    "closed_at",
)
CHANGE_RECORD_FIELDS = ("requested_by", "channel", "change_note")


@admin.register(Account)
class AccountAdmin(AccessLoggedAdminMixin, AllOrNothingImportMixin, LargeTableAdmin):
    access_log_subject = "license_holder"  # every view and export goes to the access log
    resource_classes = [AccountResource]
    form = AccountForm
    list_display = ("company_name", "account_number", "status", "license_holder_email", "closed_at")
    list_filter = ("status",)
    search_fields = ("company_name",)  # the real search is get_search_results
    search_help_text = "An exact account, registration or VAT number, or the start of the name."
    inlines = [AccountContactOfAccountInline, AccountAssignmentInline, LicenseHolderChangeInline]

    def _representative_only(self, request) -> bool:
        return not selectors.sees_all_accounts(user=request.user)

    def get_queryset(self, request):
        return selectors.accounts_visible_to(user=request.user).select_related("license_holder")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = (
            Q(account_number=term)
            | Q(registration_number=term)
            | Q(vat_number=term)
            | Q(company_name__istartswith=term)
        )
        return queryset.filter(matches), False

    def get_list_filter(self, request):
        if self._representative_only(request):
            return ("status",)
        return ("status", ("representatives", admin.RelatedOnlyFieldListFilter))

    def get_inlines(self, request, obj):
        if self._representative_only(request):
            return [LicenseHolderChangeInline]
        if obj is None:
            return [AccountContactOfAccountInline, AccountAssignmentInline]
        return self.inlines

    def get_fieldsets(self, request, obj=None):
        holder = ("License holder", {"fields": services.LICENSE_HOLDER_FIELDS})
        record = (
            "Who asked for a license-holder change",
            {
                "fields": CHANGE_RECORD_FIELDS,
                "description": "Required when the license-holder details change: the change "
                "and who asked for it are recorded together.",
            },
        )
        if self._representative_only(request):
            return (
                (None, {"fields": ("account_number", "company_name", "status")}),
                holder,
                record,
            )
        if obj is None:
            return ((None, {"fields": ACCOUNT_CORE_FIELDS}), holder)
        return ((None, {"fields": ACCOUNT_CORE_FIELDS}), holder, record)

    def get_readonly_fields(self, request, obj=None):
        if self._representative_only(request):
            return ("account_number", "company_name", "status")
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self._representative_only(request):
            form = type("RepresentativeAccountForm", (form,), {"for_representative": True})
        return form

    def save_model(self, request, obj, form, change):
        changes = form.license_holder_changes() if change else {}
        if changes:
            # The service writes the license-holder fields and their record together.
            current = Account.objects.get(pk=obj.pk)
            for name in changes:
                setattr(obj, name, getattr(current, name))
        if not self._representative_only(request):
            super().save_model(request, obj, form, change)
        if changes:
            services.account_license_holder_update(
                account=obj,
                changes=changes,
                requested_by=form.cleaned_data.get("requested_by"),
                channel=form.cleaned_data["channel"],
                by=request.user,
                note=form.cleaned_data.get("change_note", ""),
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._representative_only(request):
            actions.pop("delete_selected", None)
        return actions


@admin.register(LicenseHolderChange)
class LicenseHolderChangeAdmin(ReadOnlyRecordAdmin):
    list_display = ("account", "changed_at", "channel", "requested_by", "made_by", "changes")
    list_filter = ("channel",)
    list_select_related = ("account", "requested_by", "made_by")
    search_fields = ("account__account_number",)
    search_help_text = "An exact account number."
    readonly_fields = (
        "account",
        "changed_at",
        "requested_by",
        "channel",
        "made_by",
        "old_values",
        "new_values",
        "note",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return selectors.license_changes_visible_to(user=request.user)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(account__account_number=term), False

    @admin.display(description="before → after")
    def changes(self, change: LicenseHolderChange) -> str:
        return "; ".join(
            f"{name}: {change.old_values.get(name) or '—'} → {value or '—'}"
            for name, value in change.new_values.items()
        )


# --- Other Information and Customer-Generated Data -------------------------------------------


@admin.register(ActivityEvent)
class ActivityEventAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin, LargeTableAdmin):
    """Tens of millions of rows: no count, no date drill-down, exact searches only."""

    access_log_subject = "subject"  # every view and export goes to the access log

    list_display = (
        "occurred_at",
        "event_kind",
        "login",
        "ip",
        "browser",
        "operating_system",
        "page",
        "subject",
    )
    list_filter = ("event_kind",)
    list_select_related = ("subject",)
    search_fields = ("login",)  # the real search is get_search_results
    search_help_text = "An exact login account name or IP address."
    readonly_fields = [f.name for f in ActivityEvent._meta.fields]
    sortable_by = ("occurred_at",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        ip = _ip_or_none(term)
        if ip:
            return queryset.filter(ip=ip), False
        return queryset.filter(login=term), False


@admin.register(CustomerDataset)
class CustomerDatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "location", "approximate_records", "created_at")
    list_select_related = ("account",)
    search_fields = ("name",)
    autocomplete_fields = ("account", "subjects")
