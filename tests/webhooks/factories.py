"""Rows of the webhooks app made through its services (also the role matrix's makers)."""

from privacyops.webhooks import services
from privacyops.webhooks.models import EventType
from tests.factories import DataSubjectFactory


def endpoint(name="Mail platform", url="https://hooks.example.com/privacy", **kwargs):
    """(WebhookEndpoint, secret)"""
    return services.endpoint_create(name=name, url=url, **kwargs)


def _event():
    endpoint(name="matrix-endpoint")
    return services.publish(
        event_type=EventType.SUBJECT_ERASED,
        subject=DataSubjectFactory(),
        identifiers={"crm_ids": {"CRM": "C-1"}},
        reference="R-MATRIX",
    )


def _delivery():
    return _event().deliveries.get()


def _attempt():
    from privacyops.webhooks.models import DeliveryAttempt

    return DeliveryAttempt.objects.create(delivery=_delivery(), status_code=500)


MAKERS = {
    "webhooks.WebhookEndpoint": lambda: endpoint(name="matrix-endpoint")[0],
    "webhooks.WebhookEvent": _event,
    "webhooks.WebhookDelivery": _delivery,
    "webhooks.DeliveryAttempt": _attempt,
}
