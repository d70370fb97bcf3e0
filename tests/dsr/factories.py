import itertools

from django.utils import timezone

from privacyops.dsr import services
from privacyops.dsr.models import Channel, RequestType

_numbers = itertools.count(1)


def submit(**overrides):
    """A request received through the service, as staff would record it."""
    fields = {
        "request_type": RequestType.ACCESS,
        "channel": Channel.EMAIL,
        "requester_name": "Ana Petrova",
        "requester_email": f"requester{next(_numbers)}@example.com",
        "details": "Please send me a copy of my data.",
        "received_at": timezone.now(),
    }
    fields.update(overrides)
    return services.request_submit(**fields)


def in_progress(**overrides):
    request = submit(**overrides)
    return services.request_verify_identity(request=request, by=None, note="Known address.")
