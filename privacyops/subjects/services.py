"""Business operations on subjects and accounts: license-holder changes, staff edits of personal
data. Ingestion of activity events is ingest.py's."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from privacyops.core.erasure import masked
from privacyops.core.registry import jsonable

from . import selectors
from .models import Account, ContactPoint, DataSubject, LicenseHolderChange, PersonalDataChange

# What a customer may only change through their account representative.
LICENSE_HOLDER_FIELDS = ("license_holder", "license_holder_email", "license_holder_phone")


def _recorded(name: str, value) -> str | int | None:
    if name == "license_holder":
        return None if value is None else f"{value} (#{value.pk})"
    return value


@transaction.atomic
def account_license_holder_update(
    *,
    account: Account,
    changes: dict,
    requested_by: DataSubject | None,
    channel: str,
    by,
    note: str = "",
) -> LicenseHolderChange | None:
    """Change an account's license-holder details and record who asked, how, who did it.

    `changes` maps license-holder fields to their new values. The change and its record are
    written in one transaction; a change that changes nothing records nothing (returns None).
    Refuses: fields other than the license-holder ones, a user who may not see the account,
    a requester who is not one of the account's contacts, an unknown channel.
    """
    unknown = set(changes) - set(LICENSE_HOLDER_FIELDS)
    if unknown:
        raise ValidationError(f"Not license-holder details: {', '.join(sorted(unknown))}")
    if not selectors.accounts_visible_to(user=by).filter(pk=account.pk).exists():
        raise PermissionDenied("This account is not assigned to you.")
    if channel not in LicenseHolderChange.Channel.values:
        raise ValidationError({"channel": "Say through which channel the customer asked."})
    if requested_by is None and not selectors.sees_all_accounts(user=by):
        raise ValidationError({"requested_by": "Say which customer contact asked for it."})
    contacts = selectors.account_contacts(account=account)
    if requested_by is not None and not contacts.filter(pk=requested_by.pk).exists():
        raise ValidationError({"requested_by": "Only a contact of this account may ask."})
    new_holder = changes.get("license_holder")
    if new_holder is not None and not contacts.filter(pk=new_holder.pk).exists():
        raise ValidationError({"license_holder": "The license holder must be a contact here."})

    current = Account.objects.select_for_update().get(pk=account.pk)
    old_values, new_values = {}, {}
    for name, value in changes.items():
        before = getattr(current, name)
        if before == value:
            continue
        old_values[name] = _recorded(name, before)
        new_values[name] = _recorded(name, value)
        setattr(current, name, value)
        setattr(account, name, value)
    if not new_values:
        return None
    current.full_clean(validate_unique=False, validate_constraints=False)
    current.save(update_fields=list(new_values))
    return LicenseHolderChange.objects.create(
        account=current,
        requested_by=requested_by,
        channel=channel,
        made_by=by,
        old_values=old_values,
        new_values=new_values,
        note=note,
    )


# --- Staff edits of a data subject's personal details ---------------------------------------

# Shown as they are in the history: they say what kind of record it is, not who the person is.
PLAIN_DETAILS = frozenset(
    {"kind", "age_band", "is_primary", "subject", "created_at", "last_activity_at"}
)


def _stored(value):
    if isinstance(value, models.Model):
        return value.pk
    return jsonable(value)


def _shown(name: str, value) -> str:
    if name in PLAIN_DETAILS:
        return "—" if value in (None, "") else str(value)
    return masked(value)


def _change_record(
    *, subject: DataSubject, kind: str, by, before: dict, after: dict, contact_kind: str = ""
) -> PersonalDataChange:
    names = list(dict.fromkeys([*before, *after]))
    old = {name: _stored(before.get(name)) for name in names}
    new = {name: _stored(after.get(name)) for name in names}
    return PersonalDataChange.objects.create(
        subject=subject,
        kind=kind,
        contact_kind=contact_kind,
        fields=names,
        masked_values={name: [_shown(name, old[name]), _shown(name, new[name])] for name in names},
        values=json.dumps({name: [old[name], new[name]] for name in names}, default=str),
        changed_by=by,
    )


def _diff(instance: models.Model, current: models.Model, changes: dict) -> tuple[dict, dict]:
    """Apply `changes` to both copies; the (before, after) of what really changed."""
    before, after = {}, {}
    for name, value in changes.items():
        attname = instance._meta.get_field(name).attname
        old = getattr(current, name)
        if _stored(old) == _stored(value):
            continue
        before[name], after[name] = old, value
        setattr(current, name, value)
        setattr(instance, attname, getattr(current, attname))
    return before, after


@transaction.atomic
def data_subject_record(*, subject: DataSubject, by) -> DataSubject:
    """Save a data subject staff recorded by hand, and the record of who did."""
    subject.save()
    details = {
        f.name: getattr(subject, f.name)
        for f in DataSubject._meta.concrete_fields
        if f.editable and not f.primary_key and getattr(subject, f.name) not in (None, "")
    }
    _change_record(
        subject=subject,
        kind=PersonalDataChange.Kind.SUBJECT_RECORDED,
        by=by,
        before={},
        after=details,
    )
    return subject


@transaction.atomic
def data_subject_update(*, subject: DataSubject, changes: dict, by) -> PersonalDataChange | None:
    """Change a data subject's details (name, title, login, age, …) and record who changed
    which. A change that changes nothing records nothing (returns None)."""
    current = DataSubject.objects.select_for_update().get(pk=subject.pk)
    before, after = _diff(subject, current, changes)
    if not after:
        return None
    current.save(update_fields=list(after))
    return _change_record(
        subject=current,
        kind=PersonalDataChange.Kind.SUBJECT_CHANGED,
        by=by,
        before=before,
        after=after,
    )


CONTACT_POINT_DETAILS = ("kind", "value", "is_primary")


@transaction.atomic
def contact_point_add(*, contact_point: ContactPoint, by) -> ContactPoint:
    """Save a new contact point of a subject, and the record of who added it."""
    contact_point.save()
    _change_record(
        subject=contact_point.subject,
        kind=PersonalDataChange.Kind.CONTACT_ADDED,
        contact_kind=contact_point.kind,
        by=by,
        before={},
        after={name: getattr(contact_point, name) for name in CONTACT_POINT_DETAILS},
    )
    return contact_point


@transaction.atomic
def contact_point_update(
    *, contact_point: ContactPoint, changes: dict, by
) -> PersonalDataChange | None:
    """Change a contact point and record who changed which detail (returns None when nothing
    changed). A contact point moved to another subject is recorded on the one it left."""
    current = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    owner = current.subject
    before, after = _diff(contact_point, current, changes)
    if not after:
        return None
    current.save(update_fields=list(after))
    return _change_record(
        subject=owner,
        kind=PersonalDataChange.Kind.CONTACT_CHANGED,
        contact_kind=current.kind,
        by=by,
        before=before,
        after=after,
    )


@transaction.atomic
def contact_point_remove(*, contact_point: ContactPoint, by) -> PersonalDataChange:
    """Delete a contact point, and record who removed it (and, masked, what it was)."""
    current = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    record = _change_record(
        subject=current.subject,
        kind=PersonalDataChange.Kind.CONTACT_REMOVED,
        contact_kind=current.kind,
        by=by,
        before={name: getattr(current, name) for name in CONTACT_POINT_DETAILS},
        after={},
    )
    current.delete()
    return record
