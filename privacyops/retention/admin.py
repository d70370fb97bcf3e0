from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core import registry
from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import ServiceCreatesObjectMixin, SpreadsheetExportMixin
from privacyops.inventory.admin import ProcessingActivityAdmin, RecordExtension
from privacyops.inventory.models import ProcessingActivity

from . import selectors, services, tasks
from .models import DispositionReview, LegalHold, PurgeRun, RetentionEvent, RetentionRule
from .resources import PurgeRunResource


def _registered_models():
    return [("", "—")] + sorted(
        (r.label, f"{r.title} ({r.label})") for r in registry.registrations()
    )


class RetentionRuleForm(forms.ModelForm):
    target_model = forms.ChoiceField(label=_("kind of record"), required=False, choices=())

    class Meta:
        model = RetentionRule
        fields = (
            "code",
            "name",
            "processing_activity",
            "is_active",
            "legal_basis",
            "target_model",
            "target_category",
            "subject_kinds",
            "only_without_account",
            "clock",
            "period_count",
            "period_unit",
            "action",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_model"].choices = _registered_models()
        self.fields["target_model"].help_text = RetentionRule._meta.get_field(
            "target_model"
        ).help_text


@admin.register(RetentionRule)
class RetentionRuleAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    form = RetentionRuleForm
    list_display = (
        "name",
        "covers",
        "period",  # the clock is on the page and a filter: the list fits 1366 px
        "action",
        "processing_activity",
        "is_active",
    )
    list_filter = ("is_active", "action", "clock", "target_category", "processing_activity")
    search_fields = ("name", "code")
    list_select_related = ("processing_activity",)
    readonly_fields = ("lease_owner", "lease_expires_at", "created_at", "updated_at")
    actions = ["preview", "run_now"]
    fieldsets = (
        (None, {"fields": ("code", "name", "processing_activity", "is_active", "legal_basis")}),
        (
            _("What it covers"),
            {
                "fields": (
                    "target_model",
                    "target_category",
                    "subject_kinds",
                    "only_without_account",
                )
            },
        ),
        (_("How long"), {"fields": ("clock", "period_count", "period_unit", "action")}),
        (_("Runs"), {"fields": ("lease_owner", "lease_expires_at", "created_at", "updated_at")}),
    )

    @admin.display(description=_("covers"))
    def covers(self, rule: RetentionRule) -> str:
        return rule.target_model or registry.CATEGORY_NAMES.get(rule.target_category, "")

    @admin.action(description=_("Preview (dry run): counts and a sample"), permissions=["view"])
    def preview(self, request, queryset):
        previews = [(rule, services.retention_rule_preview(rule=rule)) for rule in queryset]
        return TemplateResponse(
            request,
            "admin/retention/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Dry run"),
                "previews": previews,
            },
        )

    @admin.action(description=_("Run now on a worker"), permissions=["change"])
    def run_now(self, request, queryset):
        ids = list(
            selectors.rules_active()
            .filter(pk__in=queryset.values("pk"))
            .values_list("pk", flat=True)
        )
        for rule_id in ids:
            transaction.on_commit(lambda rule_id=rule_id: tasks.run_rule.delay(rule_id))
        self.message_user(
            request, gettext("%(count)d active rule(s) sent to the workers.") % {"count": len(ids)}
        )


class HoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ("subject", "account", "matter", "reason", "starts_on", "ends_on")


@admin.register(LegalHold)
class LegalHoldAdmin(ServiceCreatesObjectMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    form = HoldForm
    list_display = ("matter", "target", "starts_on", "ends_on", "placed_by", "released_at")
    list_filter = ("starts_on", "ends_on", "released_at")
    search_fields = ("matter",)
    raw_id_fields = ("subject", "account")
    list_select_related = ("subject", "account", "placed_by")
    actions = ["release"]

    def get_readonly_fields(self, request, obj=None):
        base = ["placed_by", "placed_at", "released_at", "released_by", "expiry_announced_at"]
        if obj is not None:
            base += ["subject", "account", "starts_on"]
        return base

    def get_fields(self, request, obj=None):
        fields = ["subject", "account", "matter", "reason", "starts_on", "ends_on"]
        return fields + (
            ["placed_by", "placed_at", "released_at", "released_by", "expiry_announced_at"]
            if obj
            else []
        )

    def has_delete_permission(self, request, obj=None):
        return False  # evidence: a hold is released, never deleted

    @admin.display(description=_("on"))
    def target(self, hold: LegalHold) -> str:
        return str(hold.target)

    def create_with_service(self, request, form):
        hold = form.instance  # the form's values, not saved
        return services.legal_hold_place(
            by=request.user,
            matter=hold.matter,
            reason=hold.reason,
            subject=hold.subject,
            account=hold.account,
            starts_on=hold.starts_on,
            ends_on=hold.ends_on,
        )

    def change_with_service(self, request, obj, form):
        services.legal_hold_change(
            hold=obj,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in ("matter", "reason", "ends_on")},
        )

    @admin.action(description=_("Release the selected holds"), permissions=["change"])
    def release(self, request, queryset):
        released = 0
        for hold in queryset.filter(released_at__isnull=True):
            services.legal_hold_release(hold=hold, by=request.user)
            released += 1
        self.message_user(request, gettext("%(count)d hold(s) released.") % {"count": released})


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("decision"),
        required=False,
        choices=[("", "—"), ("approve", _("Approve disposal")), ("extend", _("Keep longer"))],
    )

    class Meta:
        model = DispositionReview
        fields = ("comment", "extended_until")

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == services.EXTEND and not data.get("extended_until"):
            raise ValidationError(
                {"extended_until": gettext("Say until when the records are kept.")}
            )
        if decision:
            # The service's own rules, shown before anything is saved.
            refused = services.disposition_review_refusal(
                review=self.instance,
                decision=decision,
                until=data.get("extended_until"),
                comment=data.get("comment") or "",
            )
            if refused:
                self.add_error(None, refused)
        return data


