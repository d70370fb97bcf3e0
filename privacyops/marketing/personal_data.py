"""Where this app's personal data lives: the registry declarations (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from .disposal import subscriptions_dispose
from .models import (
    ConsentReceipt,
    MailBounce,
    OptOut,
    PolicyNotice,
    PolicyNoticeLetter,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from .selectors import subjects_opted_out_before

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
    # Kept while it runs; once ended, the opt-out date starts the clock (the seeded rule: 24
    # months), and the purge leaves the address's hash on the suppression list.
    clocks={"opted_out": "unsubscribed_at"},
    dispose=subscriptions_dispose,
)
registry.register(
    SubscriptionEvent,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subscription__subject",
    export_fields=("subscription__channel", "kind", "at", "method", "ip", "detail"),
    erasure=registry.DELETE_ROW,
    retention_clock="at",
    clocks={"opted_out": "subscription__unsubscribed_at"},
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

registry.register(
    ConsentReceipt,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=(
        "given_at",
        "source",
        "granted",
        "refused",
        "gpc",
        "digital_property__name",
        "policy_version__version",
        "recorded_via",
    ),
    erasure=registry.DELETE_ROW,
    retention_clock="given_at",
)
registry.register(
    PolicyNotice,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("policy_version__version", "audience", "status", "at", "address_masked"),
    erasure=registry.DELETE_ROW,
    retention_clock="at",
)
registry.not_personal(
    MailBounce,
    reason="Only keyed one-way hashes of addresses that bounce, linked to no data subject.",
)
registry.not_personal(PolicyNoticeLetter, reason="The wording of a letter; no one's data.")

# The whole person's "opted_out" clock (newsletter-only people): every subscription ended.
registry.register_subject_clock("opted_out", subjects_opted_out_before)
