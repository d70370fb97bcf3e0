"""The incident register and its workflow page (only the legal next steps are offered)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin_mixins import SpreadsheetExportMixin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import dashboard, notices, services
from ..forms import (
    Art34ExceptionForm,
    AwarenessForm,
    HoldForm,
    RiskForm,
    ScopeForm,
    TransitionForm,
)
from ..lifecycle import OPEN, LifecycleError, State, blockers, next_states
from ..models import AffectedData, Incident, IncidentEvent
from ..resources import BreachRegisterResource
from ..selectors import breaches, clock_running

STAFF_FIELDS = ("kind", "source", "title", "description", "started_at", "discovered_at")


class RegisterViewFilter(admin.SimpleListFilter):
    title = "saved view"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Open"),
            ("clock", "Authority clock running"),
            ("breaches", "Personal-data breaches (Art. 33(5) register)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=list(OPEN))
        if self.value() == "clock":
            return queryset.filter(pk__in=clock_running().values("pk"))
        if self.value() == "breaches":
            return queryset.filter(pk__in=breaches().values("pk"))
        return queryset


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "by", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = _("timeline")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AffectedDataInline(IncidentEventInline):
    model = AffectedData
    fields = ("title", "role", "records", "subjects", "account", "data_element", "counted_at")
    readonly_fields = fields
    ordering = ("role", "registration")
    verbose_name_plural = _("affected data (counted by the scope builder)")


@admin.register(Incident)
class IncidentAdmin(AccessLoggedAdminMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    access_log_subject = "reporter_subject"
    resource_classes = [BreachRegisterResource]
    list_display = (
        "reference_display",
        "title",
        "kind",
        "state",
        "risk",
        "aware_at",  # when reported is on the page: the list fits 1366 px
        "hours_left_display",
    )
    list_filter = (RegisterViewFilter, "state", "kind", "source", "risk")
    search_fields = ("title", "=reporter_email")
    date_hierarchy = "reported_at"
    list_select_related = ("handler",)
    inlines = [AffectedDataInline, IncidentEventInline]
    filter_horizontal = ("data_elements",)
    change_form_template = "incidents/admin/incident_change_form.html"
    fieldsets = (
        (None, {"fields": ("kind", "source", "state", "title", "description", "handler")}),
        (_("Reporter"), {"fields": ("reporter_name", "reporter_email", "reporter_subject")}),
        (
            _("Clock (GDPR Art. 33(1))"),
            {
                "fields": (
                    "reported_at",
                    "started_at",
                    "discovered_at",
                    "aware_at",
                    "aware_recorded_by",
                    "aware_recorded_at",
                    "authority_deadline",
                    "hours_left_display",
                    "authority_notified_at",
                    "delay_reasons",
                )
            },
        ),
        (
            _("Register (Art. 33(3) and (5))"),
            {
                "fields": (
                    "data_elements",
                    "subject_categories",
                    "approx_subjects",
                    "approx_records",
                    "likely_consequences",
                    "measures_taken",
                    "measures_proposed",
                    "risk",
                    "risk_reasoning",
                    "risk_assessed_by",
                    "risk_assessed_at",
                    "art34_exception",
                    "art34_exception_reason",
                    "closed_at",
                )
            },
        ),
    )

    class Media:
        css = {"all": ("css/dashboard.css",)}

    @admin.display(description=_("reference"), ordering="pk")
    def reference_display(self, obj: Incident) -> str:
        return obj.reference

    @admin.display(description=_("hours left to notify"), ordering="authority_deadline")
    def hours_left_display(self, obj: Incident) -> str:
        hours = obj.hours_left() if obj.pk and obj.is_open else None
        if hours is None:
            return "—"
        text = f"{-hours} h overdue" if hours < 0 else f"{hours} h"
        tone = dashboard.hours_tone(hours) or "ok"
        return format_html('<span class="po-days-left {}">{}</span>', tone, text)

    # --- the change form: facts only; every other change goes through the workflow page ---
    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": STAFF_FIELDS}),)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        editable = set(services.FACT_FIELDS) | {"data_elements"}
        editable -= {"approx_subjects", "approx_records"}  # counted by the scope builder
        names = [f.name for f in Incident._meta.fields] + ["data_elements"]
        return [name for name in names if name not in editable] + ["hours_left_display"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.FACT_FIELDS
        }
        if change:
            services.incident_facts_update(
                incident=Incident.objects.get(pk=obj.pk), by=request.user, changes=data
            )
            return
        created = services.incident_report(
            by=request.user, **{name: form.cleaned_data[name] for name in STAFF_FIELDS}
        )
        obj.pk = obj.id = created.pk

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): the categories of data change through the service (timeline).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # read-only inlines
        if change and "data_elements" in form.changed_data:
            services.incident_data_elements_set(
                incident=form.instance, by=request.user, elements=form.cleaned_data["data_elements"]
            )

    # --- the workflow page -----------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="incidents_incident_workflow",
            )
        ] + super().get_urls()

    def workflow_view(self, request, object_id):
        incident = get_object_or_404(Incident, pk=object_id)
        if not self.has_view_or_change_permission(request, incident):
            raise PermissionDenied
        can_change = self.has_change_permission(request, incident)
        action = request.POST.get("action", "") if request.method == "POST" else ""
        if action and not can_change:
            raise PermissionDenied
        forms = self.workflow_forms(incident, request.POST if action else None, action)
        if action:
            response = self.workflow_apply(request, incident, action, forms)
            if response is not None:
                return response
            incident.refresh_from_db()
        facts = services.incident_facts(incident)
        return TemplateResponse(
            request,
            "incidents/admin/workflow.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{incident.reference}: workflow",
                "original": incident,
                "opts": self.model._meta,
                "can_change": can_change,
                "forms": forms,
                "facts": facts,
                "close_blockers": blockers(State.CLOSED, facts)
                if State.CLOSED in next_states(incident.state)
                else [],
                "hours_left": incident.hours_left(),
                "hours_tone": dashboard.hours_tone(incident.hours_left() or 0),
                "clock_applies": facts.clock_applies,
                "affected": incident.affected.select_related("account"),
                "notifications": incident.authority_notifications.all(),
                "customer_notices": incident.customer_notices.select_related("account"),
                "customers_pending": notices.customers_to_notify(incident),
                "communications": incident.subject_communications.select_related("job_run"),
                "now": timezone.now(),
            },
        )

    def workflow_forms(self, incident: Incident, data, action: str) -> dict:
        def bound(name, form_class, **kwargs):
            return form_class(data if action == name else None, **kwargs)

        return {
            "transition": bound("transition", TransitionForm, steps=next_states(incident.state)),
            "awareness": bound("awareness", AwarenessForm),
            "risk": bound("risk", RiskForm),
            "scope": bound("scope", ScopeForm),
            "hold": bound("hold", HoldForm),
            "art34": bound("art34", Art34ExceptionForm),
        }

    def workflow_apply(self, request, incident: Incident, action: str, forms: dict):
        form = forms.get(action)
        if form is not None and not form.is_valid():
            return None
        data = form.cleaned_data if form is not None else {}
        by = request.user
        try:
            if action == "transition":
                services.incident_transition(
                    incident=incident, to=data["step"], reason=data["reason"], by=by
                )
            elif action == "awareness":
                services.incident_record_awareness(
                    incident=incident, aware_at=data["aware_at"], by=by
                )
            elif action == "risk":
                services.incident_assess_risk(incident=incident, by=by, **data)
            elif action == "scope":
                services.incident_scope_record(incident=incident, by=by, **data)
            elif action == "hold":
                services.incident_legal_hold_place(incident=incident, by=by, until=data["until"])
            elif action == "art34":
                services.incident_art34_exception_record(incident=incident, by=by, **data)
            elif action == "authority_draft":
                notification = notices.authority_notification_draft(incident=incident, by=by)
                return HttpResponseRedirect(
                    reverse("admin:incidents_authoritynotification_change", args=[notification.pk])
                )
            elif action == "customers":
                sent = notices.customer_notices_send(incident=incident, by=by)
                self.message_user(request, f"{len(sent)} customer(s) notified.")
            elif action == "subjects":
                notices.subject_communication_start(incident=incident, by=by)
                self.message_user(request, "Sending to the people affected (in the background).")
            else:
                raise PermissionDenied
        except (LifecycleError, services.IncidentError) as error:
            if form is None:
                self.message_user(request, str(error), level="error")
            else:
                form.add_error(None, str(error))
            return None
        return HttpResponseRedirect(
            reverse("admin:incidents_incident_workflow", args=[incident.pk])
        )
