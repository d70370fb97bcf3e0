"""The models of the dsr app: a request and its history (requests.py), what fulfilling it
leaves behind (fulfilment.py), and children's requests and data (children.py). Django finds
them here; import them from here."""

from .children import ChildDeclaration, ChildErasure, MinorAlert
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
    "ChildDeclaration",
    "ChildErasure",
    "CustomerDataForward",
    "ErasureCertificate",
    "MessageTemplate",
    "MinorAlert",
    "PrivacyRequest",
    "RecipientNotification",
    "ReminderSent",
    "RequestEvent",
    "RequestOutcome",
    "RequestType",
    "SubjectChange",
]
