"""Where this app's personal data lives: the registry declarations (see core.registry)."""

from django.db.models import Q

from privacyops.core import registry

from .models import Disclosure, DisclosureEvent

registry.register(
    Disclosure,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subjects",
    export_fields=(
        "recipient",
        "recipient_kind",
        "disclosed_on",
        "legal_basis",
    ),
    # Art. 15(1)(c): the person is told, unless Legal recorded why not (the decision is logged).
    export_only=Q(withheld_from_access=False),
    erasure=registry.DELETE_ROW,
    keep_reason="The disclosure log is evidence of what was disclosed under a legal obligation "
    "or order (Art. 5(2), Art. 30); it is kept after erasure.",
    retention_clock="disclosed_on",
)
registry.not_personal(
    DisclosureEvent,
    reason="The history of a disclosure (who withheld it and why); reached only through the "
    "disclosure, which is registered.",
)
