import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import (
    RestrictedSubjectsNotExportedMixin,
    ServiceCreatesObjectMixin,
    SpreadsheetExportMixin,
    SpreadsheetImportExportMixin,
)
from privacyops.core.spreadsheets import row_safe
from privacyops.security.admin_mixins import AccessLoggedAdminMixin
from privacyops.security.models import AccessLogEntry
from privacyops.security.services import access_log_record
from privacyops.subjects.models import DataSubject

from . import receipts, selectors, services
from .models import (
    CONSENT_PURPOSES,
    SCOPE_CHOICES,
    STAFF_OPT_OUT_METHODS,
    Channel,
    ConsentReceipt,
    MailBounce,
    OptOut,
    OptOutMethod,
    PolicyNotice,
    PolicyNoticeLetter,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from .resources import SubscriptionResource


class SubscriptionEventInline(admin.TabularInline):
    model = SubscriptionEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "method", "ip", "by", "detail")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _suppressed_message(request, result) -> None:
    rows = getattr(result, "suppressed_rows", None)
    if rows:
        listed = "; ".join(
            gettext("row %(n)s: %(email)s (%(channel)s)")
            % {"n": n, "email": email, "channel": channel}
            for n, email, channel in rows
        )
        messages.warning(
            request,
            gettext(
                "%(count)d row(s) are on the suppression list (opted out, objected or erased) "
                "and were not subscribed: %(listed)s"
            )
            % {"count": len(rows), "listed": listed},
        )


