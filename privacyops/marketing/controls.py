"""Controls the marketing app operates (privacyops.core.controls)."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from privacyops.core import controls

from . import selectors
from .models import (
    ALL_CHANNELS,
    SCOPE_CHOICES,
    OptOut,
    OptOutMethod,
    Subscription,
    SuppressionEntry,
)

OPT_OUT_DAYS = 90


def subscribed_yet_suppressed() -> list[tuple[str, str]]:
    """(address, channel) of subscriptions still marked subscribed whose address is on the
    suppression list for that channel. Reads every subscribed address once (they are
    encrypted; the suppression list keeps salted hashes), so it is a report's check, not a
    page's."""
    suppressed = set(SuppressionEntry.objects.values_list("email_hash", "channel"))
    if not suppressed:
        return []
    found = []
    rows = Subscription.objects.filter(status=Subscription.Status.SUBSCRIBED).only(
        "email", "channel"
    )
    for subscription in rows.iterator(chunk_size=2000):
        digest = selectors.email_hash(subscription.email)
        if (digest, subscription.channel) in suppressed or (digest, ALL_CHANNELS) in suppressed:
            found.append((subscription.email, subscription.channel))
    return found


@controls.register_control(
    key="marketing.opt-outs-honoured",
    title="Opt-outs are recorded and honoured",
    app="marketing",
    description="Opt-outs by every method are recorded; no marketing message may go to an "
    "address on the suppression list.",
)
def opt_outs_honoured(now: datetime.datetime) -> controls.Evidence:
    since = now - datetime.timedelta(days=OPT_OUT_DAYS)
    by_method = dict(
        OptOut.objects.filter(received_at__gte=since)
        .values_list("method")
        .annotate(n=Count("pk"))
        .values_list("method", "n")
    )
    counts = ", ".join(
        f"{label.split(' (')[0].lower()} {by_method.get(value, 0)}"
        for value, label in OptOutMethod.choices
    )
    by_channel = dict(
        OptOut.objects.filter(received_at__gte=since)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    channels = ", ".join(
        f"{str(label).lower()} {by_channel.get(value, 0)}" for value, label in SCOPE_CHOICES
    )
    pairs = subscribed_yet_suppressed()
    allowed = sum(1 for email, channel in pairs if selectors.may_send(email, channel))
    return controls.Evidence.of(
        [
            controls.Fact(
                _(
                    "%(total)d opt-outs recorded in the last %(days)d days: by %(counts)s; "
                    "for %(channels)s."
                )
                % {
                    "total": sum(by_method.values()),
                    "days": OPT_OUT_DAYS,
                    "counts": counts,
                    "channels": channels,
                },
                reverse("admin:marketing_optout_changelist"),
            ),
            controls.Fact(
                _(
                    "%(allowed)d marketing messages allowed to suppressed addresses "
                    "(%(checked)d subscriptions on the suppression list checked with may_send)."
                )
                % {"allowed": allowed, "checked": len(pairs)},
                reverse("admin:marketing_suppressionentry_changelist"),
                at_risk=allowed > 0,
            ),
        ]
    )
