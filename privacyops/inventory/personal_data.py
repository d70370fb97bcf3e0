"""The record of processing describes personal data; it holds none."""

from privacyops.core import registry

from .models import (
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
)

for model in (
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    Purpose,
    RecipientCategory,
):
    registry.not_personal(model, reason="Reference data of the record of processing.")
