"""The record of processing describes personal data; it holds none."""

from privacyops.core import registry

from .models import (
    AdequacyDecision,
    CollectionSource,
    DataElement,
    DigitalProperty,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
    TrackingIdentifier,
    Vendor,
)

for model in (
    AdequacyDecision,
    DigitalProperty,
    TrackingIdentifier,
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
):
    registry.not_personal(model, reason="Reference data of the record of processing.")
registry.not_personal(
    Vendor,
    reason="A company we share data with; its contact is a role address, not a data subject.",
)
