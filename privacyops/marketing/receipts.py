"""Consent receipts (issue 17): the writes and the reads that decide on them.

A receipt is recorded once and never changed: a later decision is a later receipt, and the
latest receipt that speaks of a purpose decides it. A Global Privacy Control signal refuses
advertising whatever the receipt says (it is honoured as an opt-out of advertising). A marketing
channel refused by a known data subject is an opt-out of that channel (marketing's own
`subscription_unsubscribe`); a channel granted needs the subscription's own consent evidence
(address, form), so it subscribes no one by itself.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.inventory.models import DigitalProperty, PolicyVersion, TrackingIdentifier
from privacyops.inventory.selectors import policy_version_in_force
from privacyops.security.encryption import blind_index, blind_indexes
from privacyops.subjects.models import DataSubject

from . import services
from .models import ADVERTISING, CONSENT_PURPOSES, Channel, ConsentReceipt, OptOutMethod

PURPOSES = [value for value, _label in CONSENT_PURPOSES]


def identifier_hash(identifier: str) -> str:
    """The keyed hash a cookie identifier is kept as (never the identifier itself)."""
    return blind_index((identifier or "").strip())


def _purposes(values, field: str, errors: dict) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors[field] = [_("A list of purposes.")]
        return []
    unknown = sorted({v for v in values if v not in PURPOSES})
    if unknown:
        errors[field] = [
            _("Unknown purpose(s): %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(PURPOSES)}
        ]
    return list(dict.fromkeys(values))


@transaction.atomic
def consent_receipt_record(
    *,
    source: str,
    recorded_via: str,
    granted=(),
    refused=(),
    subject: DataSubject | None = None,
    identifier: str = "",
    gpc: bool = False,
    policy_version: PolicyVersion | None = None,
    digital_property: DigitalProperty | None = None,
    given_at: datetime.datetime | None = None,
    evidence: str = "",
    by=None,
) -> ConsentReceipt:
    """Record one consent decision. Refuses (ValidationError, per field) a receipt about
    nobody, an unknown purpose, a purpose both granted and refused, a consent from the future.
    Without a policy version, the version in force when consent was given is recorded."""
    errors: dict[str, list[str]] = {}
    granted = _purposes(list(granted) if granted is not None else [], "granted", errors)
    refused = _purposes(list(refused) if refused is not None else [], "refused", errors)
    both = sorted(set(granted) & set(refused))
    if both:
        errors["refused"] = [_("Granted and refused at once: %s.") % ", ".join(both)]
    if subject is None and not (identifier or "").strip():
        errors["subject"] = [_("Give the data subject or the cookie identifier.")]
    if not granted and not refused and not gpc:
        errors["granted"] = [_("Say which purposes are granted or refused.")]
    if source not in ConsentReceipt.Source.values:
        errors["source"] = [
            _("Unknown source; expected one of: %s.") % ", ".join(ConsentReceipt.Source.values)
        ]
    now = timezone.now()
    given_at = given_at or now
    if given_at > now + datetime.timedelta(minutes=5):
        errors["given_at"] = [_("Consent cannot be given in the future.")]
    if errors:
        raise ValidationError(errors)
    if gpc:  # the signal is an opt-out of advertising, whatever the banner answered
        granted = [p for p in granted if p != ADVERTISING]
        refused = refused if ADVERTISING in refused else [*refused, ADVERTISING]
    advertising = True if ADVERTISING in granted else (False if ADVERTISING in refused else None)
    receipt = ConsentReceipt.objects.create(
        subject=subject,
        identifier_hash=identifier_hash(identifier) if identifier else "",
        digital_property=digital_property,
        granted=granted,
        refused=refused,
        advertising=advertising,
        gpc=gpc,
        policy_version=policy_version or policy_version_in_force(on=timezone.localdate(given_at)),
        source=source,
        given_at=given_at,
        evidence=evidence,
        recorded_via=recorded_via,
        recorded_by=by,
    )
    if subject is not None:
        # The marketing consent follows: a channel refused is an opt-out of it, with its
        # evidence (OptOut, subscription history, suppression), in this same transaction.
        for channel in (p for p in refused if p in Channel.values):
            services.subscription_unsubscribe(
                subject=subject, channel=channel, method=OptOutMethod.CONSENT_RECEIPT, by=by
            )
    return receipt


def receipts_about(*, subject=None, identifier: str = "") -> QuerySet[ConsentReceipt]:
    """The receipts of a person or of a cookie identifier (under every configured key)."""
    if subject is not None:
        return ConsentReceipt.objects.filter(subject=subject)
    if identifier:
        return ConsentReceipt.objects.filter(identifier_hash__in=blind_indexes(identifier.strip()))
    return ConsentReceipt.objects.none()


def consent_now(*, purpose: str, subject=None, identifier: str = "", at=None) -> bool:
    """Whether this person or browser has consented to the purpose now: the latest receipt
    that speaks of it decides; none means no consent (consent is never presumed)."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    rows = receipts_about(subject=subject, identifier=identifier)
    if at is not None:
        rows = rows.filter(given_at__lte=at)
    if purpose == ADVERTISING:  # the denormalised column: one indexed look-up
        latest = rows.filter(advertising__isnull=False).order_by("-given_at", "-id").first()
        return bool(latest and latest.advertising)
    for receipt in rows.order_by("-given_at", "-id").only("granted", "refused")[:200]:
        if purpose in receipt.granted:
            return True
        if purpose in receipt.refused:
            return False
    return False


def advertising_consent_now(*, subject=None, identifier: str = "", at=None) -> bool:
    """May the advertising and re-targeting identifiers be used for this person or browser?"""
    return consent_now(purpose=ADVERTISING, subject=subject, identifier=identifier, at=at)


def advertising_identifiers() -> QuerySet[TrackingIdentifier]:
    """The identifiers of the cookie register that serve advertising (consent needed)."""
    return (
        TrackingIdentifier.objects.filter(
            is_active=True, purpose_category=TrackingIdentifier.PurposeCategory.ADVERTISING
        )
        .select_related("digital_property", "provider")
        .order_by("digital_property__name", "name")
    )
