"""The admin of Other Information (activity events) and Customer-Generated Data."""

import ipaddress
from functools import cached_property

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import LargeTableAdmin
from privacyops.core.paginators import CappedCountPaginator
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from .. import selectors
from ..models import ActivityEvent, CustomerDataset
from .customer_access import CustomerDataReasonMixin
from .rendering import RowLinksChangeList


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


# How a link names the subject whose events the list shows (the subject page writes the first).
_SUBJECT_PARAMETERS = ("subject__id__exact", "subject__exact", "subject_id__exact")


class _EventPaginator(CappedCountPaginator):
    """The capped count, from the index that serves the list's filter (no row is read)."""

    @cached_property
    def count(self) -> int:
        # The admin's history page pages log entries with this paginator too: their count is
        # the plain capped one.
        if getattr(self.object_list, "model", None) is not ActivityEvent:
            return super().count
        return selectors.events_counted_up_to(self.object_list, cap=self.cap)


class _EventChangeList(RowLinksChangeList):
    """One subject's events: also only the months that subject has events in, so PostgreSQL
    reads those partitions alone (a date filter narrows further)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        for name in _SUBJECT_PARAMETERS:
            value = request.GET.get(name, "")
            if value.isdigit():
                queryset = queryset.filter(selectors.event_months_of(subject_id=int(value)))
        return queryset


@admin.register(ActivityEvent)
class ActivityEventAdmin(AccessLoggedAdminMixin, ReadOnlyRecordAdmin, LargeTableAdmin):
    """Tens of millions of rows: no count, no date drill-down, exact searches only."""

    access_log_subject = "subject"  # every view and export goes to the access log

    list_display = (
        "occurred_at",
        "event_kind",
        "login",
        "ip",
        "browser",
        "operating_system",
        "page",
        "subject",
    )
    # A date range is what lets PostgreSQL read only those months' partitions.
    list_filter = (("occurred_at", admin.DateFieldListFilter), "event_kind")
    list_select_related = ("subject",)
    search_fields = ("login",)  # the real search is get_search_results
    search_help_text = _("An exact login account name or IP address.")
    readonly_fields = [f.name for f in ActivityEvent._meta.fields]
    sortable_by = ("occurred_at",)
    paginator = _EventPaginator

    def get_changelist(self, request, **kwargs):
        return _EventChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        ip = _ip_or_none(term)
        if ip:
            return queryset.filter(ip=ip), False
        return queryset.filter(login=term), False


@admin.register(CustomerDataset)
class CustomerDatasetAdmin(CustomerDataReasonMixin, AccessLoggedAdminMixin, admin.ModelAdmin):
    # Customer-Generated Data: every look is logged with the reason asked for first; a dataset
    # holds many people, so the entry names the dataset rather than one subject.
    access_log_subject = None
    actions = ["export_datasets"]
    list_display = ("name", "account", "location", "approximate_records", "created_at")
    list_select_related = ("account",)
    search_fields = ("name",)
    autocomplete_fields = ("account", "subjects")
