"""The API's models in the personal-data registry: none holds data about a data subject.

The received event ids are registered (about no subject) only so that their retention rule
reaches them: the seeded rule removes them once a replay can no longer be expected.
"""

from privacyops.core import registry

from .models import ApiCall, ApiClient, ApiKey, ReceivedEvent

registry.not_personal(ApiClient, reason="A connected system (CRM, Sites) and its scopes.")
registry.not_personal(ApiKey, reason="A hashed key of a connected system; no person's data.")
registry.not_personal(
    ApiCall,
    reason="Evidence of a call (client, endpoint, count, status, the system's address); "
    "never the values sent.",
)
registry.register(
    ReceivedEvent,
    # The connected system's own ids of activity events (subjects.ActivityEvent holds the
    # events): about no data subject, so no access export and no erasure reaches them.
    category=registry.OTHER_INFORMATION,
    subject_path=None,
    export_fields=(),
    erasure=registry.DELETE_ROW,
    retention_clock="received_at",
)
