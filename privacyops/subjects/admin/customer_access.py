"""Customer-Generated Data in the admin: a reason before every look, the record of looks, and
the customers' monthly reports."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.spreadsheets import row_safe

from .. import customer_access as services
from ..models import AccessReason, CustomerAccessReport, CustomerDataAccess


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why you need to see the customer's data"),
        choices=AccessReason.choices,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        help_text=_(
            "The support ticket number, or the reference of the order or of the "
            "customer's instruction."
        ),
    )

    def stated(self) -> services.StatedReason | None:
        try:
            return services.reason_validate(**self.cleaned_data)
        except ValueError as error:
            self.add_error(None, str(error))
            return None


class CustomerDataReasonMixin:
    """For the admin of customer datasets: each view or export first asks for the reason."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reason/",
                self.admin_site.admin_view(self.reason_view),
                name=self._url_name("reason"),
            ),
            *super().get_urls(),
        ]

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _reason_form_page(self, request, *, datasets, form, submit_label, carry=(), form_url=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Why do you need to see this customer's data?"),
            "datasets": datasets,
            "dataset_count": len(datasets),
            "form": form,
            "carry": list(carry),
            "submit_label": submit_label,
            "form_url": form_url,
        }
        return TemplateResponse(request, "subjects/customer_data_reason.html", context)

    def reason_view(self, request, object_id):
        dataset = self.get_object(request, unquote(object_id))
        if dataset is None or not self.has_view_permission(request, dataset):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and (stated := form.stated()):
            services.reason_remember(session=request.session, dataset=dataset, stated=stated)
            url = reverse(f"admin:{self._url_name('change')}", args=[dataset.pk])
            return HttpResponseRedirect(url)
        return self._reason_page(request, dataset=dataset, form=form)

    def _reason_page(self, request, *, dataset, form):
        return self._reason_form_page(
            request,
            datasets=[dataset],
            form=form,
            submit_label=gettext("Open the dataset"),
            form_url=reverse(f"admin:{self._url_name('reason')}", args=[dataset.pk]),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dataset = self.get_object(request, unquote(object_id)) if object_id else None
        if dataset is not None and self.has_view_permission(request, dataset):
            stated = services.reason_stated(session=request.session, dataset_ids=[dataset.pk])
            may_save = request.method == "GET" or self.has_change_permission(request, dataset)
            if stated is None and may_save:
                # Nothing of the dataset shows (or saves) until the reason is given.
                return self._reason_page(request, dataset=dataset, form=ReasonForm())
            if stated is not None and request.method == "GET":
                services.customer_data_access_record(
                    datasets=[dataset],
                    staff=request.user,
                    action=CustomerDataAccess.Action.VIEWED,
                    stated=stated,
                    request=request,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def access_log_detail_of(self, request, obj) -> dict | None:
        stated = services.reason_stated(session=request.session, dataset_ids=[obj.pk])
        return {"reason": stated.reason, "reference": stated.reference} if stated else None

    @admin.action(description=_("Export the selected datasets (CSV), giving the reason"))
    def export_datasets(self, request, queryset):
        datasets = list(queryset.select_related("account"))
        form = ReasonForm(request.POST if "reference" in request.POST else None)
        if form.is_bound and form.is_valid() and (stated := form.stated()):
            services.customer_data_access_record(
                datasets=datasets,
                staff=request.user,
                action=CustomerDataAccess.Action.EXPORTED,
                stated=stated,
                request=request,
            )
            return self._datasets_csv(datasets)
        carry = [("action", "export_datasets")] + [
            (admin.helpers.ACTION_CHECKBOX_NAME, dataset.pk) for dataset in datasets
        ]
        return self._reason_form_page(
            request, datasets=datasets, form=form, submit_label=gettext("Export"), carry=carry
        )

    export_datasets.allowed_permissions = ("view",)

    @staticmethod
    def _datasets_csv(datasets) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="customer-datasets.csv"'
        writer = csv.writer(response)
        writer.writerow(["account", "dataset", "what it holds", "where", "approximate records"])
        for dataset in datasets:
            writer.writerow(
                row_safe(
                    [
                        dataset.account.account_number,
                        dataset.name,
                        dataset.contents,
                        dataset.location,
                        dataset.approximate_records,
                    ]
                )
            )
        return response


@admin.register(CustomerDataAccess)
class CustomerDataAccessAdmin(ReadOnlyRecordAdmin):
    list_display = ("at", "staff_name", "action", "dataset", "account", "reason", "reference")
    list_filter = ("reason", "action")
    list_select_related = ("dataset", "account")
    search_fields = ("reference", "account__account_number")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in CustomerDataAccess._meta.fields]


@admin.register(CustomerAccessReport)
class CustomerAccessReportAdmin(ReadOnlyRecordAdmin):
    list_display = ("month", "account", "accesses", "sent_at")
    list_filter = ("month", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("account",)
    search_fields = ("account__account_number", "account__company_name")
    readonly_fields = (
        "account",
        "month",
        "accesses",
        "prepared_at",
        "sent_at",
        "sent_by",
        "report",
    )
    actions = ["send_to_customer"]

    @admin.display(description=_("the report"))
    def report(self, obj: CustomerAccessReport):
        # Rendered by a template that escapes every value.
        return mark_safe(services.report_render(report=obj, html=True)) if obj else ""  # noqa: S308

    @admin.action(description=_("Send the selected reports to the customers' license holders"))
    def send_to_customer(self, request, queryset):
        sent = 0
        for report in queryset.select_related("account"):
            try:
                services.customer_access_report_send(report=report, by=request.user)
                sent += 1
            except ValueError as error:
                self.message_user(request, f"{report}: {error}", messages.WARNING)
        if sent:
            self.message_user(
                request, gettext("%(count)d report(s) sent.") % {"count": sent}, messages.SUCCESS
            )

    send_to_customer.allowed_permissions = ("send_access_report",)

    def has_send_access_report_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("subjects.send_access_report")
