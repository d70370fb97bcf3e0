"""Reads that encode marketing rules: may this address be mailed, what the reports count."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from privacyops.core.erasure import salted_hash
from privacyops.core.registry import hash_salt
from privacyops.subjects.models import ContactPoint, DataSubject
from privacyops.subjects.selectors import normalise_email

from .models import (
    ALL_CHANNELS,
    NON_MARKETING_KINDS,
    Channel,
    ConsentSource,
    MailBounce,
    OptOut,
    OptOutMethod,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)


def email_hash(email: str) -> str:
    """The salted hash the suppression list keeps instead of the address."""
    return salted_hash(normalise_email(email), hash_salt())


def channels_in_scope(channel: str | None) -> list[str]:
    """The marketing channels a choice covers: one, or all of them (None, "*", ALL_CHANNELS)."""
    if channel in (None, ALL_CHANNELS, "*"):
        return list(Channel.values)
    if channel not in Channel.values:
        raise ValueError(f"Unknown marketing channel {channel!r}")
    return [channel]


def subject_emails(subject: DataSubject) -> set[str]:
    """Every e-mail address known for a subject: its contact points and its subscriptions."""
    addresses = set(
        ContactPoint.objects.filter(subject=subject, kind=ContactPoint.Kind.EMAIL).values_list(
            "value", flat=True
        )
    )
    addresses |= set(Subscription.objects.filter(subject=subject).values_list("email", flat=True))
    return {normalise_email(a) for a in addresses if normalise_email(a)}


def message_kind(kind: str) -> str:
    """The kind as the rules know it; ValueError for a kind nobody defined."""
    value = (kind or "").strip().lower() if isinstance(kind, str) else ""
    if value in NON_MARKETING_KINDS or value in Channel.values:
        return value
    allowed = ", ".join([*Channel.values, *NON_MARKETING_KINDS])
    raise ValueError(f"Unknown message kind {kind!r}; expected one of: {allowed}")


def is_suppressed(email: str, channel: str) -> bool:
    return SuppressionEntry.objects.filter(
        email_hash=email_hash(email), channel__in=[channel, ALL_CHANNELS]
    ).exists()


def is_bounced(email: str) -> bool:
    """Whether the mail platform reported the address undeliverable (nothing goes to it)."""
    address = normalise_email(email)
    return bool(address) and MailBounce.objects.filter(email_hash=email_hash(address)).exists()


def _mailable_subscriptions(kind: str):
    """The rule for a marketing channel: a subscription with consent, whose subject's
    processing is not restricted (GDPR Art. 18: a restricted person is only stored, not
    mailed). `may_send` and `may_send_many` both ask it."""
    return Subscription.objects.filter(
        channel=kind,
        status=Subscription.Status.SUBSCRIBED,
        subject__processing_restricted_at__isnull=True,
    )


def _suppressions(kind: str):
    """Suppression entries that stop this channel: its own, and those for every channel."""
    return SuppressionEntry.objects.filter(channel__in=[kind, ALL_CHANNELS])


def may_send(email: str, kind: str) -> bool:
    """Whether a message of this kind may go to this address now.

    Transactional, relationship and legally required messages always may (the policy: marketing
    choices do not affect them). A marketing channel needs a subscription with consent for the
    address and no entry on the suppression list (opt-out, objection or erasure).
    """
    kind = message_kind(kind)
    if kind in NON_MARKETING_KINDS:
        # Marketing choices do not affect them; an address that bounces gets nothing at all.
        return not is_bounced(email)
    address = normalise_email(email)
    if not address:
        return False
    hashed = email_hash(address)
    suppressed = _suppressions(kind).filter(email_hash=hashed)
    bounced = MailBounce.objects.filter(email_hash=hashed)
    # One round trip: senders ask once per message.
    return (
        _mailable_subscriptions(kind)
        .filter(email=address)
        .exclude(Exists(suppressed))
        .exclude(Exists(bounced))
        .exists()
    )


def may_send_many(emails, kind: str) -> dict[str, bool]:
    """`may_send` for many addresses at once, in two queries whatever their number.

    {address as given: whether a message of this kind may go to it now}; the same rules as
    `may_send` (a subscription with consent, no suppression, no restriction of processing).
    """
    kind = message_kind(kind)
    given = list(dict.fromkeys(emails))
    normalised = {email: normalise_email(email) for email in given}
    addresses = {address for address in normalised.values() if address}
    if kind in NON_MARKETING_KINDS:
        hashes = {address: email_hash(address) for address in addresses}
        bounced = set()
        if hashes:
            bounced = set(
                MailBounce.objects.filter(email_hash__in=hashes.values()).values_list(
                    "email_hash", flat=True
                )
            )
        return {
            email: not (address and hashes[address] in bounced)
            for email, address in normalised.items()
        }
    subscribed = set()
    if addresses:
        subscribed = {
            normalise_email(address)
            for address in _mailable_subscriptions(kind)
            .filter(email__in=addresses)
            .values_list("email", flat=True)
        }
    hashes = {address: email_hash(address) for address in subscribed}
    suppressed = set()
    if hashes:
        # Suppressed or bouncing: one query (a UNION), as before bounces were kept.
        suppressed = set(
            _suppressions(kind)
            .filter(email_hash__in=hashes.values())
            .order_by()
            .values_list("email_hash", flat=True)
            .union(
                MailBounce.objects.filter(email_hash__in=hashes.values())
                .order_by()
                .values_list("email_hash", flat=True)
            )
        )
    return {
        email: address in subscribed and hashes[address] not in suppressed
        for email, address in normalised.items()
    }


def opt_in_counts() -> dict[str, int]:
    """Current subscriptions with consent, per channel (every channel listed, zeros too)."""
    rows = (
        Subscription.objects.filter(status=Subscription.Status.SUBSCRIBED)
        .values("channel")
        .annotate(n=Count("id"))
    )
    counts = {row["channel"]: row["n"] for row in rows}
    return {channel: counts.get(channel, 0) for channel in Channel.values}


def opt_outs_per_month_and_method(*, months: int = 12) -> list[dict]:
    """Opt-outs received per calendar month and method, newest month first."""
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        OptOut.objects.filter(received_at__date__gte=first)
        .annotate(month=TruncMonth("received_at"))
        .values("month", "method")
        .annotate(n=Count("id"))
        .order_by("-month", "method")
    )
    return list(rows)


def opt_outs_this_month() -> int:
    today = timezone.localdate()
    return OptOut.objects.filter(received_at__date__gte=today.replace(day=1)).count()


def subjects_opted_out_before(cutoff: datetime.datetime) -> QuerySet:
    """The "opted_out" retention clock of a whole person: subjects who ended every subscription
    on or before `cutoff` and sent no opt-out since. The opt-out register (kept, masked, as
    proof) holds the date once the ended subscriptions themselves are gone. An ended
    subscription without a date counts from its last change, so no one is kept for want of one."""
    mine = Subscription.objects.filter(subject=OuterRef("pk"))
    still_running = mine.filter(
        Q(status=Subscription.Status.SUBSCRIBED)
        | Q(unsubscribed_at__gt=cutoff)
        | Q(unsubscribed_at__isnull=True, updated_at__gt=cutoff)
    )
    opt_outs = OptOut.objects.filter(subject=OuterRef("pk"))
    return (
        DataSubject.objects.filter(Exists(mine) | Exists(opt_outs))
        .exclude(Exists(still_running))
        .exclude(Exists(opt_outs.filter(received_at__gt=cutoff)))
        .values("pk")
    )


def subscriptions_of(*, subject) -> QuerySet[Subscription]:
    return Subscription.objects.filter(subject=subject).select_related("policy_version")


def consent_evidence_rows(*, subject) -> list[list[str]]:
    """The consent evidence of one subject as CSV rows: subscriptions, history, opt-outs."""
    rows = [
        [
            "record",
            "channel",
            "status or event",
            "when",
            "how",
            "form or page / reference",
            "IP address",
            "privacy-policy version",
            "e-mail address",
            "recorded by",
        ]
    ]
    subscriptions = subscriptions_of(subject=subject)
    for s in subscriptions:
        rows.append(
            [
                "subscription",
                s.get_channel_display(),
                s.get_status_display(),
                s.consented_at.isoformat(),
                s.get_consent_source_display(),
                s.consent_form,
                s.consent_ip or "",
                str(s.policy_version) if s.policy_version else "",
                s.email,
                "",
            ]
        )
    events = (
        SubscriptionEvent.objects.filter(subscription__subject=subject)
        .select_related("subscription", "by")
        .order_by("at", "id")
    )
    for e in events:
        rows.append(
            [
                "history",
                e.subscription.get_channel_display(),
                e.get_kind_display(),
                e.at.isoformat(),
                _method_label(e.method),
                "",
                e.ip or "",
                "",
                e.subscription.email,
                e.by.get_username() if e.by else "",
            ]
        )
    for o in OptOut.objects.filter(subject=subject).select_related("recorded_by"):
        rows.append(
            [
                "opt-out",
                o.get_channel_display() if o.channel else "All marketing channels",
                "Opt-out received",
                o.received_at.isoformat(),
                o.get_method_display(),
                o.reference,
                "",
                "",
                "",
                o.recorded_by.get_username() if o.recorded_by else "",
            ]
        )
    return rows


def _method_label(value: str) -> str:
    labels = dict(ConsentSource.choices) | dict(OptOutMethod.choices)
    return str(labels.get(value, value))
