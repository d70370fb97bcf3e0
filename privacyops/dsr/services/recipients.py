"""GDPR Art. 19: the recipients of the data to tell of a rectification, erasure or restriction."""

from django.db import transaction
from django.utils import timezone

from privacyops.core import registry
from privacyops.inventory.models import InformationCategory, ProcessingActivity

from ..models import PrivacyRequest, RecipientNotification, RequestEvent
from .errors import FulfilmentError
from .events import request_event_record
from .fulfilment import CGD

Kind = RequestEvent.Kind


def categories_held(subject) -> list[str]:
    """Information categories (names) of which the registry holds rows for this subject."""
    held = set()
    for registration in registry.registrations():
        name = registry.CATEGORY_NAMES[registration.category]
        if name not in held and registration.rows_of(subject).exists():
            held.add(name)
    return sorted(held)


def recipients_of(category_names) -> dict:
    """Recipient category -> names of the activities through which it received that data."""
    activities = (
        ProcessingActivity.objects.filter(
            is_active=True,
            data_elements__category__in=InformationCategory.objects.filter(
                name__in=list(category_names)
            ),
        )
        .distinct()
        .prefetch_related("recipients")
        .order_by("name")
    )
    found: dict = {}
    for activity in activities:
        for recipient in activity.recipients.all():
            found.setdefault(recipient, []).append(activity.name)
    return found


def recipient_notifications_create(
    *, request: PrivacyRequest, operation: str, categories, by=None
) -> list[RecipientNotification]:
    """One notification task per recipient the record of processing says received the data.

    Customer-Generated Data is the customer's: its recipients are the customer's business.
    """
    categories = sorted(set(categories) - {CGD})
    created = []
    for recipient, activities in recipients_of(categories).items():
        notice, new = RecipientNotification.objects.get_or_create(
            request=request,
            operation=operation,
            recipient=recipient,
            defaults={"categories": categories, "activities": activities},
        )
        if new:
            created.append(notice)
    if created:
        names = "; ".join(n.recipient.name for n in created)
        request_event_record(
            request=request,
            kind=Kind.RECIPIENTS_LISTED,
            by=by,
            note=f"Recipients to notify of the {operation} (Art. 19): {names}.",
            recipients=[n.recipient.code for n in created],
        )
    return created


@transaction.atomic
def recipient_notification_mark(
    *, notification: RecipientNotification, status: str, note: str, by
) -> RecipientNotification:
    """Mark a notification sent, or impossible / disproportionate with the justification."""
    if status not in (RecipientNotification.Status.SENT, RecipientNotification.Status.IMPOSSIBLE):
        raise FulfilmentError("Mark a notification as sent or as impossible.")
    if status == RecipientNotification.Status.IMPOSSIBLE and not note.strip():
        raise FulfilmentError("Say why notifying this recipient is impossible or disproportionate.")
    notification = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
    if not notification.request.is_open:
        raise FulfilmentError("The request is closed.")
    notification.status = status
    notification.note = note.strip()
    notification.decided_at = timezone.now()
    notification.decided_by = by
    notification.save()
    request_event_record(
        request=notification.request,
        kind=Kind.RECIPIENT_NOTIFIED,
        by=by,
        note=f"Recipient {notification.recipient.name}: {notification.get_status_display()}."
        + (f" {notification.note}" if notification.note else ""),
        recipient=notification.recipient.code,
        status=status,
        notification=notification.pk,
    )
    return notification
