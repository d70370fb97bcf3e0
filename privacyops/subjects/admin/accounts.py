"""The admin of accounts (license holders) and their license-holder change history.

Account representatives see only the accounts assigned to them (selectors.accounts_visible_to)
and change only license-holder details, each change recorded by the service.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacyops.core import roles
from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import AllOrNothingImportMixin, LargeTableAdmin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import selectors, services
from ..admin_forms import AccountForm
from ..models import Account, AccountAssignment, AccountContact, LicenseHolderChange
from ..resources import AccountResource


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
    verbose_name = _("customer contact")
    verbose_name_plural = _("customer contacts")


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
    verbose_name_plural = _("license-holder change history")

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
    search_help_text = _("An exact account, registration or VAT number, or the start of the name.")
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
        holder = (_("License holder"), {"fields": services.LICENSE_HOLDER_FIELDS})
        record = (
            _("Who asked for a license-holder change"),
            {
                "fields": CHANGE_RECORD_FIELDS,
                "description": _(
                    "Required when the license-holder details change: the change "
                    "and who asked for it are recorded together."
                ),
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
class LicenseHolderChangeAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "requested_by"  # every view goes to the access log
    list_display = ("account", "changed_at", "channel", "requested_by", "made_by", "changes")
    list_filter = ("channel",)
    list_select_related = ("account", "requested_by", "made_by")
    search_fields = ("account__account_number",)
    search_help_text = _("An exact account number.")
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

    @admin.display(description=_("before → after"))
    def changes(self, change: LicenseHolderChange) -> str:
        return "; ".join(
            f"{name}: {change.old_values.get(name) or '—'} → {value or '—'}"
            for name, value in change.new_values.items()
        )
