"""The security app's admin: sign-in and access evidence, and staff confidentiality."""

from .confidentiality import (
    TrainingRecordAdmin,
    UndertakingAcceptanceAdmin,
    UndertakingVersionAdmin,
)
from .evidence import (
    AccessLogEntryAdmin,
    LockoutAdmin,
    LoginAttemptAdmin,
    SecurityEventAdmin,
    StaffMemberAdmin,
)

__all__ = [
    "AccessLogEntryAdmin",
    "LockoutAdmin",
    "LoginAttemptAdmin",
    "SecurityEventAdmin",
    "StaffMemberAdmin",
    "TrainingRecordAdmin",
    "UndertakingAcceptanceAdmin",
    "UndertakingVersionAdmin",
]
