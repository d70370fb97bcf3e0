"""The scheduled jobs of privacy requests: reminders and escalations, closing unconfirmed ones.

Both are idempotent, batched (one transaction per batch), resumable and leave a JobRun.
Reminders: a `ReminderSent` row per (request, kind, due date) under a unique constraint, and
the batch's rows are locked with SKIP LOCKED, so two workers, or the task run twice at the
same tick, send each reminder once. The number of queries depends on the number of batches,
never on the number of requests in a batch.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from privacyops.core.models import JobRun
from privacyops.core.selectors import legal_staff
from privacyops.core.services import job_run_finish, job_run_progress, job_run_start

from . import deadlines, letters
from .lifecycle import CLOCK_STOPPED, OPEN, State
from .models import Channel, MessageTemplate, PrivacyRequest, ReminderSent, RequestEvent
from .services import request_event_new, request_events_record, request_transition

REMIND_AT = {ReminderSent.Kind.DUE_IN_7: 7, ReminderSent.Kind.DUE_IN_2: 2}


def reminder_kind(days_left: int) -> str | None:
    """Which reminder a request with this many days left is owed (missed days catch up)."""
    if days_left < 0:
        return ReminderSent.Kind.OVERDUE
    if days_left <= REMIND_AT[ReminderSent.Kind.DUE_IN_2]:
        return ReminderSent.Kind.DUE_IN_2
    if days_left <= REMIND_AT[ReminderSent.Kind.DUE_IN_7]:
        return ReminderSent.Kind.DUE_IN_7
    return None


def _legal_addresses() -> list[str]:
    return sorted(set(legal_staff().exclude(email="").values_list("email", flat=True)))


def reminders_send(
    *, today: datetime.date | None = None, batch_size: int = 500, worker: str = ""
) -> JobRun:
    """Tell assignees of requests due in 7 and 2 days; escalate overdue ones to Legal."""
    today = today or timezone.localdate()
    run = job_run_start(job="dsr.reminders", worker=worker)
    legal = _legal_addresses()
    templates = {
        t.key: t
        for t in MessageTemplate.objects.filter(
            key__in=["reminder", "escalation"], language=settings.LANGUAGE_CODE
        )
    }
    for key in ("reminder", "escalation"):
        templates.setdefault(key, letters.seeded_wording(key))
    running = [state for state in OPEN if state not in CLOCK_STOPPED]
    horizon = today + datetime.timedelta(days=max(REMIND_AT.values()))
    last_pk, done, sent = 0, 0, dict.fromkeys(ReminderSent.Kind.values, 0)
    while True:
        with transaction.atomic():
            batch = list(
                PrivacyRequest.objects.filter(
                    state__in=running, due_date__lte=horizon, pk__gt=last_pk
                )
                .select_related("assignee")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            already = set(
                ReminderSent.objects.filter(request__in=batch).values_list(
                    "request_id", "kind", "due_date"
                )
            )
            rows, events, messages = [], [], []
            for request in batch:
                days_left = deadlines.days_left(request.due_date, today)
                kind = reminder_kind(days_left)
                if kind is None or (request.pk, kind, request.due_date) in already:
                    continue
                assignee = request.assignee.email if request.assignee else ""
                if kind == ReminderSent.Kind.OVERDUE:
                    to = sorted(set(legal) | ({assignee} if assignee else set()))
                    template, event_kind = templates["escalation"], RequestEvent.Kind.ESCALATION
                else:
                    to = [assignee] if assignee else legal
                    template, event_kind = templates["reminder"], RequestEvent.Kind.REMINDER
                subject, body = letters.render_template(
                    template, {"request": request, "days_left": days_left}
                )
                rows.append(
                    ReminderSent(
                        request=request, kind=kind, due_date=request.due_date, recipients=to
                    )
                )
                events.append(
                    request_event_new(
                        request=request,
                        kind=event_kind,
                        by=None,
                        note=subject,
                        to=to,
                        days_left=days_left,
                        due_date=str(request.due_date),
                    )
                )
                if to:
                    messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to))
                sent[kind] += 1
            # The unique constraint is the last guard: a clash rolls the batch back, and
            # with it the e-mails, which only leave on commit.
            ReminderSent.objects.bulk_create(rows)
            request_events_record(events)
            letters.send_on_commit(messages)
            done += len(batch)
            job_run_progress(run=run, done=done)
    return job_run_finish(run=run, summary={"looked_at": done, **sent})


def requests_close_unconfirmed(
    *, today: datetime.date | None = None, batch_size: int = 100, worker: str = ""
) -> JobRun:
    """Close web-form requests never confirmed within the configured days, with a final notice."""
    today = today or timezone.localdate()
    days = settings.PRIVACYOPS_DSR_UNCONFIRMED_CLOSE_DAYS
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.max)
    )
    run = job_run_start(job="dsr.close_unconfirmed", worker=worker)
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                PrivacyRequest.objects.filter(
                    state=State.AWAITING_IDENTITY,
                    channel=Channel.WEB_FORM,
                    identity_verified_at__isnull=True,
                    received_at__lte=cutoff,
                )
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for request in batch:
                request_transition(
                    request=request,
                    to=State.CLOSED_UNCONFIRMED,
                    by_system=True,
                    note=f"Not confirmed within {days} days.",
                )
            closed += len(batch)
            job_run_progress(run=run, done=closed)
    return job_run_finish(run=run, summary={"closed": closed, "after_days": days})
