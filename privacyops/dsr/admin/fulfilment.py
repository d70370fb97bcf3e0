"""Admin for fulfilling requests: one "Fulfilment" page per request, and the evidence it leaves.

`FulfilmentAdminMixin` gives the request admin (admin/requests.py) its fulfilment page, where
Legal builds packages, previews and carries out erasures, corrects details, restricts, records
objections, forwards to customers, ticks off the Art. 19 notifications and completes the
request; the change page links to it. Every button calls a service (dsr/services/).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import services
from ..forms import InstructionForm, MatchForm, NoticeForm, RectifyForm
from ..lifecycle import LifecycleError, State
from ..models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    PrivacyRequest,
    RecipientNotification,
    RequestOutcome,
    RequestType,
    SubjectChange,
)
from .statistics import RequestStatisticsAdminMixin

ERRORS = (services.RequestError, LifecycleError, ValidationError)


class FulfilmentAdminMixin:
    """The fulfilment page of a request and the staff copy of its package, as views of the
    request admin (their URL names: admin:dsr_privacyrequest_fulfilment, ..._package)."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/fulfilment/",
                self.admin_site.admin_view(self.fulfilment_view),
                name="dsr_privacyrequest_fulfilment",
            ),
            path(
                "<path:object_id>/package/<int:package_id>/",
                self.admin_site.admin_view(self.package_view),
                name="dsr_privacyrequest_package",
            ),
        ] + super().get_urls()

    # --- the staff copy of a package ------------------------------------------------------
    def package_view(self, request, object_id, package_id):
        obj = get_object_or_404(PrivacyRequest, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        package = get_object_or_404(AccessPackage, pk=package_id, request=obj)
        try:
            file = services.access_package_download(package=package, by=request.user)
        except services.PackageUnavailable:
            raise Http404("This package is no longer available.") from None
        return FileResponse(file.open("rb"), as_attachment=True, filename=package.filename)

    # --- the fulfilment page ----------------------------------------------------------------
    def _url(self, obj) -> str:
        return reverse("admin:dsr_privacyrequest_fulfilment", args=[obj.pk])

    def fulfilment_view(self, request, object_id):
        obj = get_object_or_404(PrivacyRequest.objects.select_related("subject"), pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        extra = {}
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            try:
                result = self._act(request, obj, request.POST.get("action", ""))
            except ERRORS as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{obj.reference}: {text}", messages.ERROR)
            else:
                if isinstance(result, dict):
                    extra = result  # a page to show (the erasure preview)
                else:
                    self.message_user(request, f"{obj.reference}: {result}")
                    if request.POST.get("action") == "complete":
                        return HttpResponseRedirect(
                            reverse("admin:dsr_privacyrequest_change", args=[obj.pk])
                        )
                    return HttpResponseRedirect(self._url(obj))
            obj.refresh_from_db()
        return TemplateResponse(
            request,
            "admin/dsr/privacyrequest/fulfilment.html",
            {**self.admin_site.each_context(request), **self._context(request, obj), **extra},
        )

    def _act(self, request, obj, action: str):
        user, post = request.user, request.POST
        if action == "match":
            form = MatchForm(post)
            if not form.is_valid():
                raise services.FulfilmentError(" ".join(form.errors.get("__all__", ["?"])))
            found = form.cleaned_data["found"]
            services.request_match_subject(request=obj, subject=found, by=user)
            return f"matched to data subject #{found.pk}."
        if action == "build_package":
            package = services.access_package_request(request=obj, by=user)
            return f"package #{package.pk} is being built; see its progress below."
        if action == "erasure_preview":
            report, plan = services.erasure_preview(request=obj, by=user)
            return {"preview": report, "plan": plan}
        if action == "erasure_execute":
            certificate = services.erasure_execute(request=obj, by=user, plan=post.get("plan", ""))
            return f"erased; certificate #{certificate.pk} recorded."
        if action == "rectify":
            form = RectifyForm(post)
            if not form.is_valid():
                raise services.FulfilmentError(form.errors.as_text())
            data = dict(form.cleaned_data)
            note = data.pop("note")
            made = services.subject_rectify(request=obj, by=user, changes=data, note=note)
            return f"{len(made)} detail(s) corrected." if made else "nothing changed."
        if action == "restrict":
            services.subject_restrict(request=obj, by=user, note=post.get("note", ""))
            return "processing restricted."
        if action == "objection":
            services.marketing_objection(request=obj, by=user)
            return "opted out of every marketing channel."
        if action == "forward":
            made = services.customer_data_forward(request=obj, by=user)
            return f"forwarded to {len(made)} customer(s); the requester was told."
        if action == "instruction":
            form = InstructionForm(post)
            if not form.is_valid():
                raise services.FulfilmentError(form.errors.as_text())
            forward = get_object_or_404(obj.customer_forwards, pk=form.cleaned_data["forward"])
            services.customer_instruction_record(
                forward=forward,
                instruction=form.cleaned_data["instruction"],
                text=form.cleaned_data["text"],
                by=user,
            )
            return "the customer's instruction is recorded."
        if action == "carry_out":
            forward = get_object_or_404(obj.customer_forwards, pk=post.get("forward"))
            services.customer_instruction_carry_out(forward=forward, by=user)
            return "the customer's instruction was carried out."
        if action == "notice":
            form = NoticeForm(post)
            if not form.is_valid():
                raise services.FulfilmentError(form.errors.as_text())
            notice = get_object_or_404(
                obj.recipient_notifications, pk=form.cleaned_data["notification"]
            )
            services.recipient_notification_mark(
                notification=notice,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=user,
            )
            return f"{notice.recipient}: marked."
        if action == "complete":
            services.request_transition(request=obj, to=State.COMPLETED, by=user)
            return "completed; the response was sent."
        raise services.FulfilmentError("Unknown step.")

    def _context(self, request, obj) -> dict:
        kind = obj.request_type
        subject = obj.subject
        notices = obj.recipient_notifications.select_related("recipient", "decided_by")
        details = services.subject_details(subject) if subject else {}
        return {
            "title": f"{obj.reference}: fulfilment",
            "original": obj,
            "opts": self.model._meta,
            "can_change": self.has_change_permission(request, obj),
            "in_progress": obj.state == State.IN_PROGRESS,
            "awaiting_approval": obj.state == State.AWAITING_APPROVAL,
            "redirected": obj.state == State.REDIRECTED and obj.redirect_to_id is not None,
            "is_access": kind in services.ACCESS_TYPES,
            "is_erasure": kind == RequestType.ERASURE,
            "is_rectification": kind == RequestType.RECTIFICATION,
            "is_restriction": kind == RequestType.RESTRICTION,
            "is_objection": kind in services.OBJECTION_TYPES,
            "objection_recorded": services.objection_recorded(obj),
            "subject": subject,
            "match_form": MatchForm(),
            "packages": obj.access_packages.select_related("job_run"),
            # The page reloads itself while a package is being built, to show the progress.
            "building": obj.access_packages.filter(
                status__in=[AccessPackage.Status.QUEUED, AccessPackage.Status.BUILDING]
            ).exists(),
            "certificates": obj.erasure_certificates.select_related("executed_by"),
            "notices": [
                (n, NoticeForm(initial={"notification": n.pk}))
                if n.status == "pending"
                else (n, None)
                for n in notices
            ],
            "rectify_form": RectifyForm(initial=details) if subject else None,
            "changes": obj.subject_changes.select_related("changed_by"),
            "customer_data": services.customer_data_of(subject),
            "forwards": [
                (f, InstructionForm(initial={"forward": f.pk}) if not f.instruction else None)
                for f in obj.customer_forwards.select_related("account").prefetch_related(
                    "datasets"
                )
            ],
            "blockers": services.completion_blockers(obj) if obj.is_open else [],
        }


@admin.register(AccessPackage)
class AccessPackageAdmin(ReadOnlyRecordAdmin):
    list_display = ("__str__", "status", "requested_at", "built_at", "expires_at", "downloads")
    list_filter = ("status",)
    list_select_related = ("request",)
    date_hierarchy = "requested_at"
    exclude = ("link_nonce",)
    readonly_fields = ("build_progress",)

    @admin.display(description=_("build progress"))
    def build_progress(self, obj: AccessPackage) -> str:
        run = obj.job_run
        if run is None:
            return "not started"
        url = reverse("admin:core_jobrun_change", args=[run.pk])
        return format_html(
            '<a href="{}">{}</a>: {} of {} steps', url, run, run.progress_done, run.progress_total
        )


@admin.register(ErasureCertificate)
class ErasureCertificateAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "request",
        "executed_at",
        "executed_by",
        "rows_deleted",
        "values_erased",
        "rows_kept",
        "addresses_suppressed",
    )
    list_select_related = ("request", "executed_by")
    date_hierarchy = "executed_at"


@admin.register(RecipientNotification)
class RecipientNotificationAdmin(ReadOnlyRecordAdmin):
    list_display = ("request", "operation", "recipient", "status", "decided_at", "decided_by")
    list_filter = ("status", "operation")
    list_select_related = ("request", "recipient", "decided_by")


@admin.register(SubjectChange)
class SubjectChangeAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "subject"  # the change log shows old and new values: logged
    list_display = ("subject", "field", "old_value", "new_value", "changed_at", "changed_by")
    list_filter = ("field",)
    list_select_related = ("subject", "changed_by")
    date_hierarchy = "changed_at"


@admin.register(CustomerDataForward)
class CustomerDataForwardAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin):
    access_log_subject = "request__subject"
    list_display = ("request", "account", "forwarded_at", "instruction", "carried_out_at")
    list_filter = ("instruction",)
    list_select_related = ("request", "account")


@admin.register(RequestOutcome)
class RequestOutcomeAdmin(RequestStatisticsAdminMixin, ReadOnlyRecordAdmin):
    # The statistics page (admin/statistics.py) is a view of this admin.
    list_display = (
        "request",
        "request_type",
        "regime",
        "result",
        "received_at",
        "completed_at",
        "response_days",
        "on_time",
    )
    list_filter = ("on_time", "result", "request_type", "regime")
    list_select_related = ("request",)
    date_hierarchy = "completed_at"
