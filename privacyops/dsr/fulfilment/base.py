"""Shared by the fulfilment services: errors, guards, history, Art. 19 recipients."""

from django.db import transaction
from django.utils import timezone

from privacyops.core import registry
from privacyops.inventory.models import InformationCategory, ProcessingActivity

from .. import services
from ..fulfilment_models import (
    RecipientNotification,
)
from ..lifecycle import LifecycleError, State
from ..models import PrivacyRequest, RequestEvent, RequestType

Kind = RequestEvent.Kind
PACKAGE_SALT = "privacyops.dsr.package"
PACKAGE_JOB = "dsr.access_package"
ACCESS_TYPES = frozenset({RequestType.ACCESS, RequestType.PORTABILITY})
OBJECTION_TYPES = frozenset({RequestType.OBJECTION, RequestType.MARKETING_OPT_OUT})
CGD = registry.CATEGORY_NAMES[registry.CUSTOMER_GENERATED_DATA]


class FulfilmentError(services.RequestError):
    """A fulfilment step the rules do not allow now; the message says why."""


class CompletionBlocked(LifecycleError):
    """The request cannot be completed yet; the message lists what is missing."""


def _event(request: PrivacyRequest, *, by, note: str, kind: str = Kind.NOTE, **data):
    return RequestEvent.objects.create(request=request, kind=kind, by=by, note=note, data=data)


def _locked(request: PrivacyRequest) -> PrivacyRequest:
    return PrivacyRequest.objects.select_for_update().get(pk=request.pk)


def _require(request: PrivacyRequest, *, types=None, subject: bool = True) -> None:
    if types is not None and request.request_type not in types:
        raise FulfilmentError(
            f"{request.reference} is a request for {request.get_request_type_display()}; "
            "this step belongs to another kind of request."
        )
    if request.state != State.IN_PROGRESS:
        raise FulfilmentError(
            f"{request.reference} is {request.get_state_display().lower()}: this is done while "
            "the request is in progress (identity verified, not yet sent for approval)."
        )
    if subject and request.subject_id is None:
        raise FulfilmentError(
            f"{request.reference} is not matched to a data subject: match it first."
        )


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
        _event(
            request,
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
    _event(
        notification.request,
        by=by,
        note=f"Recipient {notification.recipient.name}: {notification.get_status_display()}."
        + (f" {notification.note}" if notification.note else ""),
        recipient=notification.recipient.code,
        status=status,
    )
    return notification
