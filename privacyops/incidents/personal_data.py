"""Where this app's personal data lives (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .models import (
    AffectedData,
    AuthorityNotification,
    ClockReminder,
    CustomerNotice,
    Incident,
    IncidentEvent,
    LetterTemplate,
    SecurityTxt,
    SubjectCommunication,
    SubjectDelivery,
)

# The register of breaches must document every one (GDPR Art. 33(5)); erasing a person keeps
# the entry (its reporter details are encrypted at rest), and says so.
EVIDENCE = (
    "Kept in the register of personal-data breaches (GDPR Art. 33(5)) as evidence of how the "
    "incident was handled (Art. 5(2), 17(3)(b) and (e))."
)

registry.register(
    Incident,
    category=registry.PERSONAL_INFORMATION,
    subject_path="reporter_subject",
    export_fields=("id", "kind", "reporter_name", "reporter_email", "reported_at", "state"),
    erasure={"reporter_name": Strategy.BLANK, "reporter_email": Strategy.BLANK},
    retention_clock="closed_at",
    keep_reason=EVIDENCE,
)
registry.register(
    SubjectDelivery,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("communication__incident_id", "communication__subject", "outcome", "at"),
    erasure=registry.DELETE_ROW,
    retention_clock="at",
    keep_reason=EVIDENCE,
)
registry.register(
    CustomerNotice,
    category=registry.PERSONAL_INFORMATION,
    subject_path="account__account_contacts__subject",
    export_fields=("incident_id", "account__company_name", "subject", "sent_at", "acknowledged_at"),
    erasure={"recipients": Strategy.BLANK, "acknowledged_by_name": Strategy.BLANK},
    retention_clock="sent_at",
    keep_reason=EVIDENCE,
    account_path="account",
)
registry.not_personal(
    IncidentEvent,
    reason="Timeline of staff actions; written with references and counts, never reporter details.",
)
registry.not_personal(
    AffectedData, reason="Counts of affected records per kind of record; no one's values."
)
registry.not_personal(
    AuthorityNotification,
    reason="Letters to the authority built from the register's counts and descriptions.",
)
registry.not_personal(
    SubjectCommunication, reason="The wording of an Art. 34 communication; deliveries are apart."
)
registry.not_personal(ClockReminder, reason="Which internal reminder went out; staff addresses.")
registry.not_personal(LetterTemplate, reason="Wording of letters; no one's data.")
registry.not_personal(SecurityTxt, reason="The public security contact of the company.")
