"""`AccessLoggedAdminMixin`: put it first in the bases of any ModelAdmin showing personal data.

It writes an access-log line for every change-page view and every export of that admin. Tell
it whose data a row is with `access_log_subject` ("" when the row IS the data subject, or the
attribute path to it, e.g. "subject" or "contact_point__subject"); None means "not about one
person" (the entry is still written, without a subject).
"""

import re
from urllib.parse import urlencode

from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR

from . import services
from .encryption import blind_index
from .models import AccessLogEntry

EXPORT_IDS_KEPT = 1000  # ids listed in an export's log line; the count is always exact
# Filter values that cannot be anyone's data: choice keys, small ids, dates. Anything else (a
# search term, an e-mail in a filter) is written as its keyed hash, which still answers "did
# anyone search for this address?" for whoever computes the same hash.
_PLAIN_FILTER_VALUE = re.compile(r"^(?:[A-Za-z_]{1,40}|\d{1,9}|\d{4}-\d{2}-\d{2}(?: [\d:]+)?)$")


def logged_filters(query) -> str:
    """The list filters of a request as the access log keeps them: search terms hashed."""
    kept = []
    for key, values in query.lists():
        for value in values:
            if key == SEARCH_VAR or not _PLAIN_FILTER_VALUE.match(value):
                value = f"hmac:{blind_index(value)[:32]}" if value else ""
            kept.append((key, value))
    return urlencode(kept)[:500]


class AccessLoggedAdminMixin:
    access_log_subject: str | None = None

    def access_log_subject_of(self, obj):
        if self.access_log_subject is None or obj is None:
            return None
        subject = obj
        for part in filter(None, self.access_log_subject.split("__")):
            subject = getattr(subject, part, None)
            if subject is None:
                return None
        return subject

    def access_log_detail_of(self, request, obj) -> dict | None:
        """What else the entry for a look at `obj` records (e.g. the reason the viewer gave)."""
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                services.access_log_record(
                    user=request.user,
                    action=AccessLogEntry.Action.VIEWED,
                    obj=obj,
                    subject=self.access_log_subject_of(obj),
                    request=request,
                    detail=self.access_log_detail_of(request, obj),
                )
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        rows = queryset.count()
        ids = list(queryset.values_list("pk", flat=True)[: EXPORT_IDS_KEPT + 1])
        subject = None
        if self.access_log_subject is not None and rows == 1:
            subject = self.access_log_subject_of(queryset.first())
        opts = self.model._meta
        what = f"{rows} {opts.verbose_name_plural} ({file_format.get_title()})"
        services.access_log_record(
            user=request.user,
            action=AccessLogEntry.Action.EXPORTED,
            object_type=opts.label_lower,
            object_repr=what,
            subject=subject,
            request=request,
            detail={
                "format": file_format.get_title(),
                "rows": rows,
                "ids": [str(pk) for pk in ids[:EXPORT_IDS_KEPT]],
                "ids_truncated": len(ids) > EXPORT_IDS_KEPT,
                "filters": logged_filters(request.GET),
            },
        )
        return data
