"""Where the fulfilment records hold personal data (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .fulfilment_models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    RecipientNotification,
    RequestOutcome,
    SubjectChange,
)
from .personal_data import EVIDENCE

registry.register(
    SubjectChange,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("field", "old_value", "new_value", "changed_at"),
    # The fact that a detail was corrected stays; the values themselves go.
    erasure={"old_value": Strategy.MASK, "new_value": Strategy.MASK},
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
