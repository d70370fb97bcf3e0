"""The suppression list: salted hashes of addresses that must no longer receive marketing.

An entry is added on opt-out, objection or erasure and lifted only by the person's own fresh
consent (services.subscription_opt_in).
"""

from django.db import transaction

from privacyops.core import journal
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
    entry, created = SuppressionEntry.objects.get_or_create(
        email_hash=email_hash(address), channel=channel, defaults={"reason": reason}
    )
    if created:
        suppression_journal(entry)
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
            entry, created = SuppressionEntry.objects.get_or_create(
                email_hash=hashed, channel=channel, defaults={"reason": reason}
            )
            if created:
                suppression_journal(entry)
            added += created
    return added


def suppression_journal(entry: SuppressionEntry) -> None:
    """The erasure journal keeps the entry (its salted hash, never the address), so a restored
    backup gets it back (privacyops.core.journal). A lift by fresh consent is not journalled:
    the restored database lacks that consent too, so the address stays suppressed."""
    journal.record(
        journal.SUPPRESSION,
        email_hash=entry.email_hash,
        channel=entry.channel,
        suppression_reason=entry.reason,
    )


def suppression_replay(line: dict) -> str:
    _, created = SuppressionEntry.objects.get_or_create(
        email_hash=line["email_hash"],
        channel=line["channel"],
        defaults={"reason": line["suppression_reason"]},
    )
    return "suppressed again" if created else "already suppressed"


journal.register_replayer(journal.SUPPRESSION, suppression_replay)


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
