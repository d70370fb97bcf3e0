"""Reminders, escalations and the automatic close of unconfirmed requests."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacyops.core import roles
from privacyops.core.models import JobRun
from privacyops.dsr import jobs, services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import Channel, PrivacyRequest, ReminderSent, RequestEvent
from tests.dsr.factories import in_progress, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 2)


def due_in(days: int, **overrides) -> PrivacyRequest:
    request = in_progress(**overrides)
    PrivacyRequest.objects.filter(pk=request.pk).update(
        due_date=TODAY + datetime.timedelta(days=days)
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def legal():
    return UserFactory(username="lena", email="lena@infoserv.eu", role=roles.LEGAL)


@pytest.mark.parametrize(
    ("days", "kind"),
    [(8, None), (7, "due_7"), (3, "due_7"), (2, "due_2"), (0, "due_2"), (-1, "overdue")],
)
def test_reminder_kind(days, kind):
    assert jobs.reminder_kind(days) == kind


def test_assignee_reminded_at_7_and_2_days_overdue_escalated_to_legal(
    legal, django_capture_on_commit_callbacks
):
    assignee = UserFactory(username="ivo", email="ivo@infoserv.eu", role=roles.LEGAL)
    seven = due_in(7)
    services.request_assign(request=seven, assignee=assignee, by=legal)
    two = due_in(2)
    services.request_assign(request=two, assignee=assignee, by=legal)
    late = due_in(-3)
    services.request_assign(request=late, assignee=assignee, by=legal)
    due_in(20)  # not yet
    waiting = submit(channel=Channel.WEB_FORM)  # clock stopped: no reminder
    PrivacyRequest.objects.filter(pk=waiting.pk).update(due_date=TODAY)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = jobs.reminders_send(today=TODAY)

    assert run.status == JobRun.Status.SUCCEEDED
    assert run.summary["due_7"] == 1 and run.summary["due_2"] == 1
    assert run.summary["overdue"] == 1
    sent = {m.subject: m.to for m in mail.outbox}
    assert sent[f"Reminder: {seven.reference} is due in 7 days"] == ["ivo@infoserv.eu"]
    assert sent[f"Reminder: {two.reference} is due in 2 days"] == ["ivo@infoserv.eu"]
    assert sorted(sent[f"OVERDUE: privacy request {late.reference}"]) == [
        "ivo@infoserv.eu",
        "lena@infoserv.eu",
    ]
    assert late.events.filter(kind=RequestEvent.Kind.ESCALATION).exists()
    assert seven.events.filter(kind=RequestEvent.Kind.REMINDER).exists()


def test_unassigned_requests_remind_legal(legal, django_capture_on_commit_callbacks):
    due_in(5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reminders_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["lena@infoserv.eu"]]


def test_running_twice_sends_each_reminder_once(legal, django_capture_on_commit_callbacks):
    due_in(7)
    due_in(-1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reminders_send(today=TODAY)
        jobs.reminders_send(today=TODAY)
        jobs.reminders_send(today=TODAY + datetime.timedelta(days=1))  # same kinds still owed
    assert ReminderSent.objects.count() == 2
    assert len(mail.outbox) == 2


def test_an_extension_earns_fresh_reminders(legal, django_capture_on_commit_callbacks):
    request = due_in(2)
    jobs.reminders_send(today=TODAY)
    PrivacyRequest.objects.filter(pk=request.pk).update(
        due_date=TODAY + datetime.timedelta(days=30)
    )
    jobs.reminders_send(today=TODAY + datetime.timedelta(days=28))
    assert ReminderSent.objects.filter(request=request).count() == 2


def test_query_count_does_not_grow_with_the_number_of_requests(
    legal, django_assert_max_num_queries
):
    for days in (7, 2, -1):
        due_in(days)
    with CaptureQueriesContext(connection) as few:
        jobs.reminders_send(today=TODAY)
    ReminderSent.objects.all().delete()
    for n in range(40):
        due_in((7, 2, -1, 5)[n % 4])
    with django_assert_max_num_queries(len(few.captured_queries)):
        run = jobs.reminders_send(today=TODAY)
    assert sum(run.summary[k] for k in ("due_7", "due_2", "overdue")) == 43


def test_unconfirmed_web_requests_close_after_the_configured_days(
    settings, django_capture_on_commit_callbacks
):
    settings.PRIVACYOPS_DSR_UNCONFIRMED_CLOSE_DAYS = 14
    now = timezone.now()
    old = submit(channel=Channel.WEB_FORM, received_at=now - datetime.timedelta(days=15))
    recent = submit(channel=Channel.WEB_FORM, received_at=now - datetime.timedelta(days=3))
    staff_entered = submit(channel=Channel.EMAIL, received_at=now - datetime.timedelta(days=30))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = jobs.requests_close_unconfirmed()
        jobs.requests_close_unconfirmed()  # idempotent

    assert run.summary == {"closed": 1, "after_days": 14}
    old.refresh_from_db(), recent.refresh_from_db(), staff_entered.refresh_from_db()
    assert old.state == State.CLOSED_UNCONFIRMED and old.closed_at
    assert recent.state == State.AWAITING_IDENTITY
    assert staff_entered.state == State.RECEIVED
    assert len(mail.outbox) == 1 and "closed" in mail.outbox[0].subject
    assert mail.outbox[0].to == [old.requester_email]


def test_beat_schedules_are_seeded_and_name_real_tasks():
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    app.loader.import_default_modules()
    for task in ("dsr.reminders", "dsr.close_unconfirmed"):
        periodic = PeriodicTask.objects.get(task=task)
        assert periodic.enabled and periodic.crontab is not None
        assert task in app.tasks
