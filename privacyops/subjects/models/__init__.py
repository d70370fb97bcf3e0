"""The people the company holds data about, the customer accounts, and what is held.

One module per concern: people.py (data subjects, contact points, their change history),
accounts.py (accounts, assignments, contacts, license-holder changes), activity.py (activity
events, customer datasets), customer_access.py (who of the staff looked at a customer's data, and
why; the customers' monthly reports).
"""

from .accounts import Account, AccountAssignment, AccountContact, LicenseHolderChange
from .activity import ActivityEvent, CustomerDataset
from .customer_access import AccessReason, CustomerAccessReport, CustomerDataAccess
from .people import (
    ADULT_AGE,
    MINOR_AGE_BANDS,
    AgeBand,
    ContactPoint,
    DataSubject,
    PersonalDataChange,
    adult_birth_date_cutoff,
    minors_q,
    normalise_email,
)

__all__ = [
    "ADULT_AGE",
    "AccessReason",
    "MINOR_AGE_BANDS",
    "Account",
    "AccountAssignment",
    "AccountContact",
    "ActivityEvent",
    "AgeBand",
    "ContactPoint",
    "CustomerAccessReport",
    "CustomerDataAccess",
    "CustomerDataset",
    "DataSubject",
    "LicenseHolderChange",
    "PersonalDataChange",
    "adult_birth_date_cutoff",
    "minors_q",
    "normalise_email",
]
