"""The security app's models: sign-in and access evidence, and staff confidentiality."""

from .confidentiality import TrainingRecord, UndertakingAcceptance, UndertakingVersion
from .evidence import AccessLogEntry, LoginAttempt, SecurityEvent, StaffMember

__all__ = [
    "AccessLogEntry",
    "LoginAttempt",
    "SecurityEvent",
    "StaffMember",
    "TrainingRecord",
    "UndertakingAcceptance",
    "UndertakingVersion",
]
