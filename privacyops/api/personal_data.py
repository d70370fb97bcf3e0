"""The API's models in the personal-data registry: none holds data about a data subject."""

from privacyops.core import registry

from .models import ApiCall, ApiClient, ApiKey, ReceivedEvent

registry.not_personal(ApiClient, reason="A connected system (CRM, Sites) and its scopes.")
registry.not_personal(ApiKey, reason="A hashed key of a connected system; no person's data.")
registry.not_personal(
    ApiCall,
    reason="Evidence of a call (client, endpoint, count, status, the system's address); "
    "never the values sent.",
)
registry.not_personal(
    ReceivedEvent,
    reason="The connected system's own event ids, kept so that a replay adds nothing; "
    "the events themselves are subjects.ActivityEvent.",
)
