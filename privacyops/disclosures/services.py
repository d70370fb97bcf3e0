"""Writes of the disclosure log: each in one transaction with its history row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Disclosure, DisclosureEvent


@transaction.atomic
def disclosure_record(
    *,
    recipient: str,
    recipient_kind: str,
    disclosed_on: datetime.date,
    legal_basis: str,
    data_elements,
    approved_by,
    by,
    subjects=(),
    accounts=(),
    order_reference: str = "",
    description: str = "",
) -> Disclosure:
    """Record a disclosure. The people it concerns are the subjects named and the contacts and
    license holders of the accounts named (their data went with the account's). Refuses a
    disclosure about nobody, of no data, or approved by someone who is not staff."""
    subjects, accounts, data_elements = list(subjects), list(accounts), list(data_elements)
    errors = {}
    if not subjects and not accounts:
        errors["subjects"] = _("Name the data subjects or the accounts whose data was disclosed.")
    if not data_elements:
        errors["data_elements"] = _("Name the data that was disclosed.")
    if approved_by is None or not approved_by.is_staff:
        errors["approved_by"] = _("A disclosure is approved by a member of staff.")
    if errors:
        raise ValidationError(errors)
    disclosure = Disclosure(
        recipient=recipient.strip(),
        recipient_kind=recipient_kind,
        disclosed_on=disclosed_on,
        legal_basis=legal_basis,
        order_reference=order_reference,
        description=description,
        approved_by=approved_by,
        recorded_by=by,
    )
    disclosure.full_clean(exclude=["data_elements", "subjects", "accounts"])
    disclosure.save()
    disclosure.data_elements.set(data_elements)
    disclosure.accounts.set(accounts)
    people = {s.pk for s in subjects}
    for account in accounts:
        people |= set(account.contacts.values_list("pk", flat=True))
        if account.license_holder_id:
            people.add(account.license_holder_id)
    disclosure.subjects.set(people)
    DisclosureEvent.objects.create(disclosure=disclosure, kind=DisclosureEvent.Kind.RECORDED, by=by)
    return disclosure


@transaction.atomic
def disclosure_withhold(*, disclosure: Disclosure, reason: str, by) -> DisclosureEvent | None:
    """Leave the disclosure out of access packages from now on, for the reason given (kept
    encrypted, on the disclosure and in its history). None when it was withheld already."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"withheld_reason": _("Say why the disclosure must not be shown to the person.")}
        )
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.withheld_from_access and disclosure.withheld_reason == reason:
        return None
    disclosure.withheld_from_access = True
    disclosure.withheld_reason = reason
    disclosure.save(update_fields=["withheld_from_access", "withheld_reason"])
    return DisclosureEvent.objects.create(
        disclosure=disclosure, kind=DisclosureEvent.Kind.WITHHELD, by=by, reason=reason
    )


@transaction.atomic
def disclosure_show(*, disclosure: Disclosure, by, reason: str = "") -> DisclosureEvent | None:
    """Show the disclosure in access packages again (the reason to withhold it has ended)."""
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if not disclosure.withheld_from_access:
        return None
    disclosure.withheld_from_access = False
    disclosure.save(update_fields=["withheld_from_access"])
    return DisclosureEvent.objects.create(
        disclosure=disclosure, kind=DisclosureEvent.Kind.SHOWN, by=by, reason=reason.strip()
    )
