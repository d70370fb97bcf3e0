"""How retention disposes of ended subscriptions: the hashed suppression entry stays.

A subscription the purge removes (its retention clock runs from the opt-out) takes its address
with it; the address's salted hash must already be on the suppression list, or the person would
be mailable again the day their record goes. Opt-outs through the services always suppress; this
covers subscriptions that arrived already ended (imports), before any row is deleted.
"""

from django.db import models

from .models import Subscription
from .suppression import suppress_addresses


def subscriptions_dispose(window: models.QuerySet) -> int:
    ended = window.filter(status=Subscription.Status.UNSUBSCRIBED).only("email", "channel")
    by_channel: dict[str, set[str]] = {}
    for subscription in ended:
        by_channel.setdefault(subscription.channel, set()).add(subscription.email)
    for channel, addresses in by_channel.items():
        suppress_addresses(addresses, [channel], "opted_out")
    deleted = Subscription.objects.filter(pk__in=window.values("pk")).delete()[1]
    return deleted.get(Subscription._meta.label, 0)
