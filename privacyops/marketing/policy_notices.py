"""Notices of a material change of the privacy policy (issue 16): before the new version takes
effect, to every open customer account's contacts and to current subscribers.

Each address is noticed once per version (a unique row per version and address hash, written
before the message goes, on commit): the run can be repeated or run twice at once and sends
nothing twice. An address that bounces is never mailed (`may_send` with the `legal` kind); a
subscriber reached only as a subscriber who has since opted out of all marketing is skipped.
Progress is a JobRun, updated after every batch.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

from privacyops.core import services as core_services
from privacyops.core.erasure import masked
from privacyops.core.models import JobRun
from privacyops.inventory.models import PolicyVersion
from privacyops.subjects.models import Account, ContactPoint
from privacyops.subjects.selectors import normalise_email

from .models import ALL_CHANNELS, PolicyNotice, PolicyNoticeLetter, Subscription
from .selectors import email_hash, is_suppressed, may_send

JOB = "marketing.policy_notices"
Audience = PolicyNotice.Audience
Status = PolicyNotice.Status


@dataclass(frozen=True)
class Recipient:
    email: str
    subject_id: int | None
    audience: str


def notice_days() -> int:
    """How many days before the effective date the notices start to go."""
    return getattr(settings, "PRIVACYOPS_POLICY_NOTICE_DAYS", 30)


def notice_batch_size() -> int:
    return getattr(settings, "PRIVACYOPS_POLICY_NOTICE_BATCH", 200)


def policy_notice_recipients() -> list[Recipient]:
    """Everyone a material change is told to, each address once (an account contact first)."""
    open_accounts = Account.objects.filter(status=Account.Status.OPEN)
    people = set(
        open_accounts.filter(account_contacts__isnull=False).values_list(
            "account_contacts__subject_id", flat=True
        )
    ) | set(
        open_accounts.filter(license_holder__isnull=False).values_list(
            "license_holder_id", flat=True
        )
    )
    found: dict[str, Recipient] = {}
    points = ContactPoint.objects.filter(subject_id__in=people, kind=ContactPoint.Kind.EMAIL)
    for subject_id, value in points.order_by("subject_id", "-is_primary", "id").values_list(
        "subject_id", "value"
    ):
        address = normalise_email(value)
        if address and address not in found:
            found[address] = Recipient(address, subject_id, Audience.ACCOUNT_CONTACT)
    subscribed = Subscription.objects.filter(status=Subscription.Status.SUBSCRIBED)
    for subject_id, value in subscribed.order_by("subject_id", "id").values_list(
        "subject_id", "email"
    ):
        address = normalise_email(value)
        if address and address not in found:
            found[address] = Recipient(address, subject_id, Audience.SUBSCRIBER)
    return sorted(found.values(), key=lambda r: r.email)


def policy_notice_letter(*, policy_version: PolicyVersion, language: str = "") -> EmailMessage:
    """The letter in the installation's language (or English), filled in for this version."""
    language = language or settings.LANGUAGE_CODE
    letter = (
        PolicyNoticeLetter.objects.filter(language=language).first()
        or PolicyNoticeLetter.objects.filter(language="en").first()
    )
    if letter is None:
        raise PolicyNoticeLetter.DoesNotExist("No policy-change letter is set up.")
    with translation.override(letter.language):
        context = Context(
            {
                "version": policy_version.version,
                "effective_from": date_format(policy_version.effective_from, "j F Y"),
                "summary": policy_version.summary_of_changes,
                "policy_url": policy_version.url
                or f"{settings.PRIVACYOPS_PUBLIC_URL.rstrip('/')}/privacy/policy/",
                "controller": settings.PRIVACYOPS_CONTROLLER["name"],
            },
            autoescape=False,
        )
        subject = Template(letter.subject).render(context).strip()
        body = Template(letter.body).render(context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [])


def _status_for(recipient: Recipient) -> str:
    if not may_send(recipient.email, "legal"):
        return Status.SKIPPED_BOUNCED
    if recipient.audience == Audience.SUBSCRIBER and is_suppressed(recipient.email, ALL_CHANNELS):
        return Status.SKIPPED_OPTED_OUT
    return Status.SENT


def _notice_once(*, policy_version: PolicyVersion, recipient: Recipient) -> PolicyNotice | None:
    """The notice row for this address, or None when one exists (this or another run's)."""
    try:
        with transaction.atomic():
            return PolicyNotice.objects.create(
                policy_version=policy_version,
                subject_id=recipient.subject_id,
                email_hash=email_hash(recipient.email),
                address_masked=masked(recipient.email),
                audience=recipient.audience,
                status=_status_for(recipient),
            )
    except IntegrityError:
        return None


def policy_notices_send(*, policy_version: PolicyVersion, worker: str = "") -> JobRun:
    """Send the notices of this version still due, in batches (one transaction each)."""
    if not policy_version.material_change:
        raise ValueError(f"Policy version {policy_version.version} is not a material change.")
    recipients = policy_notice_recipients()
    letter = policy_notice_letter(policy_version=policy_version)
    run = core_services.job_run_start(job=JOB, total=len(recipients), worker=worker)
    counts = dict.fromkeys(Status.values, 0) | {"already_noticed": 0}
    size = notice_batch_size()
    for start in range(0, len(recipients), size):
        batch = recipients[start : start + size]
        with transaction.atomic():
            messages = []
            for recipient in batch:
                notice = _notice_once(policy_version=policy_version, recipient=recipient)
                if notice is None:
                    counts["already_noticed"] += 1
                    continue
                counts[notice.status] += 1
                if notice.status == Status.SENT:
                    messages.append(
                        EmailMessage(
                            letter.subject, letter.body, letter.from_email, [recipient.email]
                        )
                    )
            if messages:
                transaction.on_commit(lambda m=messages: get_connection().send_messages(m))
        core_services.job_run_progress(run=run, done=start + len(batch))
    run.progress_done = len(recipients)
    return core_services.job_run_finish(
        run=run,
        summary={"policy_version": policy_version.version, **counts},
        detail=f"Policy {policy_version.version}: {counts[Status.SENT]} notice(s) sent.",
    )


def policy_versions_to_notice(*, today: datetime.date | None = None) -> list[PolicyVersion]:
    """Material changes that take effect within the notice period and have not yet."""
    today = today or timezone.localdate()
    return list(
        PolicyVersion.objects.filter(
            material_change=True,
            effective_from__gt=today,
            effective_from__lte=today + datetime.timedelta(days=notice_days()),
        ).order_by("effective_from")
    )


def policy_notices_due(*, today: datetime.date | None = None, worker: str = "") -> list[JobRun]:
    """The daily run: notices for every material change due (new subscribers included)."""
    return [
        policy_notices_send(policy_version=version, worker=worker)
        for version in policy_versions_to_notice(today=today)
    ]
