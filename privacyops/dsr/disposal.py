"""The end of a privacy request's life: its whole file removed once its retention has run.

A request is evidence of how a right was honoured (GDPR Art. 5(2)); the record of processing
keeps it for a set period after closing, then the retention rule for privacy requests removes
it. Everything that hangs off a request PROTECTs it, so that nothing removes a request by
accident; this is the one place that removes a request, with everything that belongs to it.
"""

from django.db import transaction
from django.db.models import QuerySet

from .models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    PrivacyRequest,
    RecipientNotification,
    ReminderSent,
    RequestEvent,
    RequestOutcome,
    SubjectChange,
)
from .services.access import package_path

# Everything recorded about a request, removed before the request itself.
REQUEST_FILE = (
    RequestEvent,
    ReminderSent,
    AccessPackage,
    ErasureCertificate,
    RecipientNotification,
    SubjectChange,
    CustomerDataForward,
    RequestOutcome,
)


def privacy_requests_dispose(requests: QuerySet) -> int:
    """Remove these requests and their whole file (history, reminders, access packages and
    their files, certificates, notices, changes, forwards, outcome); returns how many
    requests. Called by retention for one window of requests, inside its transaction."""
    ids = list(requests.values_list("pk", flat=True))  # one window of requests: bounded
    if not ids:
        return 0
    files = [
        package_path(package)
        for package in AccessPackage.objects.filter(request_id__in=ids).exclude(stored_as="")
    ]
    for model in REQUEST_FILE:
        model._base_manager.filter(request_id__in=ids).delete()
    # A later request marked as a repeat of one removed here stays, without the link.
    PrivacyRequest._base_manager.filter(duplicate_of_id__in=ids).update(duplicate_of=None)
    PrivacyRequest._base_manager.filter(pk__in=ids).delete()
    # Package files go only once the rows are gone for good (a rolled-back window keeps both).
    transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in files])
    return len(ids)
