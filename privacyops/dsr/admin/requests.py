"""The request admin for the legal department: the list with saved views, next steps, history.

One PrivacyRequestAdmin: the fulfilment page and the staff copy of a package are views of it
(FulfilmentAdminMixin, admin/fulfilment.py). Every change goes through a service; the admin
renders the services' answers (the next steps are `services.request_next_steps`).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import ServiceCreatesObjectMixin, SpreadsheetExportMixin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import deadlines, selectors, services
from ..forms import AssignForm, NextStepForm, StaffRequestForm
from ..lifecycle import LABELS, REASON_REQUIRED, LifecycleError, State, next_states
from ..models import MessageTemplate, PrivacyRequest, ReminderSent, RequestEvent
from ..resources import PrivacyRequestResource
from .fulfilment import FulfilmentAdminMixin

WARN_DAYS, ALERT_DAYS = 7, 2


def days_left_tone(days: int) -> str:
    # Overdue is red, the last week amber (issue 19).
    if days < 0:
        return "alert"
    return "warn" if days <= WARN_DAYS else "ok"


class SavedViewFilter(admin.SimpleListFilter):
    title = "saved view"
    parameter_name = "view"

    def lookups(self, request, model_admin):
        return [
            ("open", "Open"),
            ("overdue", "Overdue"),
            ("week", "Due within 7 days"),
            ("mine", "Assigned to me"),
            ("unassigned", "Open and unassigned"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        open_ids = selectors.open_requests().values("pk")
        if value == "open":
            return queryset.filter(pk__in=open_ids)
        if value == "overdue":
            return queryset.filter(pk__in=selectors.overdue().values("pk"))
        if value == "week":
            return queryset.filter(pk__in=selectors.due_within(days=7).values("pk"))
        if value == "mine":
            return queryset.filter(assignee=request.user)
        if value == "unassigned":
            return queryset.filter(pk__in=open_ids, assignee__isnull=True)
        return queryset


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "by", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _transition_action(target: State):
    def action(modeladmin, request, queryset):
        done, failed = 0, []
        for obj in queryset:
            try:
                services.request_transition(request=obj, to=target, by=request.user)
                done += 1
            except LifecycleError as error:
                failed.append(f"{obj.reference}: {error}")
        if done:
            modeladmin.message_user(
                request,
                gettext("%(done)d request(s) now %(state)s.")
                % {"done": done, "state": gettext(LABELS[target]).lower()},
            )
        for message in failed:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"move_to_{target.value}"
    return (
        action,
        action.__name__,
        format_lazy(_("Move selected to: {state}"), state=_(LABELS[target])),
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(
    FulfilmentAdminMixin,
    ServiceCreatesObjectMixin,
    AccessLoggedAdminMixin,
    SpreadsheetExportMixin,
    admin.ModelAdmin,
):
    access_log_subject = "subject"  # every view and export goes to the access log
    resource_classes = [PrivacyRequestResource]
    add_form = StaffRequestForm
    # What matters first, and narrow enough for a 1366 px screen (tests/e2e/test_layout.py).
    list_display = (
        "reference_display",
        "right_display",
        "state",
        "days_left_display",
        "assignee",
        "due_date",
        "requester_name",
    )
    list_filter = (
        SavedViewFilter,
        "state",
        "request_type",
        "channel",
        "regime",
        "language",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    )
    # "=requester_email": an exact address, matched on its keyed hash (the column is ciphertext).
    search_fields = ("requester_name", "=requester_email")
    list_select_related = ("assignee",)
    date_hierarchy = "received_at"
    actions = ["assign_to_me", "assign_to"]
    inlines = [RequestEventInline]
    change_form_template = "admin/dsr/privacyrequest/change_form.html"
    readonly_fields = ("days_left_display", "acknowledgement_due_display", "next_steps")
    fieldsets = (
        (None, {"fields": ("request_type", "channel", "regime", "state", "next_steps")}),
        (
            _("Requester (as given)"),
            {
                "fields": (
                    "requester_name",
                    "requester_email",
                    "requester_phone",
                    "requester_address",
                    "language",
                    "details",
                    "subject",
                )
            },
        ),
        (
            _("Deadline"),
            {
                "fields": (
                    "received_at",
                    "due_date",
                    "days_left_display",
                    "acknowledgement_due_display",
                    "paused_days",
                    "paused_since",
                    "extended_on",
                    "extension_reason",
                )
            },
        ),
        (
            _("Handling"),
            {
                "fields": (
                    "assignee",
                    "identity_verified_at",
                    "identity_verification_note",
                    "resolution_reason",
                    "redirect_to",
                    "duplicate_of",
                    "closed_at",
                )
            },
        ),
    )

    class Media:
        css = {"all": ("css/dashboard.css",)}

    # --- list ---------------------------------------------------------------------------
    @admin.display(description=_("reference"), ordering="pk")
    def reference_display(self, obj: PrivacyRequest) -> str:
        return obj.reference

    @admin.display(description=_("right"), ordering="request_type")
    def right_display(self, obj: PrivacyRequest) -> str:
        return obj.get_request_type_display()

    @admin.display(description=_("days left"), ordering="due_date")
    def days_left_display(self, obj: PrivacyRequest) -> str:
        if obj.pk is None or not obj.is_open:
            return "—"
        if obj.clock_stopped:
            return format_html('<span class="po-days-left">{}</span>', "clock stopped")
        days = deadlines.days_left(obj.due_date, timezone.localdate())
        text = f"{-days} overdue" if days < 0 else f"{days}"
        return format_html('<span class="po-days-left {}">{}</span>', days_left_tone(days), text)

    @admin.display(description=_("confirm receipt by"))
    def acknowledgement_due_display(self, obj: PrivacyRequest) -> str:
        if obj.pk is None:
            return "—"
        due = deadlines.acknowledgement_due(
            obj.received_on, regime=obj.regime, country=settings.PRIVACYOPS_HOLIDAY_COUNTRY
        )
        if due is None:
            return "no separate step in this regime (receipt is acknowledged at once)"
        return f"{due:%d %B %Y}"

    @admin.display(description=_("allowed next steps"))
    def next_steps(self, obj: PrivacyRequest) -> str:
        if obj.pk is None:
            return "—"
        steps = services.request_next_steps(request=obj)
        return ", ".join(step.label for step in steps) or "none (closed)"

    # --- forms --------------------------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": StaffRequestForm.Meta.fields}),)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Every change goes through a service, so that it leaves a history entry.
        return [f.name for f in PrivacyRequest._meta.fields] + list(self.readonly_fields)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def create_with_service(self, request, form) -> PrivacyRequest:
        data = {name: form.cleaned_data[name] for name in StaffRequestForm.Meta.fields}
        return services.request_submit(by=request.user, **data)

    def change_with_service(self, request, obj, form) -> None:
        pass  # every field is read-only: a change is a next step or a fulfilment step

    # --- actions: only the legal next steps --------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            for name in ("assign_to_me", "assign_to"):
                actions.pop(name, None)
            return actions
        state = request.GET.get("state__exact")
        if state in {s.value for s in State}:
            for target in next_states(state):
                if target in REASON_REQUIRED:
                    continue  # one by one, with a reason, on the request's page
                action, name, description = _transition_action(target)
                actions[name] = (action, name, description)
        return actions

    @admin.action(description=_("Assign selected to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        changed = services.requests_assign(
            requests=queryset, assignee=request.user, by=request.user
        )
        self.message_user(
            request, gettext("%(changed)d request(s) assigned to you.") % {"changed": changed}
        )

    @admin.action(description=_("Assign selected to…"), permissions=["change"])
    def assign_to(self, request, queryset):
        if "apply" in request.POST:
            form = AssignForm(request.POST)
            if form.is_valid():
                assignee = form.cleaned_data["assignee"]
                changed = services.requests_assign(
                    requests=queryset, assignee=assignee, by=request.user
                )
                self.message_user(
                    request,
                    gettext("%(changed)d request(s) assigned to %(assignee)s.")
                    % {"changed": changed, "assignee": assignee or gettext("nobody")},
                )
                return None
        else:
            form = AssignForm()
        return TemplateResponse(
            request,
            "admin/dsr/privacyrequest/assign.html",
            {
                **self.admin_site.each_context(request),
                "title": "Assign privacy requests",
                "form": form,
                "requests": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    # --- one request: the next step ------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<path:object_id>/next-step/",
                self.admin_site.admin_view(self.next_step_view),
                name="dsr_privacyrequest_next_step",
            )
        ] + super().get_urls()

    def next_step_view(self, request, object_id):
        obj = get_object_or_404(PrivacyRequest, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        steps = services.request_next_steps(request=obj)
        form = NextStepForm(request.POST or None, steps=steps)
        if request.method == "POST" and form.is_valid():
            step, text = form.cleaned_data["step"], form.cleaned_data["text"]
            try:
                if step == services.STEP_VERIFY_IDENTITY:
                    services.request_verify_identity(request=obj, by=request.user, note=text)
                elif step == services.STEP_EXTEND:
                    services.request_extend(request=obj, reason=text, by=request.user)
                elif step == State.REDIRECTED:
                    services.request_redirect(
                        request=obj,
                        account=form.cleaned_data["account"],
                        reason=text,
                        by=request.user,
                    )
                else:
                    services.request_transition(
                        request=obj,
                        to=step,
                        reason=text,
                        note=text,
                        by=request.user,
                        refusal_ground=form.cleaned_data.get("refusal_ground", ""),
                    )
            except (LifecycleError, services.RequestError) as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, gettext("%(reference)s: done.") % {"reference": obj.reference}
                )
                return HttpResponseRedirect(
                    reverse("admin:dsr_privacyrequest_change", args=[obj.pk])
                )
        return TemplateResponse(
            request,
            "admin/dsr/privacyrequest/next_step.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{obj.reference}: next step",
                "form": form,
                "original": obj,
                "opts": self.model._meta,
            },
        )


@admin.register(RequestEvent)
class RequestEventAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "request__subject"  # every view goes to the access log
    list_display = ("request", "kind", "at", "by", "to_state", "note")  # fits 1366 px
    list_filter = ("kind",)
    list_select_related = ("request", "by")
    date_hierarchy = "at"


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyRecordAdmin):
    list_display = ("request", "kind", "due_date", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("request",)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "language", "subject", "updated_at")
    list_filter = ("language",)
    search_fields = ("subject",)
    readonly_fields = ("updated_at",)
