"""Reads that encode a rule: who may see which account, how a person is found."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    Account,
    ActivityEvent,
    ContactPoint,
    DataSubject,
    LicenseHolderChange,
    activity_bounds,
    minors_q,
    normalise_email,
)

__all__ = [
    "ALL_ACCOUNTS_PERMISSION",
    "account_contacts",
    "accounts_visible_to",
    "activity_events_of",
    "event_months_of",
    "events_counted_up_to",
    "license_changes_visible_to",
    "minors",
    "normalise_email",
    "sees_all_accounts",
    "subject_for_email",
    "subject_ids_for_emails",
    "subject_ids_with_email",
    "subjects_with_email",
]

ALL_ACCOUNTS_PERMISSION = "subjects.view_all_accounts"  # Legal and auditors hold it


def sees_all_accounts(*, user) -> bool:
    """Legal and auditors see every account; an account representative only their own."""
    return user.is_active and user.has_perm(ALL_ACCOUNTS_PERMISSION)


def accounts_visible_to(*, user) -> QuerySet[Account]:
    """The accounts a staff user may see: all of them, or only those assigned to them."""
    accounts = Account.objects.all()
    if sees_all_accounts(user=user):
        return accounts
    if not (user.is_active and user.is_staff):
        return accounts.none()
    return accounts.filter(assignments__representative=user)


def license_changes_visible_to(*, user) -> QuerySet[LicenseHolderChange]:
    changes = LicenseHolderChange.objects.all()
    if sees_all_accounts(user=user):
        return changes
    return changes.filter(account__in=accounts_visible_to(user=user).values("pk"))


def subject_ids_with_email(email: str) -> QuerySet:
    """Subjects holding this e-mail address: an exact match through the (kind, value) index.

    The value is encrypted; the lookup is rewritten to its blind index (security/encryption.py).
    """
    return ContactPoint.objects.filter(
        kind=ContactPoint.Kind.EMAIL, value=normalise_email(email)
    ).values("subject_id")


def subjects_with_email(email: str) -> QuerySet[DataSubject]:
    return DataSubject.objects.filter(pk__in=subject_ids_with_email(email))


def _email_points(addresses) -> QuerySet[ContactPoint]:
    """The e-mail contact points of these (normalised) addresses, the oldest record first."""
    return ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, value__in=addresses).order_by(
        "subject_id"
    )


def subject_for_email(email: str) -> DataSubject | None:
    """The data subject of this e-mail address, or None.

    The one definition used by intake, marketing, ingestion and the admin. When two records hold
    the same address (not yet merged) it is the oldest record, so every caller agrees on the
    same person.
    """
    address = normalise_email(email)
    if not address:
        return None
    point = _email_points([address]).select_related("subject").first()
    return point.subject if point else None


def subject_ids_for_emails(emails) -> dict[str, int]:
    """`subject_for_email` for many addresses in one query: {normalised address: subject id}."""
    addresses = {address for address in map(normalise_email, emails) if address}
    found: dict[str, int] = {}
    if addresses:
        for value, subject_id in _email_points(addresses).values_list("value", "subject_id"):
            found.setdefault(value, subject_id)
    return found


def minors(*, today: datetime.date | None = None) -> QuerySet[DataSubject]:
    """Subjects whose declared birth date or age band says they are under 18."""
    return DataSubject.objects.filter(minors_q(today or timezone.localdate()))


def account_contacts(*, account: Account) -> QuerySet[DataSubject]:
    """The customer's people at this account: who may ask for a license-holder change."""
    return DataSubject.objects.filter(account_contacts__account=account).distinct()


def event_months_of(*, subject_id: int) -> Q:
    """The filter that keeps a lookup of one subject's activity events to the months they lie
    in (PostgreSQL then reads only those partitions): the bounds as stored now, read here
    rather than taken from an instance that may predate the subject's latest events. Every
    month while the bounds are not set."""
    subject = (
        DataSubject._base_manager.filter(pk=subject_id)
        .only("activity_from", "activity_until")
        .first()
    )
    return activity_bounds.bounds_q(subject) if subject else Q()


def activity_events_of(*, subject) -> QuerySet[ActivityEvent]:
    """Every activity event of the subject, in one statement that reads the subject's months
    as stored when it runs (the access export and erasure: one query per registered model)."""
    return ActivityEvent.objects.filter(
        activity_bounds.stored_bounds_q(subject_id=subject.pk), subject=subject
    )


def events_counted_up_to(events: QuerySet[ActivityEvent], *, cap: int) -> int:
    """How many of these events there are, counting no further than `cap`.

    Unordered and only the time: PostgreSQL counts from the index that served the filter (the
    (subject, time), (kind, time) and time indexes all hold it) without reading the rows, which
    for a busy subject's 10,000 events spread over every month is ~5 ms instead of ~100.
    """
    return events.order_by().values("occurred_at")[:cap].count()
