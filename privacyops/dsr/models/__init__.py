"""The models of the dsr app: a request and its history (requests.py), and what fulfilling it
leaves behind (fulfilment.py). Django finds them here; import them from here."""

from .fulfilment import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    RecipientNotification,
    RequestOutcome,
    SubjectChange,
)
from .requests import (
    REGIME_CHOICES,
    STATE_CHOICES,
    Channel,
    MessageTemplate,
    PrivacyRequest,
    ReminderSent,
    RequestEvent,
    RequestType,
)

__all__ = [
    "REGIME_CHOICES",
    "STATE_CHOICES",
    "AccessPackage",
    "Channel",
    "CustomerDataForward",
    "ErasureCertificate",
    "MessageTemplate",
    "PrivacyRequest",
    "RecipientNotification",
    "ReminderSent",
    "RequestEvent",
    "RequestOutcome",
    "RequestType",
    "SubjectChange",
]