@admin.register(DispositionReview)
class DispositionReviewAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ("rule", "status", "rows_found", "cutoff", "created_at", "decided_by")
    list_filter = ("status", "rule")
    list_select_related = ("rule", "decided_by")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        base = ["rule", "status", "cutoff", "rows_found", "sample_table", "created_at"]
        if obj and obj.status == DispositionReview.Status.PENDING:
            return base + ["decision", "comment", "extended_until"]
        return base + ["decided_by", "decided_at", "comment", "extended_until"]

    def get_readonly_fields(self, request, obj=None):
        ro = [
            "rule",
            "status",
            "cutoff",
            "rows_found",
            "sample_table",
            "created_at",
            "decided_by",
            "decided_at",
        ]
        if not obj or obj.status != DispositionReview.Status.PENDING:
            ro += ["comment", "extended_until"]
        return ro

    @admin.display(description=_("what was found"))
    def sample_table(self, review: DispositionReview):
        return format_html_join(
            "",
            gettext("<p><b>{}</b>: {} records ({}), {} under hold. Sample: <code>{}</code></p>"),
            ((e["title"], e["rows"], e["action"], e["held"], e["sample"]) for e in review.sample),
        )

    def save_model(self, request, obj, form, change):
        # The form has already shown any refusal; the service decides (and, on approval,
        # starts the run that disposes of the records).
        data = form.cleaned_data
        decision, comment = data.get("decision"), data.get("comment", "")
        if decision == services.APPROVE:
            services.disposition_review_approve(review=obj, by=request.user, comment=comment)
        elif decision == services.EXTEND:
            services.disposition_review_extend(
                review=obj, by=request.user, until=data["extended_until"], comment=comment
            )
        obj.refresh_from_db()


@admin.register(PurgeRun)
class PurgeRunAdmin(SpreadsheetExportMixin, ReadOnlyRecordAdmin):
    resource_classes = [PurgeRunResource]
    list_display = (
        "rule",
        "status",
        "started_at",
        "finished_at",
        "rows_examined",
        "rows_deleted",
        "rows_anonymised",
        "rows_skipped_held",
    )
    list_filter = ("status", "rule")
    list_select_related = ("rule",)
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in PurgeRun._meta.fields]


@admin.register(RetentionEvent)
class RetentionEventAdmin(ReadOnlyRecordAdmin):
    list_display = ("kind", "at", "by", "hold", "review", "run")
    list_filter = ("kind",)
    date_hierarchy = "at"
    list_select_related = ("by", "hold", "review", "run")
    readonly_fields = [f.name for f in RetentionEvent._meta.fields]


# --- The record of processing shows each rule beside its activity ---------------------------
# inventory must not import retention: retention adds an inline and a column to the one
# ProcessingActivityAdmin through its extension point.


class RetentionRuleInline(admin.TabularInline):
    model = RetentionRule
    fk_name = "processing_activity"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "period", "clock", "action", "legal_basis", "is_active")
    readonly_fields = fields
    verbose_name = _("retention rule (edit under Retention)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.display(description=_("retention rules"))
def retention_rules(activity: ProcessingActivity):
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:retention_retentionrule_change", args=[r.pk]), str(r))
            for r in activity.retention_rules.all()
        ),
    ) or format_html("{}", "—")


ProcessingActivityAdmin.extend(
    RecordExtension(
        inline=RetentionRuleInline, column=retention_rules, prefetch=("retention_rules",)
    )
)
