"""Retention operations: place and release legal holds, decide disposition reviews, run rules.

Running a rule is runs.py's (`retention_rule_run`, `retention_run_all`, `retention_rule_preview`
are re-exported here: this module is the app's surface for writes).
"""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from privacyops.core import services as core_services

from . import selectors
from .models import DispositionReview, LegalHold, RetentionEvent
from .runs import (
    Preview,
    PreviewEntry,
    retention_rule_preview,
    retention_rule_run,
    retention_run_all,
)

__all__ = [
    "Preview",
    "PreviewEntry",
    "disposition_review_approve",
    "disposition_review_extend",
    "disposition_review_refusal",
    "hold_reasons",
    "legal_hold_change",
    "legal_hold_place",
    "legal_hold_release",
    "legal_holds_announce_expiring",
    "retention_rule_preview",
    "retention_rule_run",
    "retention_run_all",
]


# --- Legal holds --------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *,
    by,
    matter: str,
    reason: str,
    subject=None,
    account=None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> LegalHold:
    """Place a hold: from its first day nothing about the subject or account is purged or erased."""
    hold = LegalHold(
        subject=subject,
        account=account,
        matter=matter,
        reason=reason,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        placed_by=by,
    )
    hold.full_clean()
    hold.save()
    RetentionEvent.objects.create(
        kind=RetentionEvent.Kind.HOLD_PLACED,
        hold=hold,
        by=by,
        detail={"matter": matter, "until": ends_on.isoformat() if ends_on else None},
    )
    return hold


@transaction.atomic
def legal_hold_change(*, hold: LegalHold, by, changes: dict) -> LegalHold:
    """Change a hold's matter, reason or end date; the event keeps the old and new values."""
    allowed = {"matter", "reason", "ends_on"}
    if set(changes) - allowed:
        raise ValidationError(f"Only {', '.join(sorted(allowed))} of a hold can change.")
    before = LegalHold.objects.get(pk=hold.pk)
    diff = {
        name: [str(getattr(before, name) or ""), str(value or "")]
        for name, value in changes.items()
        if getattr(before, name) != value
    }
    for name, value in changes.items():
        setattr(hold, name, value)
    hold.full_clean()
    hold.save(update_fields=list(changes))
    if diff:
        if "ends_on" in diff:
            hold.expiry_announced_at = None  # a new end date is announced afresh
            hold.save(update_fields=["expiry_announced_at"])
        RetentionEvent.objects.create(
            kind=RetentionEvent.Kind.HOLD_CHANGED, hold=hold, by=by, detail=diff
        )
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, by) -> LegalHold:
    if hold.released_at is not None:
        raise ValidationError("This hold was already released.")
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.save(update_fields=["released_at", "released_by"])
    RetentionEvent.objects.create(kind=RetentionEvent.Kind.HOLD_RELEASED, hold=hold, by=by)
    return hold


