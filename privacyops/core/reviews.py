"""Periodic reviews: the schedule Legal sets, the daily job that opens, reminds and escalates,
and completing a review with its findings and actions (models/reviews.py).

The daily job is idempotent: a review is opened once per due date (a unique constraint), an
owner is reminded once and Legal is told once per review; a second run the same day does
nothing. Messages go out only when the transaction commits.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import services
from .models import Review, ReviewEvent, ReviewSchedule

# --- reads ------------------------------------------------------------------------------------


def reviews_overdue(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return Review.objects.filter(state=Review.State.OPEN, due_on__lt=today).select_related(
        "schedule"
    )


def reviews_open():
    return Review.objects.filter(state=Review.State.OPEN)


def last_completed(*, area: str) -> Review | None:
    """The latest completed review of an area (its date is evidence for the report)."""
    return (
        Review.objects.filter(schedule__area=area, state=Review.State.COMPLETED)
        .order_by("-completed_at")
        .first()
    )


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def review_complete(*, review: Review, by, findings: str, actions: str) -> Review:
    """Complete an open review; refuses without findings, and a review completed before."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.state != Review.State.OPEN:
        raise ValidationError("This review was already completed.")
    if not findings.strip():
        raise ValidationError("A review is completed with its findings.")
    review.state = Review.State.COMPLETED
    review.completed_at = timezone.now()
    review.completed_by = by
    review.findings = findings.strip()
    review.actions = actions.strip()
    review.save(update_fields=["state", "completed_at", "completed_by", "findings", "actions"])
    ReviewEvent.objects.create(review=review, kind=ReviewEvent.Kind.COMPLETED, by=by)
    return review


def reviews_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: open the reviews coming due, remind on the due day, escalate overdue."""
    today = today or timezone.localdate()
    run = services.job_run_start(job="core: periodic reviews")
    summary = {"opened": _open_due(today), "reminded": 0, "escalated": 0}
    for review_id in (
        reviews_open()
        .filter(due_on__lte=today, reminded_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        summary["reminded"] += _notify(review_id, today=today, escalate=False)
    for review_id in (
        reviews_overdue(today=today).filter(escalated_at__isnull=True).values_list("pk", flat=True)
    ):
        summary["escalated"] += _notify(review_id, today=today, escalate=True)
    run.progress_done = sum(summary.values())
    services.job_run_finish(run=run, summary=summary)
    return summary


def _open_due(today: datetime.date) -> int:
    opened = 0
    for schedule_id in ReviewSchedule.objects.filter(active=True).values_list("pk", flat=True):
        with transaction.atomic():
            schedule = ReviewSchedule.objects.select_for_update().get(pk=schedule_id)
            opens_on = schedule.next_due_on - datetime.timedelta(days=schedule.open_days_before)
            if opens_on > today:
                continue
            try:
                with transaction.atomic():
                    review = Review.objects.create(schedule=schedule, due_on=schedule.next_due_on)
            except IntegrityError:  # opened already for this due date
                review = None
            schedule.next_due_on = schedule.next_due_on + relativedelta(
                months=schedule.every_months
            )
            schedule.save(update_fields=["next_due_on"])
            if review is None:
                continue
            ReviewEvent.objects.create(review=review, kind=ReviewEvent.Kind.OPENED)
            _mail_on_commit(
                f"Review opened: {schedule.title}, due {review.due_on:%d %b %Y}",
                f"The periodic review '{schedule.title}' is open and due on "
                f"{review.due_on:%d %B %Y}. Complete it in the back office with its findings "
                "and the actions decided.",
                _owner_addresses(schedule),
            )
            opened += 1
    return opened


def _notify(review_id: int, *, today: datetime.date, escalate: bool) -> int:
    field = "escalated_at" if escalate else "reminded_at"
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("schedule").get(pk=review_id)
        if review.state != Review.State.OPEN or getattr(review, field) is not None:
            return 0
        setattr(review, field, timezone.now())
        review.save(update_fields=[field])
        kind = ReviewEvent.Kind.ESCALATED if escalate else ReviewEvent.Kind.REMINDED
        ReviewEvent.objects.create(review=review, kind=kind)
        title = review.schedule.title
        if escalate:
            days = (today - review.due_on).days
            subject = f"Review overdue by {days} day(s): {title}"
            to = [settings.PRIVACYOPS_CONTROLLER["email"]]
        else:
            subject = f"Review due today: {title}"
            to = _owner_addresses(review.schedule)
        _mail_on_commit(
            subject,
            f"The periodic review '{title}' was due on {review.due_on:%d %B %Y} and is not "
            "completed. The privacy policy promises these reviews; until it is completed the "
            "accountability report shows it at risk.",
            to,
        )
        return 1


def _owner_addresses(schedule: ReviewSchedule) -> list[str]:
    if schedule.owner is not None and schedule.owner.email:
        return [schedule.owner.email]
    return [settings.PRIVACYOPS_CONTROLLER["email"]]


def _mail_on_commit(subject: str, body: str, to: list[str]) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, to, fail_silently=False))
