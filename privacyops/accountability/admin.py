"""Admin: the policy paragraph by paragraph (Legal corrects and marks; Auditor reads), the live
report page filterable by status, its printable file, and the stored monthly reports."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from privacyops.core import controls
from privacyops.core.admin import ReadOnlyRecordAdmin

from . import report, services
from .models import AccountabilityReport, PolicyParagraph


class PolicyParagraphForm(forms.ModelForm):
    control_keys = forms.MultipleChoiceField(
        label=_("controls that keep it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Named checks defined in the code; a promise without any is 'not operated'."),
    )

    class Meta:
        model = PolicyParagraph
        fields = ["version", "number", "heading", "text", "kind", "control_keys", "activities"]
        fields += ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_keys"].choices = controls.choices()


class StatusFilter(admin.SimpleListFilter):
    """Status is computed from live evidence, not stored: computed once for the listed rows."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(report.STATUS_LABELS.items())

    def queryset(self, request, queryset):
        wanted = self.value()
        if not wanted:
            return queryset
        paragraphs = list(queryset)
        evidence = report.evidence_for_paragraphs(paragraphs, now=None)
        keep = [p.pk for p in paragraphs if report.paragraph_status(p, evidence) == wanted]
        return queryset.filter(pk__in=keep)


@admin.register(PolicyParagraph)
class PolicyParagraphAdmin(admin.ModelAdmin):
    form = PolicyParagraphForm
    list_display = ("number", "heading", "kind", "controls_listed", "version")
    list_display_links = ("number", "heading")
    list_filter = ("version", "kind", StatusFilter)
    search_fields = ("heading", "text")
    filter_horizontal = ("activities",)
    actions = ["resplit", "merge"]
    change_list_template = "admin/accountability/policyparagraph/change_list.html"

    @admin.display(description=_("controls"))
    def controls_listed(self, paragraph: PolicyParagraph) -> str:
        return ", ".join(paragraph.control_keys) or "—"

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {
            "text": _(
                "To correct the split, put a line break where this paragraph should end: what "
                "follows becomes the next paragraph (not yet marked) and the numbers after it "
                "move up. To join paragraphs, select them in the list and merge them."
            )
        }
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.paragraph_save(paragraph=obj, by=request.user, changed=form.changed_data)
        except ValidationError as error:  # the form's choices already refuse unknown keys
            raise PermissionDenied(str(error)) from error

    @admin.action(description=_("Re-split the policy version from its full text"))
    def resplit(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        versions = {paragraph.version for paragraph in queryset.select_related("version")}
        for version in versions:
            made = services.policy_split(version=version, by=request.user)
            self.message_user(
                request,
                _("Version %(version)s split into %(n)d paragraphs.")
                % {"version": version.version, "n": len(made)},
                messages.SUCCESS,
            )

    resplit.allowed_permissions = ("change",)

    @admin.action(description=_("Merge the selected paragraphs into the first"))
    def merge(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            first = services.paragraphs_merge(paragraphs=list(queryset), by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, _("Merged into paragraph %(n)d.") % {"n": first.number}, messages.SUCCESS
        )

    merge.allowed_permissions = ("change",)

    def get_urls(self):
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="accountability_policyparagraph_report",
            ),
            path(
                "report/print/",
                self.admin_site.admin_view(self.print_view),
                name="accountability_policyparagraph_print",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = report.report_build()
        status = request.GET.get("status", "")
        if status in report.STATUS_LABELS:
            data["sections"] = [s for s in data["sections"] if s["status"] == status]
        else:
            status = ""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Accountability report"),
            "report": data,
            "status": status,
            "editable": self.has_change_permission(request),
            "base_url": "",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accountability/report_page.html", context)

    def print_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponse(report.report_html(report.report_build()))


@admin.register(AccountabilityReport)
class AccountabilityReportAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "generated_at",
        "policy_version",
        "promises_kept",
        "promises_at_risk",
        "promises_not_operated",
        "generated_by",
        "download_link",
    )
    list_filter = ("policy_version",)
    date_hierarchy = "generated_at"
    readonly_fields = [f.name for f in AccountabilityReport._meta.fields] + ["download_link"]

    @admin.display(description=_("file"))
    def download_link(self, stored: AccountabilityReport) -> str:
        if not stored.pk:
            return "—"
        url = reverse("admin:accountability_accountabilityreport_download", args=[stored.pk])
        return format_html('<a href="{}">{}</a>', url, stored.filename)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="accountability_accountabilityreport_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        stored = self.get_object(request, object_id)
        if stored is None:
            raise Http404
        if not self.has_view_permission(request, stored):
            raise PermissionDenied
        path_ = services.report_download(stored=stored, by=request.user, request=request)
        if path_ is None:
            raise Http404("The stored file is missing.")
        return FileResponse(path_.open("rb"), as_attachment=True, filename=stored.filename)
