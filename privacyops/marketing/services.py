"""Business operations of marketing: consent, opt-outs (every channel) and the suppression list
(suppression.py's, re-exported here: this module is the app's surface for writes).

Every change writes its evidence in the same transaction: a `SubscriptionEvent` per changed
subscription, an `OptOut` per opt-out received, a `SuppressionEntry` (salted hash only) per
address that must no longer receive marketing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from privacyops.core.erasure import masked
from privacyops.inventory.models import PolicyVersion
from privacyops.inventory.selectors import policy_version_in_force
from privacyops.subjects.models import ContactPoint, DataSubject
from privacyops.subjects.selectors import normalise_email, subject_for_email
from privacyops.webhooks import selectors as webhook_selectors
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import EventType as WebhookEvent

from .models import (
    ALL_CHANNELS,
    ConsentSource,
    MailBounce,
    OptOut,
    OptOutMethod,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from .selectors import channels_in_scope, email_hash, is_suppressed, may_send, subject_emails
from .suppression import (
    AddressSuppressed,
    suppress_addresses,
    suppression_add,
    suppression_add_for_subject,
    suppression_lift,
)

__all__ = [
    "AddressSuppressed",
    "marketing_objection_record",
    "may_send",
    "normalise_email",
    "opt_out_record",
    "subject_emails",
    "subject_for_email",
    "subscription_import_row",
    "subscription_consent_unchanged",
    "subscription_opt_in",
    "subscription_unsubscribe",
    "suppression_add",
    "suppression_add_for_subject",
]


# --- Consent ---------------------------------------------------------------------------------


def _for_history(detail: dict) -> dict:
    """The history's copy of before/after: the address masked (`m•••@example.com`).

    The history is read by more people than the subscription; the address itself is kept
    once, encrypted, on the subscription.
    """
    shown = dict(detail)
    for side in ("before", "after"):
        if isinstance(shown.get(side), dict) and shown[side].get("email"):
            shown[side] = {**shown[side], "email": masked(shown[side]["email"])}
    return shown


def _event(subscription, kind, *, method="", ip=None, by=None, at=None, detail=None):
    return SubscriptionEvent.objects.create(
        subscription=subscription,
        kind=kind,
        method=method,
        ip=ip,
        by=by,
        at=at or timezone.now(),
        detail=_for_history(detail or {}),
    )


def _evidence_values(
    *, status: str, email: str, consented_at, source: str, form: str, ip, policy_version
) -> dict:
    """The evidence of a consent as the history keeps it (JSON)."""
    return {
        "status": status,
        "email": email,
        "consented_at": consented_at.astimezone(datetime.UTC).isoformat() if consented_at else None,
        "consent_source": source,
        "consent_form": form,
        "consent_ip": ip,
        "policy_version": policy_version.version if policy_version else None,
    }


def _evidence(subscription: Subscription) -> dict:
    return _evidence_values(
        status=subscription.status,
        email=subscription.email,
        consented_at=subscription.consented_at,
        source=subscription.consent_source,
        form=subscription.consent_form,
        ip=subscription.consent_ip,
        policy_version=subscription.policy_version,
    )


def subscription_consent_unchanged(
    *,
    subscription: Subscription | None,
    email: str,
    consented_at: datetime.datetime,
    source: str,
    form: str = "",
    ip: str | None = None,
    policy_version: PolicyVersion | None = None,
) -> bool:
    """Whether recording this consent would change nothing: the subscription already stands
    with exactly this evidence (address, time, source, form, IP, policy version).

    The one decision behind subscription_opt_in's "unchanged" and the import's skipped rows.
    `policy_version` None means the version in force on the day of consent.
    """
    if subscription is None or subscription.pk is None:
        return False
    if policy_version is None:
        policy_version = policy_version_in_force(on=timezone.localdate(consented_at))
    offered = _evidence_values(
        status=Subscription.Status.SUBSCRIBED,
        email=normalise_email(email),
        consented_at=consented_at,
        source=source,
        form=form or "",
        ip=ip or None,
        policy_version=policy_version,
    )
    return _evidence(subscription) == offered


@transaction.atomic
def subscription_opt_in(
    *,
    subject: DataSubject,
    email: str,
    channel: str,
    consented_at: datetime.datetime,
    source: str,
    form: str = "",
    ip: str | None = None,
    policy_version: PolicyVersion | None = None,
    by=None,
    renewed_after_opt_out: bool = False,
) -> tuple[Subscription, str]:
    """Record a person's consent to one channel; returns (subscription, outcome).

    Outcome is "new", "updated" (evidence changed), "resubscribed" or "unchanged" (the same
    consent recorded again writes nothing). A suppressed address raises AddressSuppressed
    unless `renewed_after_opt_out` says the person themself gave fresh consent after opting
    out; that lifts the suppression for this channel only, and the history says so.
    """
    channels_in_scope(channel)
    if source not in ConsentSource.values:
        raise ValueError(f"Unknown consent source {source!r}")
    address = normalise_email(email)
    lifted = False
    if is_suppressed(address, channel):
        if not renewed_after_opt_out:
            raise AddressSuppressed(f"{channel}: the address is on the suppression list")
        lifted = suppression_lift(address, channel)
    if policy_version is None:
        policy_version = policy_version_in_force(on=timezone.localdate(consented_at))
    evidence = {
        "email": address,
        "consented_at": consented_at,
        "consent_source": source,
        "consent_form": form or "",
        "consent_ip": ip or None,
        "policy_version": policy_version,
    }
    subscription = (
        Subscription.objects.select_for_update().filter(subject=subject, channel=channel).first()
    )
    if subscription_consent_unchanged(
        subscription=subscription,
        email=address,
        consented_at=consented_at,
        source=source,
        form=form,
        ip=ip,
        policy_version=policy_version,
    ):
        return subscription, "unchanged"
    if subscription is None:
        subscription = Subscription.objects.create(
            subject=subject, channel=channel, status=Subscription.Status.SUBSCRIBED, **evidence
        )
        _event(
            subscription,
            SubscriptionEvent.Kind.SUBSCRIBED,
            method=source,
            ip=ip or None,
            by=by,
            at=consented_at,
            detail={"after": _evidence(subscription), "suppression_lifted": lifted},
        )
        return subscription, "new"

    before = _evidence(subscription)
    was_subscribed = subscription.status == Subscription.Status.SUBSCRIBED
    for name, value in evidence.items():
        setattr(subscription, name, value)
    subscription.status = Subscription.Status.SUBSCRIBED
    subscription.unsubscribed_at = None
    after = _evidence(subscription)
    subscription.save()
    kind = (
        SubscriptionEvent.Kind.CONSENT_UPDATED
        if was_subscribed
        else SubscriptionEvent.Kind.RESUBSCRIBED
    )
    _event(
        subscription,
        kind,
        method=source,
        ip=ip or None,
        by=by,
        at=consented_at if not was_subscribed else None,
        detail={"before": before, "after": after, "suppression_lifted": lifted},
    )
    return subscription, "updated" if was_subscribed else "resubscribed"


@transaction.atomic
def subscription_import_row(
    *,
    email: str,
    channel: str,
    consented_at: datetime.datetime,
    source: str = ConsentSource.IMPORT,
    name: str = "",
    form: str = "",
    ip: str | None = None,
    policy_version: PolicyVersion | None = None,
    by=None,
    already_checked: bool = False,
) -> tuple[Subscription | None, str]:
    """One row of an imported list: "suppressed" (nothing done), or subscription_opt_in's outcome.

    An address not known yet becomes a new data subject (a newsletter subscriber) with that
    e-mail as its primary contact point. An import never lifts a suppression (and
    subscription_opt_in still refuses a suppressed address when the caller says it already
    looked, with `already_checked`).
    """
    address = normalise_email(email)
    if not already_checked and is_suppressed(address, channel):
        return None, "suppressed"
    subject = subject_for_email(address)
    if subject is None:
        subject = DataSubject.objects.create(
            kind=DataSubject.Kind.NEWSLETTER_SUBSCRIBER, full_name=name or ""
        )
        ContactPoint.objects.create(
            subject=subject, kind=ContactPoint.Kind.EMAIL, value=address, is_primary=True
        )
    return subscription_opt_in(
        subject=subject,
        email=address,
        channel=channel,
        consented_at=consented_at,
        source=source,
        form=form,
        ip=ip,
        policy_version=policy_version,
        by=by,
    )


# --- Opt-outs --------------------------------------------------------------------------------


@dataclass
class OptOutEffect:
    unsubscribed: list[Subscription] = field(default_factory=list)
    suppressed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.unsubscribed or self.suppressed)


def _opt_out(
    *,
    subject: DataSubject | None,
    addresses: set[str],
    channels: list[str],
    method: str,
    reason: str,
    at: datetime.datetime,
    ip: str | None = None,
    by=None,
    reference: str = "",
) -> OptOutEffect:
    effect = OptOutEffect()
    if subject is not None:
        addresses = addresses | subject_emails(subject)
        rows = Subscription.objects.select_for_update().filter(
            subject=subject, channel__in=channels, status=Subscription.Status.SUBSCRIBED
        )
        for subscription in rows:
            before = _evidence(subscription)
            subscription.status = Subscription.Status.UNSUBSCRIBED
            subscription.unsubscribed_at = at
            subscription.save(update_fields=["status", "unsubscribed_at", "updated_at"])
            _event(
                subscription,
                SubscriptionEvent.Kind.UNSUBSCRIBED,
                method=method,
                ip=ip,
                by=by,
                at=at,
                detail={"before": before, "after": _evidence(subscription), "ref": reference},
            )
            effect.unsubscribed.append(subscription)
    effect.suppressed = suppress_addresses(addresses, channels, reason)
    # Webhooks out: the mail platform and the CRM hear of it (after commit), by the
    # identifiers they hold; the reference is not sent (it may name the person).
    webhooks.publish(
        event_type=WebhookEvent.MARKETING_OPTED_OUT,
        subject=subject,
        identifiers=webhook_selectors.subject_identifiers(subject=subject, emails=addresses),
        details={"channels": sorted(channels)},
    )
    return effect


@transaction.atomic
def subscription_unsubscribe(
    *,
    subject: DataSubject,
    channel: str | None,
    method: str = OptOutMethod.LINK,
    ip: str | None = None,
    by=None,
) -> OptOut | None:
    """The person unsubscribed (link or RFC 8058 one-click): one channel, or all with None.

    Idempotent: when nothing was left to change it records nothing and returns None.
    """
    if method not in OptOutMethod.values:
        raise ValueError(f"Unknown opt-out method {method!r}")
    now = timezone.now()
    channels = channels_in_scope(channel)
    effect = _opt_out(
        subject=subject,
        addresses=set(),
        channels=channels,
        method=method,
        reason=SuppressionEntry.Reason.OPTED_OUT,
        at=now,
        ip=ip,
        by=by,
    )
    if not effect.changed:
        return None
    return OptOut.objects.create(
        subject=subject,
        channel=channel or ALL_CHANNELS,
        method=method,
        received_at=now,
        recorded_by=by,
    )


@transaction.atomic
def opt_out_record(
    *,
    method: str,
    channel: str = ALL_CHANNELS,
    subject: DataSubject | None = None,
    email: str = "",
    reference: str = "",
    received_at: datetime.datetime | None = None,
    by=None,
    reason: str = SuppressionEntry.Reason.OPTED_OUT,
) -> OptOut:
    """Record an opt-out that reached staff (e-mail, letter, call); effective immediately.

    Against a known subject, or against an address nobody knows yet (kept only as a salted
    hash, so the address is suppressed before it is ever imported). Always recorded, even
    when the person had already opted out: the letter itself is evidence.
    """
    if method not in OptOutMethod.values:
        raise ValueError(f"Unknown opt-out method {method!r}")
    address = normalise_email(email)
    if subject is None and not address:
        raise ValueError("An opt-out needs a data subject or an e-mail address")
    if subject is None:
        subject = subject_for_email(address)
    channels = channels_in_scope(channel)
    _opt_out(
        subject=subject,
        addresses={address} if address else set(),
        channels=channels,
        method=method,
        reason=reason,
        at=received_at or timezone.now(),
        by=by,
        reference=reference,
    )
    return OptOut.objects.create(
        subject=subject,
        email_hash=email_hash(address) if address else "",
        channel=channel or ALL_CHANNELS,
        method=method,
        reference=reference,
        received_at=received_at or timezone.now(),
        recorded_by=by,
    )


def marketing_objection_record(
    *, email: str = "", subject: DataSubject | None = None, source: str, by=None
) -> OptOut:
    """An objection to direct marketing (GDPR Art. 21(3)): every marketing channel, at once.

    `source` says where the objection came from (e.g. "privacy request #42"); the dsr app
    calls this when a request contains such an objection.
    """
    return opt_out_record(
        method=OptOutMethod.OBJECTION,
        channel=ALL_CHANNELS,
        subject=subject,
        email=email,
        reference=source,
        by=by,
        reason=SuppressionEntry.Reason.OBJECTION,
    )


# --- Bounces ---------------------------------------------------------------------------------


@transaction.atomic
def mail_bounce_record(*, email: str, reason: str = "", at=None):
    """The mail platform reported the address undeliverable: from now on nothing is sent to
    it, not even a legal notice. Only the salted hash is kept. Idempotent."""
    bounce, _ = MailBounce.objects.get_or_create(
        email_hash=email_hash(email),
        defaults={"reason": reason[:200], "bounced_at": at or timezone.now()},
    )
    return bounce
