"""Legal's admin for children: requests declared by children, the people under 18 found, and
the erasure of a child's data on Legal's decision (preview, reason, then exactly that)."""

import datetime

from django.contrib import admin, messages
from django.core import signing
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from ..models import ChildDeclaration, ChildErasure, MinorAlert
from ..services import children
from ..services.errors import FulfilmentError

PREVIEW_SALT = "dsr.child-erasure-preview"
PREVIEW_MAX_AGE = 3600  # an approved preview is good for an hour


@admin.register(ChildDeclaration)
class ChildDeclarationAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "request__subject"  # every view goes to the access log
    list_display = ("request", "declared_at", "guardian_page_shown")
    list_filter = ("declared_at",)
    date_hierarchy = "declared_at"
    list_select_related = ("request",)


@admin.register(ChildErasure)
class ChildErasureAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "pk",
        "subject_id",
        "executed_at",
        "executed_by",
        "rows_deleted",
        "values_erased",
        "rows_kept",
        "addresses_suppressed",
    )
    date_hierarchy = "executed_at"
    list_select_related = ("executed_by",)


@admin.register(MinorAlert)
class MinorAlertAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "subject"  # every view goes to the access log
    list_display = ("subject", "reason", "alerted_at", "erased")
    list_filter = ("reason", "alerted_at")
    date_hierarchy = "alerted_at"
    list_select_related = ("subject",)
    actions = ["erase_child_data"]

    @admin.display(description=_("erased"), boolean=True)
    def erased(self, alert) -> bool:
        return alert.subject.erased_at is not None

    def has_erase_child_data_permission(self, request):
        return request.user.has_perm("dsr.erase_child_data")

    @admin.action(
        description=_("Erase the child's data on Legal's decision (preview first)"),
        permissions=["erase_child_data"],
    )
    def erase_child_data(self, request, queryset):
        alerts = list(queryset.select_related("subject")[:2])
        if len(alerts) != 1:
            self.message_user(request, "Choose one person at a time.", messages.ERROR)
            return None
        alert = alerts[0]
        error = ""
        if request.POST.get("confirm") == "yes":
            try:
                approved = signing.loads(
                    request.POST.get("preview", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
                )
                if approved["subject"] != alert.subject_id:
                    raise signing.BadSignature("another person's preview")
                certificate = children.child_erasure_execute(
                    subject=alert.subject,
                    by=request.user,
                    reason=request.POST.get("reason", ""),
                    plan=approved["plan"],
                    previewed_at=datetime.datetime.fromisoformat(approved["at"]),
                )
            except signing.BadSignature:
                error = "The preview expired or is not this person's: look at it again."
            except FulfilmentError as refused:
                error = str(refused)
            else:
                self.log_change(request, alert, f"Child's data erased (#{certificate.pk})")
                self.message_user(
                    request,
                    f"The child's data was erased (certificate #{certificate.pk}).",
                    messages.SUCCESS,
                )
                return None
        try:
            report, plan = children.child_erasure_preview(subject=alert.subject)
        except FulfilmentError as refused:
            report, plan, error = None, "", str(refused)
        preview = signing.dumps(
            {"plan": plan, "at": timezone.now().isoformat(), "subject": alert.subject_id},
            salt=PREVIEW_SALT,
        )
        return TemplateResponse(
            request,
            "admin/dsr/minoralert/erase.html",
            {
                **self.admin_site.each_context(request),
                "title": "Erase a child's data",
                "opts": self.model._meta,
                "alert": alert,
                "report": report,
                "preview": preview,
                "error": error,
                "reason": request.POST.get("reason", ""),
            },
        )
