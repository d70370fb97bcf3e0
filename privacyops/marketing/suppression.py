"""The suppression list: salted hashes of addresses that must no longer receive marketing.

An entry is added on opt-out, objection or erasure and lifted only by the person's own fresh
consent (services.subscription_opt_in).
"""

from django.db import transaction

from privacyops.subjects.models import DataSubject
from privacyops.subjects.selectors import normalise_email

from .models import ALL_CHANNELS, Channel, SuppressionEntry
from .selectors import channels_in_scope, email_hash, subject_emails


class AddressSuppressed(Exception):
    """The address opted out, objected or was erased: only its owner's fresh consent lifts it."""


@transaction.atomic
def suppression_add(*, email: str, reason: str, channel: str = ALL_CHANNELS) -> SuppressionEntry:
    """Put an address on the suppression list (as a salted hash). Idempotent.

    `reason` is one of SuppressionEntry.Reason ("opted_out", "objection", "erased"); the
    dsr app calls this with "erased" for the addresses of a subject it erases.
    """
    if reason not in SuppressionEntry.Reason.values:
        raise ValueError(f"Unknown suppression reason {reason!r}")
    if channel != ALL_CHANNELS:
        channels_in_scope(channel)
    address = normalise_email(email)
    if not address:
        raise ValueError("An e-mail address is required")
    entry, _ = SuppressionEntry.objects.get_or_create(
        email_hash=email_hash(address), channel=channel, defaults={"reason": reason}
    )
    return entry


@transaction.atomic
def suppression_add_for_subject(*, subject: DataSubject, reason: str) -> int:
    """Suppress every e-mail address known for a subject, for every marketing channel.

    Call it BEFORE erasing the subject (the addresses are gone afterwards); returns how many
    addresses were newly suppressed.
    """
    if reason not in SuppressionEntry.Reason.values:
        raise ValueError(f"Unknown suppression reason {reason!r}")
    return suppress_addresses(subject_emails(subject), list(Channel.values), reason)


def suppress_addresses(addresses: set[str], channels: list[str], reason: str) -> int:
    """Suppress each address for the channels; returns how many entries are new."""
    targets = [ALL_CHANNELS] if set(channels) == set(Channel.values) else channels
    added = 0
    for address in addresses:
        hashed = email_hash(address)
        if SuppressionEntry.objects.filter(email_hash=hashed, channel=ALL_CHANNELS).exists():
            continue
        for channel in targets:
            _, created = SuppressionEntry.objects.get_or_create(
                email_hash=hashed, channel=channel, defaults={"reason": reason}
            )
            added += created
    return added


def suppression_lift(address: str, channel: str) -> bool:
    """Remove the channel from the address's suppression (fresh consent); True if it was on."""
    hashed = email_hash(address)
    lifted = SuppressionEntry.objects.filter(email_hash=hashed, channel=channel).delete()[0] > 0
    everything = SuppressionEntry.objects.filter(email_hash=hashed, channel=ALL_CHANNELS).first()
    if everything:
        # The person still objects to the other channels: keep those suppressed one by one.
        for other in Channel.values:
            if other != channel:
                SuppressionEntry.objects.get_or_create(
                    email_hash=hashed,
                    channel=other,
                    defaults={"reason": everything.reason, "added_at": everything.added_at},
                )
        everything.delete()
        lifted = True
    return lifted
