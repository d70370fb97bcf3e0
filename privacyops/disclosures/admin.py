from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin_mixins import ServiceCreatesObjectMixin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from . import services
from .models import Disclosure, DisclosureEvent

RECORD_FIELDS = (
    "recipient",
    "recipient_kind",
    "disclosed_on",
    "legal_basis",
    "order_reference",
    "description",
    "data_elements",
    "subjects",
    "accounts",
    "approved_by",
)
DECISION_FIELDS = ("withheld_from_access", "withheld_reason")


class DisclosureEventInline(admin.TabularInline):
    model = DisclosureEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "by", "reason")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = (*RECORD_FIELDS, *DECISION_FIELDS)
        widgets = {
            "order_reference": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "withheld_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("subjects") and not data.get("accounts"):
            raise ValidationError(
                _("Name the data subjects or the accounts whose data was disclosed.")
            )
        if data.get("withheld_from_access") and not (data.get("withheld_reason") or "").strip():
            raise ValidationError(
                {"withheld_reason": _("Say why the disclosure must not be shown to the person.")}
            )
        return data


@admin.register(Disclosure)
class DisclosureAdmin(AccessLoggedAdminMixin, ServiceCreatesObjectMixin, admin.ModelAdmin):
    """The disclosure log. Recorded once (the record is evidence); afterwards only the decision
    to withhold it from access packages changes, and each decision enters its history."""

    access_log_subject = None  # about several people: each view is logged without one
    form = DisclosureForm
    list_display = (
        "disclosed_on",
        "recipient",
        "recipient_kind",
        "legal_basis",
        "approved_by",
        "withheld_from_access",
    )
    list_filter = ("recipient_kind", "legal_basis", "withheld_from_access")
    search_fields = ("recipient",)
    date_hierarchy = "disclosed_on"
    list_select_related = ("approved_by",)
    raw_id_fields = ("subjects", "accounts")
    filter_horizontal = ("data_elements",)
    inlines = [DisclosureEventInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return RECORD_FIELDS
        return (*RECORD_FIELDS, "recorded_by", "recorded_at", *DECISION_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*RECORD_FIELDS, "recorded_by", "recorded_at")

    def has_delete_permission(self, request, obj=None):
        return False  # evidence: a disclosure is never deleted

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "approved_by":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.disclosure_record(
            recipient=data["recipient"],
            recipient_kind=data["recipient_kind"],
            disclosed_on=data["disclosed_on"],
            legal_basis=data["legal_basis"],
            order_reference=data.get("order_reference") or "",
            description=data.get("description") or "",
            data_elements=data.get("data_elements") or [],
            subjects=data.get("subjects") or [],
            accounts=data.get("accounts") or [],
            approved_by=data.get("approved_by"),
            by=request.user,
        )

    def change_with_service(self, request, obj, form):
        data = form.cleaned_data
        if data.get("withheld_from_access"):
            services.disclosure_withhold(
                disclosure=obj, reason=data.get("withheld_reason") or "", by=request.user
            )
        else:
            services.disclosure_show(disclosure=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        # The service set the data, the people and the accounts (with the accounts' contacts);
        # saving the form's many-to-many values again would undo that.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
