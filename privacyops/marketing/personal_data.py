"""Where this app's personal data lives: the registry declarations (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .models import OptOut, Subscription, SubscriptionEvent, SuppressionEntry

registry.register(
    Subscription,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=(
        "channel",
        "email",
        "status",
        "consented_at",
        "consent_source",
        "consent_form",
        "consent_ip",
        "policy_version__version",
        "unsubscribed_at",
    ),
    # The address stays suppressed after erasure: the dsr app adds its salted hash to the
    # suppression list (services.suppression_add) before the rows go.
    erasure=registry.DELETE_ROW,
    retention_clock="updated_at",
)
registry.register(
    SubscriptionEvent,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subscription__subject",
    export_fields=("subscription__channel", "kind", "at", "method", "ip", "detail"),
    erasure=registry.DELETE_ROW,
    retention_clock="at",
)
registry.register(
    OptOut,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("channel", "method", "reference", "received_at"),
    # The opt-out itself stays as proof that it was honoured; the reference may name the person.
    erasure={"reference": Strategy.MASK},
    retention_clock="received_at",
)
registry.not_personal(
    SuppressionEntry,
    reason="Only keyed one-way hashes of addresses, linked to no data subject; kept so that "
    "people who opted out or were erased are never sent marketing again.",
)
