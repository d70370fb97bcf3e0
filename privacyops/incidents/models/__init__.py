"""The incident register (Art. 33(5)), its notifications and the public security.txt."""

from .notifications import (
    AuthorityNotification,
    CustomerNotice,
    LetterTemplate,
    SubjectCommunication,
    SubjectDelivery,
)
from .register import AffectedData, ClockReminder, Incident, IncidentEvent, Role
from .security_txt import SecurityTxt

__all__ = [
    "AffectedData",
    "AuthorityNotification",
    "ClockReminder",
    "CustomerNotice",
    "Incident",
    "IncidentEvent",
    "LetterTemplate",
    "Role",
    "SecurityTxt",
    "SubjectCommunication",
    "SubjectDelivery",
]
