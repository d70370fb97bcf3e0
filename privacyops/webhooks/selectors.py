"""Reads of the webhooks app that other apps ask (dsr's Art. 19 notices)."""

from .models import WebhookDelivery, WebhookEndpoint


def recipients_with_endpoint(event_type: str) -> set[int]:
    """Recipient categories (ids) with an active endpoint that receives `event_type`."""
    found = set()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("vendor"):
        if endpoint.wants(event_type) and endpoint.recipient_category_id:
            found.add(endpoint.recipient_category_id)
    return found


def acknowledgements(*, reference: str, event_type: str) -> dict[int, WebhookDelivery]:
    """Recipient category id -> the first acknowledged delivery of such an event about
    `reference` to an endpoint of that recipient."""
    deliveries = (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.ACKNOWLEDGED,
            event__reference=reference,
            event__event_type=event_type,
        )
        .select_related("endpoint__vendor", "event")
        .order_by("acknowledged_at", "pk")
    )
    found: dict[int, WebhookDelivery] = {}
    for delivery in deliveries:
        category = delivery.endpoint.recipient_category_id
        if category:
            found.setdefault(category, delivery)
    return found


def subject_identifiers(*, subject=None, emails=()) -> dict:
    """What recipients already hold to find the person: the connected system's id of the
    person ("external_ids") and the e-mail addresses ("emails", sent only to the endpoints
    that hold addresses). Never names, telephones or other details."""
    from privacyops.subjects.models import ContactPoint

    found: dict = {}
    addresses = {e for e in emails if e}
    if subject is not None:
        if subject.external_id:
            found["external_ids"] = {subject.external_source: subject.external_id}
        addresses |= set(
            ContactPoint.objects.filter(subject=subject, kind=ContactPoint.Kind.EMAIL).values_list(
                "value", flat=True
            )
        )
    if addresses:
        found["emails"] = sorted(addresses)
    return found
