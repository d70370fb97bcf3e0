"""The admin of privacy requests: the request admin with its fulfilment page (requests.py,
fulfilment.py) and the read-only records a request leaves. Registered on import (autodiscover)."""

from .children import ChildDeclarationAdmin, ChildErasureAdmin, MinorAlertAdmin
from .fulfilment import (
    AccessPackageAdmin,
    CustomerDataForwardAdmin,
    ErasureCertificateAdmin,
    FulfilmentAdminMixin,
    RecipientNotificationAdmin,
    RequestOutcomeAdmin,
    SubjectChangeAdmin,
)
from .requests import (
    MessageTemplateAdmin,
    PrivacyRequestAdmin,
    ReminderSentAdmin,
    RequestEventAdmin,
    days_left_tone,
)

__all__ = [
    "AccessPackageAdmin",
    "ChildDeclarationAdmin",
    "ChildErasureAdmin",
    "MinorAlertAdmin",
    "CustomerDataForwardAdmin",
    "ErasureCertificateAdmin",
    "FulfilmentAdminMixin",
    "MessageTemplateAdmin",
    "PrivacyRequestAdmin",
    "RecipientNotificationAdmin",
    "ReminderSentAdmin",
    "RequestEventAdmin",
    "RequestOutcomeAdmin",
    "SubjectChangeAdmin",
    "days_left_tone",
]
