"""Demo privacy requests for `seed_demo`: a few in each interesting state (idempotent)."""

import datetime

from django.utils import timezone

from privacyops.core.demo import register_demo

from . import services
from .lifecycle import State
from .models import Channel, PrivacyRequest, RequestType

DEMO_DOMAIN = "demo.example"


@register_demo("privacy requests")
def load_demo() -> str:
    # The addresses are ciphertext: look for the first demo requester's, by its keyed hash.
    if PrivacyRequest.objects.filter(requester_email=f"maria@{DEMO_DOMAIN}").exists():
        return "already loaded"
    now = timezone.now()
    made = []

    def submit(name, kind, channel, days_ago, **extra):
        request = services.request_submit(
            request_type=kind,
            channel=channel,
            requester_name=name,
            requester_email=f"{name.split()[0].lower()}@{DEMO_DOMAIN}",
            details=extra.pop("details", ""),
            received_at=now - datetime.timedelta(days=days_ago),
            **extra,
        )
        made.append(request)
        return request

    submit("Maria Ivanova", RequestType.ACCESS, Channel.WEB_FORM, 1, details="All my data please.")
    overdue = submit("Georgi Petrov", RequestType.ERASURE, Channel.EMAIL, 40)
    services.request_verify_identity(
        request=overdue, by=None, note="Replied from the address on file."
    )
    soon = submit("Elena Dimitrova", RequestType.RECTIFICATION, Channel.PHONE, 27)
    services.request_verify_identity(request=soon, by=None, note="Call-back to the number on file.")
    week = submit("Ivan Kolev", RequestType.PORTABILITY, Channel.POST, 24)
    services.request_verify_identity(request=week, by=None, note="Signed letter, ID copy seen.")
    # A rectification: nothing has to be built before it may be completed.
    done = submit("Petya Stoyanova", RequestType.RECTIFICATION, Channel.EMAIL, 10)
    services.request_verify_identity(request=done, by=None, note="Sent from the address on file.")
    services.request_transition(request=done, to=State.AWAITING_APPROVAL)
    services.request_transition(request=done, to=State.COMPLETED)
    refused = submit("Nikolay Georgiev", RequestType.ACCESS, Channel.EMAIL, 5)
    services.request_refuse(
        request=refused,
        reason="Manifestly excessive: the twelfth identical request this month (Art. 12(5)).",
        by=None,
    )
    return f"{len(made)} privacy requests"