def legal_holds_announce_expiring(*, today: datetime.date | None = None) -> int:
    """Tell Legal, once per hold, that a hold ends within the notice period (the beat job)."""
    today = today or timezone.localdate()
    days = settings.RETENTION_HOLD_EXPIRY_NOTICE_DAYS
    job = core_services.job_run_start(job="retention: hold expiry notices")
    announced = 0
    for hold_id in (
        selectors.holds_expiring(today=today, days=days)
        .filter(expiry_announced_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            hold = LegalHold.objects.select_for_update().get(pk=hold_id)
            if hold.expiry_announced_at is not None:
                continue
            hold.expiry_announced_at = timezone.now()
            hold.save(update_fields=["expiry_announced_at"])
            RetentionEvent.objects.create(
                kind=RetentionEvent.Kind.HOLD_EXPIRY_ANNOUNCED,
                hold=hold,
                detail={"ends_on": hold.ends_on.isoformat()},
            )
            subject = f"Legal hold ends on {hold.ends_on:%d %b %Y}: {hold.matter}"
            body = (
                f"The legal hold '{hold.matter}' on {hold.target} ends on {hold.ends_on:%d %B %Y}. "
                "After that, retention rules apply to this data again. Extend or release it in "
                "the admin if the matter needs it."
            )
            transaction.on_commit(
                lambda s=subject, b=body: send_mail(
                    s, b, None, [settings.PRIVACYOPS_CONTROLLER["email"]], fail_silently=False
                )
            )
            announced += 1
    job.progress_done = announced
    core_services.job_run_finish(run=job, summary={"announced": announced})
    return announced


def hold_reasons(subject) -> list[str]:
    """The registry's hold check: why this subject's data must not be erased now."""
    return [
        f"{hold.matter} (from {hold.starts_on:%d %b %Y})"
        for hold in selectors.holds_covering(subject=subject)
    ]


# --- Disposition reviews ------------------------------------------------------------------

APPROVE, EXTEND = "approve", "extend"


def disposition_review_refusal(
    *,
    review: DispositionReview,
    decision: str,
    until: datetime.date | None = None,
    comment: str = "",
) -> ValidationError | None:
    """Why Legal cannot take this decision on this review now; None when it can.

    The one statement of the rules: the services raise it, the admin form shows it as form
    errors before anything is saved.
    """
    if decision not in (APPROVE, EXTEND):
        return ValidationError(f"Unknown decision {decision!r}.")
    errors: dict[str, list[str]] = {}
    if review.status != DispositionReview.Status.PENDING:
        verb = "approved" if decision == APPROVE else "extended"
        errors[NON_FIELD_ERRORS] = [f"Only a review awaiting Legal can be {verb}."]
    if decision == EXTEND:
        if not comment.strip():
            errors["comment"] = ["Say why the records are kept longer."]
        if until is None or until <= timezone.localdate():
            errors["extended_until"] = ["The new date must be in the future."]
    return ValidationError(errors) if errors else None


@transaction.atomic
def disposition_review_approve(
    *, review: DispositionReview, by, comment: str = ""
) -> DispositionReview:
    """Legal approves disposal and the rule's run that disposes of the records is started (on
    a worker, once this commits). Holds still win. Refused (ValidationError) unless the review
    awaits Legal."""
    review = DispositionReview.objects.select_for_update().get(pk=review.pk)
    if refused := disposition_review_refusal(review=review, decision=APPROVE):
        raise refused
    review.status = DispositionReview.Status.APPROVED
    review.decided_by, review.decided_at, review.comment = by, timezone.now(), comment
    review.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    RetentionEvent.objects.create(
        kind=RetentionEvent.Kind.REVIEW_APPROVED, review=review, by=by, detail={"comment": comment}
    )
    from . import tasks  # tasks import this module

    rule_id = review.rule_id
    transaction.on_commit(lambda: tasks.run_rule.delay(rule_id))
    return review


@transaction.atomic
def disposition_review_extend(
    *, review: DispositionReview, by, until: datetime.date, comment: str
) -> DispositionReview:
    """Legal keeps the records longer; no new review opens for the rule before `until`.
    Refused (ValidationError) without a reason, a future date, or a review awaiting Legal."""
    review = DispositionReview.objects.select_for_update().get(pk=review.pk)
    if refused := disposition_review_refusal(
        review=review, decision=EXTEND, until=until, comment=comment
    ):
        raise refused
    review.status = DispositionReview.Status.EXTENDED
    review.decided_by, review.decided_at = by, timezone.now()
    review.comment, review.extended_until = comment, until
    review.save(update_fields=["status", "decided_by", "decided_at", "comment", "extended_until"])
    RetentionEvent.objects.create(
        kind=RetentionEvent.Kind.REVIEW_EXTENDED,
        review=review,
        by=by,
        detail={"comment": comment, "until": until.isoformat()},
    )
    return review
