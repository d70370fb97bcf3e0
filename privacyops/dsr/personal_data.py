"""Where this app's personal data lives (see core.registry)."""

from privacyops.core import registry

from .disposal import privacy_requests_dispose
from .models import MessageTemplate, PrivacyRequest, ReminderSent, RequestEvent

# A request and its history are the evidence that a right was honoured (GDPR Art. 5(2),
# accountability): erasing the subject keeps them, and says so.
EVIDENCE = (
    "Kept as evidence of how the request was handled (GDPR Art. 5(2) and 17(3)(e)); "
    "removed by the retention rules for privacy requests."
)

registry.register(
    PrivacyRequest,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=(
        "id",
        "request_type",
        "channel",
        "requester_name",
        "requester_email",
        "requester_phone",
        "requester_address",
        "details",
        "received_at",
        "state",
        "due_date",
        "closed_at",
    ),
    erasure=registry.DELETE_ROW,
    retention_clock="closed_at",
    keep_reason=EVIDENCE,
    dispose=privacy_requests_dispose,
)
registry.register(
    RequestEvent,
    category=registry.PERSONAL_INFORMATION,
    subject_path="request__subject",
    export_fields=("request_id", "kind", "at", "note"),
    erasure=registry.DELETE_ROW,
    retention_clock="at",
    keep_reason=EVIDENCE,
)
registry.not_personal(MessageTemplate, reason="Wording of letters; no one's data.")
registry.not_personal(
    ReminderSent, reason="Which internal reminder went out for which request; staff addresses."
)
from . import fulfilment_personal_data  # noqa: E402, F401  (fulfilment records, issue 5)
