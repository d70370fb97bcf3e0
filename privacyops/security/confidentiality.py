"""Staff confidentiality: the undertaking in force, its acceptances, and privacy training.

Reads (which version is in force, whether a staff member has accepted it) and the writes that
change them (publish, accept online, record a paper copy, record training, remind before a
training lapses). Every write is atomic and leaves a row a person can read in the admin.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from privacyops.core import services as core_services

from . import selectors
from .models import SecurityEvent, TrainingRecord, UndertakingAcceptance, UndertakingVersion

# How long before a training lapses its holder (and Legal) is reminded, once.
TRAINING_REMINDER_DAYS = 30

# --- reads ------------------------------------------------------------------------------------


def undertaking_in_force(*, at: datetime.datetime | None = None) -> UndertakingVersion | None:
    """The highest version already in force, or None when Legal has published none."""
    at = at or timezone.now()
    return UndertakingVersion.objects.filter(in_force_from__lte=at).order_by("-version").first()


def has_accepted(*, user, version: UndertakingVersion) -> bool:
    return UndertakingAcceptance.objects.filter(user=user, version=version).exists()


def must_accept_undertaking(user) -> UndertakingVersion | None:
    """The version this staff member must accept before the admin opens, or None."""
    version = undertaking_in_force()
    if version is None or has_accepted(user=user, version=version):
        return None
    return version


def trainings_lapsing(*, today: datetime.date, days: int = TRAINING_REMINDER_DAYS):
    """Each person's latest training of a course that lapses within `days` (not yet lapsed)."""
    newer = TrainingRecord.objects.filter(
        user=OuterRef("user"), course=OuterRef("course"), valid_until__gt=OuterRef("valid_until")
    )
    return (
        TrainingRecord.objects.filter(
            valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days)
        )
        .exclude(Exists(newer))
        .select_related("user")
    )


def own_confidentiality(*, user) -> dict:
    """What a staff member may see of their own: acceptances and training (nobody else's)."""
    return {
        "in_force": undertaking_in_force(),
        "acceptances": UndertakingAcceptance.objects.filter(user=user).select_related("version"),
        "trainings": TrainingRecord.objects.filter(user=user).order_by("-completed_on"),
    }


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def undertaking_publish(
    *, text: str, by, title: str = "", in_force_from: datetime.datetime | None = None
) -> UndertakingVersion:
    """Publish the next version; from `in_force_from` (default now) everyone accepts it again."""
    if not text.strip():
        raise ValidationError("The undertaking needs its text.")
    latest = UndertakingVersion.objects.aggregate(latest=Max("version"))["latest"] or 0
    version = UndertakingVersion.objects.create(
        version=latest + 1,
        title=title or "Confidentiality undertaking",
        text=text,
        in_force_from=in_force_from or timezone.now(),
        published_by=by if getattr(by, "pk", None) else None,
    )
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.UNDERTAKING_PUBLISHED,
        target_username="",
        detail={"version": version.version, "in_force_from": version.in_force_from.isoformat()},
        **_actor(by),
    )
    return version


@transaction.atomic
def undertaking_accept(*, user, version: UndertakingVersion, request=None) -> UndertakingAcceptance:
    """Record that the signed-in staff member accepted this version (idempotent per version)."""
    existing = UndertakingAcceptance.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return UndertakingAcceptance.objects.create(
                version=version,
                user=user,
                username=user.get_username(),
                method=UndertakingAcceptance.Method.ONLINE,
                accepted_at=timezone.now(),
                ip=selectors.request_ip_text(request),
            )
    except IntegrityError:  # accepted twice at once (two tabs): the first one stands
        return UndertakingAcceptance.objects.get(user=user, version=version)


@transaction.atomic
def undertaking_paper_record(
    *, user, version: UndertakingVersion, signed_at: datetime.datetime, reference: str, by
) -> UndertakingAcceptance:
    """Legal records a signed paper copy: it counts as the staff member's acceptance."""
    if UndertakingAcceptance.objects.filter(user=user, version=version).exists():
        raise ValidationError("This staff member has already accepted this version.")
    if signed_at > timezone.now():
        raise ValidationError("A paper copy cannot be signed in the future.")
    acceptance = UndertakingAcceptance.objects.create(
        version=version,
        user=user,
        username=user.get_username(),
        method=UndertakingAcceptance.Method.PAPER,
        accepted_at=signed_at,
        paper_reference=reference,
        recorded_by=by,
    )
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.UNDERTAKING_PAPER_RECORDED,
        target_username=user.get_username(),
        detail={"version": version.version, "reference": reference},
        **_actor(by),
    )
    return acceptance


@transaction.atomic
def training_record(
    *, user, course: str, completed_on: datetime.date, valid_until: datetime.date, by
) -> TrainingRecord:
    if valid_until <= completed_on:
        raise ValidationError("A training is valid until a day after it was completed.")
    record = TrainingRecord.objects.create(
        user=user,
        course=course,
        completed_on=completed_on,
        valid_until=valid_until,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.TRAINING_RECORDED,
        target_username=user.get_username(),
        detail={"course": course, "valid_until": valid_until.isoformat()},
        **_actor(by),
    )
    return record


def training_reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily job: remind each holder (copy to Legal) once before a training lapses."""
    today = today or timezone.localdate()
    job = core_services.job_run_start(job="security: privacy training reminders")
    sent = 0
    due = trainings_lapsing(today=today).filter(reminder_sent_at__isnull=True)
    for record_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            record = (
                TrainingRecord.objects.select_for_update().select_related("user").get(pk=record_id)
            )
            if record.reminder_sent_at is not None:
                continue
            record.reminder_sent_at = timezone.now()
            record.save(update_fields=["reminder_sent_at"])
            SecurityEvent.objects.create(
                kind=SecurityEvent.Kind.TRAINING_REMINDER_SENT,
                target_username=record.user.get_username(),
                detail={"course": record.course, "valid_until": record.valid_until.isoformat()},
            )
            recipients = [
                address
                for address in (record.user.email, settings.PRIVACYOPS_CONTROLLER["email"])
                if address
            ]
            subject = f"Privacy training to renew by {record.valid_until:%d %b %Y}"
            body = (
                f"The privacy training '{record.course}' of {record.user.get_username()} is "
                f"valid until {record.valid_until:%d %B %Y}. Please take it again before then; "
                "Legal records the new completion in the back office."
            )
            transaction.on_commit(
                lambda s=subject, b=body, to=recipients: send_mail(
                    s, b, None, to, fail_silently=False
                )
            )
            sent += 1
    job.progress_done = sent
    core_services.job_run_finish(run=job, summary={"reminded": sent})
    return sent


def _actor(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor": None, "actor_username": ""}
    return {"actor": user, "actor_username": user.get_username()}
