"""Notifications, evidence records, letter templates and security.txt."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import notices
from ..forms import AcknowledgeForm, SubmitNotificationForm
from ..models import (
    AffectedData,
    AuthorityNotification,
    ClockReminder,
    CustomerNotice,
    IncidentEvent,
    LetterTemplate,
    SecurityTxt,
    SubjectCommunication,
    SubjectDelivery,
)
from ..services import IncidentError


@admin.register(AuthorityNotification)
class AuthorityNotificationAdmin(admin.ModelAdmin):
    """A draft is an editable letter; submitting it records when it went to the authority."""

    list_display = ("incident", "phase", "status", "created_at", "submitted_at", "late")
    list_filter = ("status", "phase", "late")
    search_fields = ("subject", "authority_reference")
    list_select_related = ("incident",)
    date_hierarchy = "created_at"
    fields = (
        "incident",
        "phase",
        "status",
        "subject",
        "body",
        "created_at",
        "created_by",
        "submitted_at",
        "submitted_by",
        "late",
        "authority_reference",
    )
    change_form_template = "incidents/admin/notification_change_form.html"

    def has_add_permission(self, request):
        return False  # drafted from the incident's workflow page, from the register

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == AuthorityNotification.Status.DRAFT)

    def get_readonly_fields(self, request, obj=None):
        editable = {"subject", "body"} if obj and obj.status == "draft" else set()
        return [name for name in self.fields if name not in editable]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name="incidents_authoritynotification_submit",
            )
        ] + super().get_urls()

    def submit_view(self, request, object_id):
        notification = get_object_or_404(AuthorityNotification, pk=object_id)
        if not self.has_change_permission(request, notification):
            raise PermissionDenied
        form = SubmitNotificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notices.authority_notification_submit(
                    notification=notification, by=request.user, **form.cleaned_data
                )
            except IncidentError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, f"{notification}: submitted.")
                return HttpResponseRedirect(
                    reverse("admin:incidents_incident_workflow", args=[notification.incident_id])
                )
        return TemplateResponse(
            request,
            "incidents/admin/submit.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Submit: {notification}",
                "form": form,
                "notification": notification,
                "late": notification.incident.authority_deadline
                and timezone.now() > notification.incident.authority_deadline,
                "opts": self.model._meta,
            },
        )


@admin.register(CustomerNotice)
class CustomerNoticeAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    """What each customer was told, and its acknowledgement (recorded from the incident)."""

    access_log_subject = None
    list_display = ("incident", "account", "recipient_count", "sent_at", "acknowledged_at")
    list_filter = (("acknowledged_at", admin.EmptyFieldListFilter),)
    search_fields = ("account__company_name", "account__account_number")
    list_select_related = ("incident", "account")
    date_hierarchy = "sent_at"
    readonly_fields = [f.name for f in CustomerNotice._meta.fields if f.name != "id"]
    actions = ["acknowledge"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Record the customer's acknowledgement"), permissions=["change"])
    def acknowledge(self, request, queryset):
        if "apply" in request.POST:
            form = AcknowledgeForm(request.POST)
            if form.is_valid():
                done = 0
                for notice in queryset.filter(acknowledged_at__isnull=True):
                    notices.customer_notice_acknowledge(
                        notice=notice, by=request.user, **form.cleaned_data
                    )
                    done += 1
                self.message_user(request, f"{done} acknowledgement(s) recorded.")
                return None
        else:
            form = AcknowledgeForm()
        return TemplateResponse(
            request,
            "incidents/admin/acknowledge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Record acknowledgements",
                "form": form,
                "notices": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyRecordAdmin):
    list_display = ("incident", "kind", "at", "by", "from_state", "to_state", "note")
    list_filter = ("kind",)
    search_fields = ("note",)
    list_select_related = ("incident", "by")
    date_hierarchy = "at"


@admin.register(AffectedData)
class AffectedDataAdmin(ReadOnlyRecordAdmin):
    list_display = ("incident", "title", "role", "records", "subjects", "account", "counted_at")
    list_filter = ("role", "registration")
    list_select_related = ("incident", "account")


@admin.register(ClockReminder)
class ClockReminderAdmin(ReadOnlyRecordAdmin):
    list_display = ("incident", "mark", "deadline", "sent_at")
    list_filter = ("mark",)
    list_select_related = ("incident",)


@admin.register(SubjectCommunication)
class SubjectCommunicationAdmin(ReadOnlyRecordAdmin):
    list_display = ("incident", "status", "started_at", "finished_at", "progress")
    list_filter = ("status",)
    list_select_related = ("incident", "job_run")

    @admin.display(description=_("progress"))
    def progress(self, obj: SubjectCommunication) -> str:
        run = obj.job_run
        if run is None:
            return "queued"
        return f"{run.progress_done} of {run.progress_total} ({run.get_status_display()})"


@admin.register(SubjectDelivery)
class SubjectDeliveryAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "subject"
    list_display = ("communication", "subject", "outcome", "at")
    list_filter = ("outcome",)
    list_select_related = ("communication__incident", "subject")


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "language", "subject", "updated_at")
    list_filter = ("language",)
    search_fields = ("key", "subject")
    readonly_fields = ("updated_at",)


@admin.register(SecurityTxt)
class SecurityTxtAdmin(admin.ModelAdmin):
    """Saving the text is reviewing it: the review date lets beat renew the expiry."""

    list_display = ("__str__", "reviewed_at", "reviewed_by", "auto_renew")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("reviewed_at", "reviewed_by", "expiry_warned_for", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SecurityTxt.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.reviewed_at, obj.reviewed_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)
        messages.info(request, "Recorded as reviewed now; beat keeps the expiry renewed.")
