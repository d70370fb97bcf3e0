"""GDPR Art. 19: the recipients of the data to tell of a rectification, erasure or restriction."""

from django.db import transaction
from django.utils import timezone

from privacyops.core import registry
from privacyops.inventory.models import InformationCategory, ProcessingActivity
from privacyops.webhooks import selectors as webhook_selectors
from privacyops.webhooks.models import EventType as WebhookEvent

from ..models import PrivacyRequest, RecipientNotification, RequestEvent
from .errors import FulfilmentError
from .events import request_event_record
from .fulfilment import CGD

Kind = RequestEvent.Kind
Operation = RecipientNotification.Operation

# The webhook event that carries each Art. 19 notice to a recipient with an endpoint.
OPERATION_EVENTS = {
    Operation.ERASURE: WebhookEvent.SUBJECT_ERASED,
    Operation.RECTIFICATION: WebhookEvent.SUBJECT_RECTIFIED,
    Operation.RESTRICTION: WebhookEvent.PROCESSING_RESTRICTED,
}


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


def recipient_acknowledgements(request: PrivacyRequest) -> dict:
    """Pending notification (id) -> the acknowledged webhook delivery that carried it: the
    recipient's endpoint answered 2xx to the event of this request and operation."""
    pending = list(
        request.recipient_notifications.filter(status=RecipientNotification.Status.PENDING)
    )
    found = {}
    for operation in {n.operation for n in pending}:
        acks = webhook_selectors.acknowledgements(
            reference=request.reference, event_type=OPERATION_EVENTS[operation]
        )
        for notification in pending:
            if notification.operation == operation and notification.recipient_id in acks:
                found[notification.pk] = acks[notification.recipient_id]
    return found


def recipients_awaiting_webhook(request: PrivacyRequest) -> set[int]:
    """Pending notifications (ids) whose recipient has an endpoint: sent by webhook, ticked off
    when the endpoint acknowledges."""
    pending = request.recipient_notifications.filter(status=RecipientNotification.Status.PENDING)
    awaiting = set()
    for notification in pending:
        event_type = OPERATION_EVENTS[notification.operation]
        if notification.recipient_id in webhook_selectors.recipients_with_endpoint(event_type):
            awaiting.add(notification.pk)
    return awaiting


@transaction.atomic
def recipient_notifications_acknowledged(*, request: PrivacyRequest) -> list:
    """Tick off (as sent) each pending notification whose recipient's endpoint acknowledged
    the webhook; the history says which endpoint, when and with which answer."""
    ticked = []
    for pk, delivery in recipient_acknowledgements(request).items():
        notification = RecipientNotification.objects.select_for_update().get(pk=pk)
        if notification.status != RecipientNotification.Status.PENDING:
            continue
        notification.status = RecipientNotification.Status.SENT
        notification.note = (
            f"Sent by webhook to {delivery.endpoint.name} (event {delivery.event.event_id}); "
            f"acknowledged with HTTP {delivery.last_status_code} at "
            f"{timezone.localtime(delivery.acknowledged_at):%Y-%m-%d %H:%M %Z}."
        )
        notification.decided_at = delivery.acknowledged_at
        notification.decided_by = None
        notification.save()
        request_event_record(
            request=request,
            kind=Kind.RECIPIENT_NOTIFIED,
            by=None,
            note=f"Recipient {notification.recipient.name}: {notification.note}",
            recipient=notification.recipient.code,
            status=notification.status,
            notification=notification.pk,
            webhook_event=delivery.event.event_id,
        )
        ticked.append(notification)
    return ticked


def recipient_acknowledgements_collect() -> int:
    """The every-minute job: tick off what endpoints acknowledged, on every open request."""
    requests = PrivacyRequest.objects.filter(
        recipient_notifications__status=RecipientNotification.Status.PENDING
    ).distinct()
    return sum(len(recipient_notifications_acknowledged(request=r)) for r in requests if r.is_open)
