"""privacy_doctor's subjects.bounds: an activity event outside the months recorded on its
subject (before them, after them, or a subject with none) is missed by erasure and the access
export, so the doctor reports it, by subject id and count only, and fails; after
`activity_bounds_repair` it reports clean again."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacyops.core import doctor, services
from privacyops.core.models import JobRun
from privacyops.subjects import doctor as subjects_doctor
from privacyops.subjects.models import DataSubject, activity_bounds
from tests.factories import ActivityEventFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db
TITLE = "Activity events outside their person's recorded months"


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")


@pytest.fixture
def alive():
    """Beat sent the heartbeat a minute ago and a worker ran it (the rest of the report is
    clean, so the exit status is this check's)."""
    PeriodicTask.objects.filter(task=doctor.HEARTBEAT_TASK).update(last_run_at=timezone.now())
    services.heartbeat_record(worker="celery@test")


def month(offset: int) -> datetime.datetime:
    """The first instant of this month plus `offset` months: this month and the months
    ahead have partitions on PostgreSQL, so no event lands in the default partition."""
    start = activity_bounds.month_floor(timezone.now())
    for _ in range(offset):
        start = activity_bounds.month_ceiling(start)
    return start


def in_month(offset: int) -> datetime.datetime:
    return month(offset) + datetime.timedelta(days=2, hours=5)


def run_command(name, *args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def set_bounds(subject, lower, upper):
    """What a manual SQL load or a restore leaves: bounds that no longer cover the events."""
    DataSubject.objects.filter(pk=subject.pk).update(activity_from=lower, activity_until=upper)


def person(**kwargs):
    return DataSubjectFactory(
        full_name="Petar Petrov", login_name=f"petar.petrov{kwargs.pop('n', '')}", **kwargs
    )


def test_the_check_is_registered():
    assert "subjects.bounds" in {check.code for check in doctor.checks()}


def test_events_inside_their_months_report_clean_and_the_doctor_exits_zero(storage, alive):
    ana, ben = person(n=1), person(n=2)
    ActivityEventFactory(subject=ana, occurred_at=in_month(0))
    ActivityEventFactory(subject=ana, occurred_at=in_month(2))
    ActivityEventFactory(subject=ben, occurred_at=month(1))  # the first instant of its month
    ActivityEventFactory(subject=None, occurred_at=in_month(1))  # nobody's: nothing to miss
    # Wider than the events (an event purged since): costs index probes, misses nothing.
    set_bounds(ben, month(0), month(3))
    DataSubjectFactory()  # no events, no bounds

    assert subjects_doctor.events_outside_bounds() == []
    status, out = run_command("privacy_doctor")
    assert status == 0, out
    assert doctor.last_run().status == JobRun.Status.SUCCEEDED


@pytest.mark.parametrize(
    "bounds",
    [
        pytest.param((1, 3), id="event-before-its-months"),
        # The month after is the open end: an event at its first instant is outside.
        pytest.param((0, 1), id="event-after-its-months"),
        pytest.param(None, id="subject-without-months"),
    ],
)
def test_an_event_outside_its_months_is_reported_and_fails_until_repaired(storage, alive, bounds):
    ana = person()
    ActivityEventFactory(subject=ana, occurred_at=in_month(0), ip="203.0.113.77")
    ActivityEventFactory(subject=ana, occurred_at=month(1), ip="203.0.113.77")
    lower, upper = (None, None) if bounds is None else (month(bounds[0]), month(bounds[1]))
    set_bounds(ana, lower, upper)
    bystander = person(n=2)
    ActivityEventFactory(subject=bystander, occurred_at=in_month(0))

    outside = 2 if bounds is None else 1
    assert subjects_doctor.events_outside_bounds() == [
        f"{outside} activity event(s) of 1 data subject(s) lie outside the months recorded for "
        "them (erasure and access exports would miss them): run "
        "python manage.py activity_bounds_repair",
        f"data subject #{ana.pk}: {outside} event(s)",
    ]

    status, out = run_command("privacy_doctor", "--format", "json")
    assert status == 1
    (result,) = [c for c in json.loads(out)["checks"] if not c["ok"]]
    assert result["code"] == "subjects.bounds" and result["title"] == TITLE
    run = doctor.last_run()
    assert run.status == JobRun.Status.FAILED and TITLE in run.detail
    for value in ("Petar Petrov", "petar.petrov", "203.0.113.77"):
        assert value not in out and value not in run.detail

    status, out = run_command("activity_bounds_repair", "--subject", str(ana.pk))
    assert status == 0 and "for 1 data subject(s)" in out
    ana.refresh_from_db()
    assert (ana.activity_from, ana.activity_until) == (month(0), month(2))
    assert subjects_doctor.events_outside_bounds() == []
    assert run_command("privacy_doctor")[0] == 0


def test_a_few_subjects_are_named_by_id_and_the_rest_counted(monkeypatch):
    monkeypatch.setattr(doctor, "SHOWN_PER_CHECK", 2)
    people = [person(n=n) for n in range(3)]
    for subject in people:
        ActivityEventFactory(subject=subject, occurred_at=in_month(0))
    ActivityEventFactory(subject=people[0], occurred_at=in_month(1))
    DataSubject.objects.update(activity_from=None, activity_until=None)  # as before 0014

    first, second = sorted(subject.pk for subject in people)[:2]
    assert subjects_doctor.events_outside_bounds()[0].startswith(
        "4 activity event(s) of 3 data subject(s) lie outside"
    )
    assert subjects_doctor.events_outside_bounds()[1:] == [
        f"data subject #{first}: {2 if first == people[0].pk else 1} event(s)",
        f"data subject #{second}: 1 event(s)",
        "… and 1 more",
    ]


def test_the_repair_sets_the_named_subjects_months_or_everyones_from_their_events():
    ana, ben = person(n=1), person(n=2)
    ActivityEventFactory(subject=ana, occurred_at=in_month(0))
    ActivityEventFactory(subject=ben, occurred_at=in_month(2))
    set_bounds(ana, month(1), month(2))
    set_bounds(ben, None, None)
    status, out = run_command("activity_bounds_repair", "--subject", str(ana.pk))
    assert status == 0
    # Only the subject named: the other is still reported.
    assert subjects_doctor.events_outside_bounds()[1:] == [f"data subject #{ben.pk}: 1 event(s)"]

    status, out = run_command("activity_bounds_repair")
    assert status == 0 and "for 2 data subject(s)" in out
    assert subjects_doctor.events_outside_bounds() == []
    ben.refresh_from_db()
    assert (ben.activity_from, ben.activity_until) == (month(2), month(3))
