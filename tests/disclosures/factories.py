"""Rows of the disclosures app made through its service (also the role matrix's makers)."""

import datetime

from privacyops.core import roles
from privacyops.disclosures import services
from privacyops.inventory.models import DataElement
from tests.factories import DataSubjectFactory, UserFactory


def disclosure(*, subjects=None, accounts=(), elements=None, **kwargs):
    legal = UserFactory(username="disclosure-approver", role=roles.LEGAL)
    values = {
        "recipient": "Sofia City Prosecutor's Office",
        "recipient_kind": "law_enforcement",
        "disclosed_on": datetime.date(2026, 3, 2),
        "legal_basis": "court_order",
        "order_reference": "Order 123/2026 of the Sofia District Court",
        "description": "Login history of the account holder.",
    } | kwargs
    return services.disclosure_record(
        data_elements=elements or list(DataElement.objects.order_by("pk")[:2]),
        subjects=[DataSubjectFactory()] if subjects is None and not accounts else subjects or [],
        accounts=accounts,
        approved_by=legal,
        by=legal,
        **values,
    )


MAKERS = {
    "disclosures.Disclosure": lambda: disclosure(),
    "disclosures.DisclosureEvent": lambda: disclosure().events.first(),
}
