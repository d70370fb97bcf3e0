"""The webhooks app in the personal-data registry."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

registry.register(
    WebhookEvent,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("event_type", "occurred_at", "reference", "details"),
    # The identifiers the recipients hold (the CRM's ids, an address): encrypted, and blanked
    # when the person is erased later; the event itself stays as the evidence of telling them.
    erasure={"identifiers": Strategy.BLANK},
    retention_clock="occurred_at",
)
registry.not_personal(
    WebhookEndpoint,
    reason="A recipient system's address and signing secret (encrypted); no person's data.",
)
registry.not_personal(
    WebhookDelivery,
    reason="The state of sending one event to one endpoint; the event holds the identifiers.",
)
registry.not_personal(
    DeliveryAttempt,
    reason="When an attempt was made and the recipient's status code; no person's data.",
)
