"""The security app's models in the personal-data registry.

They hold data about staff (employees signing in and working), not about the data subjects the
registry exports and erases; the access log names subjects only as evidence of who looked at
them, and is append-only (kept as the controller's proof of lawful processing, Art. 5(2) GDPR).
"""

from privacyops.core import registry

from .models import (
    AccessLogEntry,
    LoginAttempt,
    SecurityEvent,
    StaffMember,
    TrainingRecord,
    UndertakingAcceptance,
    UndertakingVersion,
)

registry.not_personal(
    LoginAttempt, reason="Staff sign-in history (security evidence), not data-subject data."
)
registry.not_personal(SecurityEvent, reason="Staff second-factor and lockout events.")
registry.not_personal(StaffMember, reason="A view of staff accounts (auth.User).")
registry.not_personal(
    AccessLogEntry,
    reason="Append-only evidence of staff access; kept to prove need-to-know (Art. 5(2)).",
)
registry.not_personal(
    UndertakingVersion, reason="The text of the staff confidentiality undertaking."
)
registry.not_personal(
    UndertakingAcceptance,
    reason="Staff confidentiality evidence (who accepted which version), not data-subject data.",
)
registry.not_personal(TrainingRecord, reason="Staff privacy training records.")