@admin.register(Subscription)
class SubscriptionAdmin(
    AccessLoggedAdminMixin,
    RestrictedSubjectsNotExportedMixin,
    SpreadsheetImportExportMixin,
    ReadOnlyRecordAdmin,
):
    access_log_subject = "subject"  # every view and export goes to the access log
    restricted_subject_path = "subject"
    resource_classes = [SubscriptionResource]
    list_display = (
        "email",
        "subject",
        "channel",
        "status",
        "consented_at",
        "consent_source",
        "evidence",
    )
    list_filter = ("channel", "status", "consent_source")
    # "=email" is an exact match on the address's keyed hash (the column holds ciphertext).
    search_fields = ("=email", "subject__full_name")
    search_help_text = _("An exact e-mail address, or part of the person's name.")
    date_hierarchy = "consented_at"
    list_select_related = ("subject", "policy_version")
    inlines = [SubscriptionEventInline]
    change_list_template = "marketing/admin/subscription_change_list.html"

    @admin.display(description=_("consent evidence"))
    def evidence(self, obj: Subscription) -> str:
        url = reverse("admin:marketing_subscription_evidence", args=[obj.subject_id])
        return format_html('<a href="{}">CSV</a>', url)

    def get_urls(self):
        own = [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="marketing_subscription_report",
            ),
            path(
                "evidence/<int:subject_id>/",
                self.admin_site.admin_view(self.evidence_view),
                name="marketing_subscription_evidence",
            ),
        ]
        return own + super().get_urls()

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing, also when the file is confirmed: any invalid row rolls back every row.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        _suppressed_message(request, context.get("result"))
        return response

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        _suppressed_message(request, result)

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        subject_id = request.GET.get("subject", "").strip()
        if subject_id.isdigit():
            return redirect("admin:marketing_subscription_evidence", int(subject_id))
        counts = selectors.opt_in_counts()
        opt_ins = [(label, counts[channel]) for channel, label in Channel.choices]
        methods = dict(OptOutMethod.choices)
        months: dict = {}
        for row in selectors.opt_outs_per_month_and_method():
            months.setdefault(row["month"], {})[row["method"]] = row["n"]
        opt_outs = [
            (month, [by_method.get(m, 0) for m in methods], sum(by_method.values()))
            for month, by_method in months.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Marketing report"),
            "opts": self.model._meta,
            "opt_ins": opt_ins,
            "opt_in_total": sum(counts.values()),
            "methods": list(methods.values()),
            "opt_outs": opt_outs,
        }
        return TemplateResponse(request, "marketing/admin/report.html", context)

    def evidence_view(self, request, subject_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        subject = get_object_or_404(DataSubject, pk=subject_id)
        access_log_record(
            user=request.user,
            action=AccessLogEntry.Action.EXPORTED,
            object_type="marketing.consentevidence",
            object_repr=f"consent evidence of data subject #{subject.pk} (CSV)",
            subject=subject,
            request=request,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="consent-evidence-subject-{subject.pk}.csv"'
        )
        writer = csv.writer(response)
        for row in selectors.consent_evidence_rows(subject=subject):
            writer.writerow(row_safe(row))
        return response


@admin.register(SubscriptionEvent)
class SubscriptionEventAdmin(
    AccessLoggedAdminMixin,
    RestrictedSubjectsNotExportedMixin,
    SpreadsheetExportMixin,
    ReadOnlyRecordAdmin,
):
    access_log_subject = "subscription__subject"
    restricted_subject_path = "subscription__subject"
    list_display = ("at", "kind", "subscription", "method", "by")
    list_filter = ("kind",)
    search_fields = ("=subscription__email",)  # exact, through the keyed hash
    search_help_text = _("An exact e-mail address.")
    date_hierarchy = "at"
    list_select_related = ("subscription", "by")


class OptOutForm(forms.ModelForm):
    email = forms.EmailField(
        label=_("e-mail address"),
        required=False,
        help_text=_(
            "If the person is not (yet) a known data subject. Only its salted hash is "
            "kept: the address is suppressed, never stored."
        ),
    )
    channel = forms.ChoiceField(label=_("channel"), choices=SCOPE_CHOICES, required=False)
    method = forms.ChoiceField(label=_("received by"), choices=STAFF_OPT_OUT_METHODS)

    class Meta:
        model = OptOut
        fields = ("subject", "email", "channel", "method", "reference", "received_at")

    def clean(self):
        data = super().clean()
        if not data.get("subject") and not data.get("email"):
            raise forms.ValidationError(gettext("Give the data subject or the e-mail address."))
        return data


@admin.register(OptOut)
class OptOutAdmin(
    AccessLoggedAdminMixin, ServiceCreatesObjectMixin, SpreadsheetExportMixin, admin.ModelAdmin
):
    access_log_subject = "subject"
    """The opt-out register; staff record here what reached them by e-mail, post or phone."""

    form = OptOutForm
    list_display = ("received_at", "method", "channel_scope", "subject", "reference")
    list_filter = ("method", "channel")
    search_fields = ("reference",)
    date_hierarchy = "received_at"
    list_select_related = ("subject", "recorded_by")
    raw_id_fields = ("subject",)
    readonly_fields = ("email_hash", "recorded_at", "recorded_by")

    @admin.display(description=_("channel"), ordering="channel")
    def channel_scope(self, obj: OptOut) -> str:
        return obj.get_channel_display() if obj.channel else gettext("All marketing channels")

    def has_change_permission(self, request, obj=None):
        # An opt-out is evidence: recorded once, never edited.
        return obj is None and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("subject", "email", "channel", "method", "reference", "received_at")
        return (
            "subject",
            "email_hash",
            "channel",
            "method",
            "reference",
            "received_at",
            "recorded_at",
            "recorded_by",
        )

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.opt_out_record(
            method=data["method"],
            channel=data.get("channel") or "",
            subject=data.get("subject"),
            email=data.get("email") or "",
            reference=data.get("reference") or "",
            received_at=data.get("received_at"),
            by=request.user,
        )

    def change_with_service(self, request, obj, form):
        raise PermissionDenied  # an opt-out is evidence: recorded once, never edited


@admin.register(SuppressionEntry)
class SuppressionEntryAdmin(SpreadsheetExportMixin, ReadOnlyRecordAdmin):
    list_display = ("email_hash", "channel_scope", "reason", "added_at")
    list_filter = ("reason", "channel")
    search_fields = ("=email_hash",)
    date_hierarchy = "added_at"

    @admin.display(description=_("channel"), ordering="channel")
    def channel_scope(self, obj: SuppressionEntry) -> str:
        return obj.get_channel_display() if obj.channel else gettext("All marketing channels")

    def get_search_results(self, request, queryset, search_term):
        # Staff search by address; the list only holds hashes, so the address is hashed first.
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(email_hash=selectors.email_hash(term)), False
        return super().get_search_results(request, queryset, term)


# --- Consent receipts, bounces and policy-change notices -------------------------------------

STAFF_RECEIPT_SOURCES = [
    (s.value, s.label)
    for s in (
        ConsentReceipt.Source.PAPER,
        ConsentReceipt.Source.PHONE,
        ConsentReceipt.Source.EMAIL,
        ConsentReceipt.Source.WEB_FORM,
    )
]


class ConsentReceiptForm(forms.ModelForm):
    identifier = forms.CharField(
        label=_("cookie identifier"),
        required=False,
        max_length=500,
        help_text=_("Instead of a data subject: only its keyed hash is kept."),
    )
    granted = forms.MultipleChoiceField(
        label=_("purposes granted"),
        choices=CONSENT_PURPOSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    refused = forms.MultipleChoiceField(
        label=_("purposes refused"),
        choices=CONSENT_PURPOSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.ChoiceField(label=_("how it was given"), choices=STAFF_RECEIPT_SOURCES)

    class Meta:
        model = ConsentReceipt
        fields = (
            "subject",
            "identifier",
            "granted",
            "refused",
            "gpc",
            "source",
            "given_at",
            "digital_property",
            "policy_version",
            "evidence",
        )
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        if not data.get("subject") and not data.get("identifier"):
            raise forms.ValidationError(_("Give the data subject or the cookie identifier."))
        both = set(data.get("granted") or []) & set(data.get("refused") or [])
        if both:
            self.add_error("refused", _("Granted and refused at once: %s.") % ", ".join(both))
        if not data.get("granted") and not data.get("refused") and not data.get("gpc"):
            self.add_error("granted", _("Say which purposes are granted or refused."))
        if data.get("given_at") and data["given_at"] > timezone.now():
            self.add_error("given_at", _("Consent cannot be given in the future."))
        return data


@admin.register(ConsentReceipt)
class ConsentReceiptAdmin(AccessLoggedAdminMixin, ServiceCreatesObjectMixin, admin.ModelAdmin):
    """Consent receipts: staff record one (a paper consent, a call); nobody edits or deletes
    one, not even Legal: a new decision is a new receipt."""

    access_log_subject = "subject"
    form = ConsentReceiptForm
    list_display = ("given_at", "subject", "source", "advertising", "gpc", "recorded_via")
    list_filter = ("source", "gpc", "advertising")
    date_hierarchy = "given_at"
    list_select_related = ("subject", "policy_version")
    raw_id_fields = ("subject",)
    shown = (
        "subject",
        "identifier_hash",
        "granted",
        "refused",
        "advertising",
        "gpc",
        "source",
        "given_at",
        "digital_property",
        "policy_version",
        "evidence",
        "recorded_via",
        "recorded_by",
        "recorded_at",
        "advertising_identifiers",
    )

    def get_fields(self, request, obj=None):
        return ConsentReceiptForm.Meta.fields if obj is None else self.shown

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.shown

    def has_change_permission(self, request, obj=None):
        return False  # append-only evidence

    def has_delete_permission(self, request, obj=None):
        return False  # append-only evidence

    @admin.display(description=_("identifiers serving advertising"))
    def advertising_identifiers(self, obj) -> str:
        names = [f"{i.name} ({i.digital_property})" for i in receipts.advertising_identifiers()]
        return ", ".join(names) or "—"

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return receipts.consent_receipt_record(
            source=data["source"],
            recorded_via="admin",
            granted=data.get("granted") or [],
            refused=data.get("refused") or [],
            subject=data.get("subject"),
            identifier=data.get("identifier") or "",
            gpc=bool(data.get("gpc")),
            policy_version=data.get("policy_version"),
            digital_property=data.get("digital_property"),
            given_at=data.get("given_at"),
            evidence=data.get("evidence") or "",
            by=request.user,
        )


class MailBounceForm(forms.ModelForm):
    email = forms.EmailField(
        label=_("e-mail address"), help_text=_("Only its salted hash is kept.")
    )

    class Meta:
        model = MailBounce
        fields = ("email", "bounced_at", "reason")


@admin.register(MailBounce)
class MailBounceAdmin(ServiceCreatesObjectMixin, admin.ModelAdmin):
    """Addresses that bounce: nothing is sent to them (may_send answers no for every kind)."""

    form = MailBounceForm
    list_display = ("email_hash", "bounced_at", "reason")
    date_hierarchy = "bounced_at"
    search_fields = ("=email_hash",)

    def get_fields(self, request, obj=None):
        return MailBounceForm.Meta.fields if obj is None else ("email_hash", "bounced_at", "reason")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("email_hash", "bounced_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change=change, **kwargs)

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.mail_bounce_record(
            email=data["email"], reason=data.get("reason") or "", at=data.get("bounced_at")
        )


@admin.register(PolicyNoticeLetter)
class PolicyNoticeLetterAdmin(admin.ModelAdmin):
    list_display = ("language", "subject", "updated_at")


@admin.register(PolicyNotice)
class PolicyNoticeAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "subject"
    list_display = ("at", "policy_version", "address_masked", "audience", "status")
    list_filter = ("status", "audience", "policy_version")
    date_hierarchy = "at"
    list_select_related = ("policy_version",)
    readonly_fields = ("policy_version", "subject", "address_masked", "audience", "status", "at")
    exclude = ("email_hash",)
