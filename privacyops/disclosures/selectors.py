"""Reads of the disclosure log that encode a rule: what a person's access package names."""

from django.db.models import QuerySet

from .models import Disclosure


def disclosures_about(*, subject, include_withheld: bool = False) -> QuerySet[Disclosure]:
    """The disclosures of this person's data, oldest first; without those Legal withheld from
    access packages unless asked."""
    rows = Disclosure.objects.filter(subjects=subject)
    if not include_withheld:
        rows = rows.filter(withheld_from_access=False)
    return rows.prefetch_related("data_elements").order_by("disclosed_on", "id")


def disclosures_for_access_package(*, subject) -> list[dict]:
    """What the access package says of each disclosure shown (Art. 15(1)(c)): JSON-ready."""
    return [
        {
            "recipient": d.recipient,
            "recipient_kind": str(d.get_recipient_kind_display()),
            "disclosed_on": d.disclosed_on.isoformat(),
            "legal_basis": str(d.get_legal_basis_display()),
            "data": [e.name for e in d.data_elements.all()],
        }
        for d in disclosures_about(subject=subject)
    ]
