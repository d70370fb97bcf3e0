"""Scheduled jobs: the breach clock's reminders and escalations, and security.txt's expiry.

Reminders are idempotent like the requests' ones: one `ClockReminder` per (incident, mark,
deadline) under a unique constraint, rows locked with SKIP LOCKED per batch, e-mail only on
commit; so two workers at the same tick, or a rerun, send each reminder once. A missed tick
catches up with the latest mark reached (never a burst of old ones).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from privacyops.core import roles
from privacyops.core.models import JobRun
from privacyops.core.services import job_run_finish, job_run_progress, job_run_start

from . import clock, letters, seed, selectors
from .models import ClockReminder, Incident, IncidentEvent, SecurityTxt

MARKS = {24: ClockReminder.Mark.H24, 48: ClockReminder.Mark.H48, 66: ClockReminder.Mark.H66}


def legal_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=roles.LEGAL, is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def reminder_mark(aware_at: datetime.datetime, now: datetime.datetime) -> str | None:
    """The reminder an incident is owed now: the latest mark reached, or overdue."""
    if clock.is_overdue(aware_at, now):
        return ClockReminder.Mark.OVERDUE
    reached = clock.reminders_due(aware_at, now)
    return MARKS[reached[-1]] if reached else None


def clock_reminders_send(
    *, now: datetime.datetime | None = None, batch_size: int = 200, worker: str = ""
) -> JobRun:
    """Remind Legal 24, 48 and 66 hours after awareness; escalate once the 72 hours passed."""
    now = now or timezone.now()
    run = job_run_start(job="incidents.clock_reminders", worker=worker)
    to = legal_addresses()
    sent = dict.fromkeys(ClockReminder.Mark.values, 0)
    last_pk, looked_at = 0, 0
    ids = selectors.clock_running().values("pk")
    while True:
        with transaction.atomic():
            batch = list(
                Incident.objects.filter(pk__in=ids, pk__gt=last_pk)
                .select_related("handler")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            already = set(
                ClockReminder.objects.filter(incident__in=batch).values_list(
                    "incident_id", "mark", "deadline"
                )
            )
            rows, events, messages = [], [], []
            for incident in batch:
                mark = reminder_mark(incident.aware_at, now)
                if mark is None or (incident.pk, mark, incident.authority_deadline) in already:
                    continue
                overdue = mark == ClockReminder.Mark.OVERDUE
                recipients = sorted(
                    set(to)
                    | (
                        {incident.handler.email}
                        if incident.handler and incident.handler.email
                        else set()
                    )
                )
                subject, body = letters.render(
                    "escalation" if overdue else "reminder",
                    {
                        "incident": incident,
                        "deadline": timezone.localtime(incident.authority_deadline),
                        "hours_left": max(clock.whole_hours_left(incident.aware_at, now), 0),
                    },
                )
                rows.append(
                    ClockReminder(
                        incident=incident,
                        mark=mark,
                        deadline=incident.authority_deadline,
                        recipients=recipients,
                        sent_at=now,
                    )
                )
                events.append(
                    IncidentEvent(
                        incident=incident,
                        kind=IncidentEvent.Kind.ESCALATION
                        if overdue
                        else IncidentEvent.Kind.REMINDER,
                        note=subject,
                        data={"mark": mark, "to": recipients},
                    )
                )
                if recipients:
                    messages.append(letters.message(subject, body, recipients))
                sent[mark] += 1
            # The unique constraint is the last guard: a clash rolls back the batch and its mail.
            ClockReminder.objects.bulk_create(rows)
            IncidentEvent.objects.bulk_create(events)
            letters.send_on_commit(messages)
            looked_at += len(batch)
            job_run_progress(run=run, done=looked_at)
    return job_run_finish(run=run, summary={"looked_at": looked_at, **sent})


def security_txt_renew(*, now: datetime.datetime | None = None, worker: str = "") -> JobRun:
    """Keep security.txt from lapsing: renew its expiry while its text is reviewed; otherwise
    warn Legal once, before it lapses."""
    now = now or timezone.now()
    run = job_run_start(job="incidents.security_txt_renew", total=1, worker=worker)
    summary = {"renewed": 0, "warned": 0}
    with transaction.atomic():
        txt = SecurityTxt.objects.select_for_update().order_by("pk").first()
        if txt is not None:
            renew_from = now + datetime.timedelta(days=seed.SECURITY_TXT_RENEW_DAYS)
            reviewed_recently = txt.reviewed_at >= now - datetime.timedelta(days=365)
            if txt.expires_at <= renew_from and txt.auto_renew and reviewed_recently:
                txt.expires_at = now + datetime.timedelta(days=seed.SECURITY_TXT_VALID_DAYS)
                txt.save(update_fields=["expires_at", "updated_at"])
                summary["renewed"] = 1
            elif (
                txt.expires_at <= now + datetime.timedelta(days=seed.SECURITY_TXT_WARN_DAYS)
                and txt.expiry_warned_for != txt.expires_at
            ):
                subject, body = letters.render("security_txt_expiry", {"security_txt": txt})
                letters.send_on_commit([letters.message(subject, body, legal_addresses())])
                txt.expiry_warned_for = txt.expires_at
                txt.save(update_fields=["expiry_warned_for"])
                summary["warned"] = 1
        run.progress_done = 1
    return job_run_finish(run=run, summary=summary)
