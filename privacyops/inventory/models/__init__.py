"""The record of processing (record.py), its vendors and transfers (vendors.py) and the cookie
register (cookies.py)."""

from .cookies import DigitalProperty, TrackingIdentifier
from .record import (
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    ProcessingRole,
    Purpose,
    RecipientCategory,
)
from .vendors import AdequacyDecision, Vendor

__all__ = [
    "AdequacyDecision",
    "CollectionSource",
    "DataElement",
    "DigitalProperty",
    "InformationCategory",
    "PolicyVersion",
    "ProcessingActivity",
    "ProcessingRole",
    "Purpose",
    "RecipientCategory",
    "TrackingIdentifier",
    "Vendor",
]
