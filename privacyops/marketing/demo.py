"""Demo data: subscribers with consent evidence, an opt-out by letter, one by link."""

import datetime

from django.utils import timezone

from privacyops.core.demo import register_demo
from privacyops.subjects.selectors import subject_for_email

from . import services
from .models import Channel, ConsentSource, OptOut, OptOutMethod, Subscription

DEMO_SUBSCRIBERS = [
    ("Maria Ivanova", "maria.ivanova@example.com", [Channel.NEWSLETTER, Channel.EVENTS]),
    ("Georgi Petrov", "georgi.petrov@example.com", [Channel.NEWSLETTER]),
    ("Elena Dimitrova", "elena.dimitrova@example.com", list(Channel.values)),
    ("Nikolay Stoyanov", "nikolay.stoyanov@example.com", [Channel.PRODUCT_UPDATES]),
    ("Petya Koleva", "petya.koleva@example.com", [Channel.PROMOTIONS, Channel.NEWSLETTER]),
]


@register_demo("marketing")
def load_demo() -> str:
    start = timezone.now() - datetime.timedelta(days=200)
    created = 0
    # Idempotent: each step is skipped when its result is already there.
    for n, (name, email, channels) in enumerate(DEMO_SUBSCRIBERS):
        for channel in channels:
            try:
                _, outcome = services.subscription_import_row(
                    email=email,
                    name=name,
                    channel=channel,
                    consented_at=start + datetime.timedelta(days=7 * n),
                    source=ConsentSource.WEB_FORM,
                    form="https://www.infoserv.eu/newsletter",
                    ip=f"203.0.113.{10 + n}",
                )
            except services.AddressSuppressed:
                continue
            created += outcome == "new"
    georgi = subject_for_email("georgi.petrov@example.com")
    if georgi and not OptOut.objects.filter(subject=georgi).exists():
        services.subscription_unsubscribe(
            subject=georgi, channel=Channel.NEWSLETTER, method=OptOutMethod.LINK
        )
    if not OptOut.objects.filter(reference="POST-2026-0042").exists():
        services.opt_out_record(
            method=OptOutMethod.POST,
            email="former.customer@example.com",
            reference="POST-2026-0042",
        )
    return (
        f"{Subscription.objects.count()} marketing subscriptions ({created} new), "
        f"{OptOut.objects.count()} opt-outs"
    )
