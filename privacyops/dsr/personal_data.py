"""Where this app's personal data lives (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .disposal import privacy_requests_dispose
from .models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    MessageTemplate,
    PrivacyRequest,
    RecipientNotification,
    ReminderSent,
    RequestEvent,
    RequestOutcome,
    SubjectChange,
)

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

# --- What fulfilling a request leaves behind ------------------------------------------------
registry.register(
    SubjectChange,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("field", "old_value", "new_value", "changed_at"),
    # The fact that a detail was corrected stays; the values themselves go (blanked: they are
    # ciphertext, and only an empty value can be recognised as erased in SQL).
    erasure={"old_value": Strategy.BLANK, "new_value": Strategy.BLANK},
    retention_clock="changed_at",
)
registry.register(
    CustomerDataForward,
    category=registry.PERSONAL_INFORMATION,
    subject_path="request__subject",
    export_fields=(
        "account__company_name",
        "forwarded_at",
        "instruction",
        "instruction_received_at",
        "carried_out_at",
    ),
    erasure=registry.DELETE_ROW,
    retention_clock="forwarded_at",
    keep_reason=EVIDENCE,
    account_path="account",
)
registry.not_personal(
    AccessPackage,
    reason="Counts and a fingerprint of a package; the file itself lives outside the database "
    "and is deleted when its link expires or the person is erased.",
)
registry.not_personal(
    ErasureCertificate,
    reason="What kinds of records were erased and how many; never an erased value.",
)
registry.not_personal(
    RecipientNotification, reason="Which recipient category was told of which operation."
)
registry.not_personal(RequestOutcome, reason="Dates and counts of a request's answer.")
