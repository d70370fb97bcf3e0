"""The privacy doctor: a clean installation reports clean; each kind of problem is found, named
without personal values, makes the command exit non-zero and shows on the admin home."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacyops.core import doctor, services
from privacyops.core.models import JobRun
from privacyops.core.tasks import privacy_doctor
from privacyops.dsr import services as dsr
from privacyops.dsr.models import AccessPackage, RequestType
from privacyops.retention import services as retention
from privacyops.subjects.models import ContactPoint
from tests.dsr.factories import in_progress, submit
from tests.dsr.fulfilment_pages import EMAIL, subject_in_every_model
from tests.factories import ContactPointFactory, DataSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def alive():
    """Beat sent the heartbeat a minute ago and a worker ran it."""
    PeriodicTask.objects.filter(task=doctor.HEARTBEAT_TASK).update(last_run_at=timezone.now())
    services.heartbeat_record(worker="celery@test")


def problems(report) -> dict[str, list[str]]:
    return {r.code: r.problems for r in report.results if r.problems}


def run_command(*args) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command("privacy_doctor", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_every_app_registers_its_checks():
    codes = {check.code for check in doctor.checks()}
    assert {
        "core.registry",
        "core.erased",
        "core.storage",
        "core.jobs",
        "core.beat",
        "dsr.overdue",
        "dsr.packages",
        "incidents.overdue",
        "retention.leases",
        "retention.holds",
        "subjects.bounds",
        "subjects.default_partition",
    } <= codes


def test_every_folder_of_private_storage_is_declared_by_its_app():
    assert doctor.storage_folders() == [
        "access-packages",
        "accountability-reports",
        "erasure-journal",
        "processor-agreements",
    ]


def test_a_clean_installation_reports_clean_and_exits_zero(storage, alive):
    status, out = run_command()
    assert status == 0, out
    assert "All clear." in out
    run = doctor.last_run()
    assert run.status == JobRun.Status.SUCCEEDED and run.summary["ok"] is True


def test_after_a_real_erasure_nothing_of_the_person_is_left(storage, alive):
    lena = UserFactory(username="lena-doctor", role="Legal")
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    _, plan = dsr.erasure_preview(request=request, by=lena)
    dsr.erasure_execute(request=request, by=lena, plan=plan)
    assert doctor.examine().ok, problems(doctor.examine())

    # Data that arrives for the person afterwards (an import, a sync) is found.
    ContactPointFactory(subject=request.subject, value="back.again@example.com")
    found = problems(doctor.examine())
    assert list(found) == ["core.erased"]
    assert "subjects.ContactPoint: 1 row(s) of erased people remain" in found["core.erased"]


def test_each_problem_is_found_named_without_personal_values(storage, alive, settings):
    now = timezone.now()
    # An erased person whose name came back (a field strategy, not a row deletion).
    erased = DataSubjectFactory(full_name="Petar Petrov", erased_at=now)
    # A job that has been "running" for a day: its worker died.
    stuck = services.job_run_start(job="dsr.reminders", worker="celery@gone")
    JobRun.objects.filter(pk=stuck.pk).update(started_at=now - datetime.timedelta(days=1))
    # A hold whose end date passed and that nobody released or extended.
    legal = UserFactory(username="lena-holds", role="Legal")
    hold = retention.legal_hold_place(
        by=legal, matter="Audit 2025", reason="evidence", subject=DataSubjectFactory()
    )
    type(hold).objects.filter(pk=hold.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    # An overdue request.
    late = submit(requester_email="late@example.com")
    type(late).objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    # A package offered whose file is gone, and a file nobody points to.
    package = AccessPackage.objects.create(
        request=late, status=AccessPackage.Status.READY, stored_as="1-1-gone.zip"
    )
    folder = storage / "access-packages"
    folder.mkdir(parents=True)
    (folder / "9-9-orphan.zip").write_bytes(b"PK")
    (storage / "stray.txt").write_text("?")

    report = doctor.examine()
    found = problems(report)
    assert set(found) == {
        "core.erased",
        "core.jobs",
        "retention.holds",
        "dsr.overdue",
        "core.storage",
    }
    assert (
        f"subjects.DataSubject: 1 row(s) of erased people still hold values (ids {erased.pk})"
        in found["core.erased"]
    )
    assert any(f"job run #{stuck.pk} (dsr.reminders)" in line for line in found["core.jobs"])
    assert any(f"hold #{hold.pk}" in line for line in found["retention.holds"])
    assert any(late.reference in line for line in found["dsr.overdue"])
    assert set(found["core.storage"]) == {
        "stray.txt: a file no record points to",
        "access-packages/9-9-orphan.zip: no record points to it",
        f"access-packages/{package.stored_as}: a record points to it, the file is missing",
    }
    text = json.dumps(report.as_dict())
    for value in ("Petar Petrov", "late@example.com", "Ana Petrova"):
        assert value not in text

    status, out = run_command("--format", "json")
    assert status == 1
    assert json.loads(out)["ok"] is False
    run = doctor.last_run()
    assert run.status == JobRun.Status.FAILED and "Overdue privacy requests" in run.detail


def test_beat_silent_or_workers_gone_is_a_problem(storage):
    PeriodicTask.objects.filter(task=doctor.HEARTBEAT_TASK).update(last_run_at=None)
    found = problems(doctor.examine())["core.beat"]
    assert any("beat has not sent the heartbeat" in line and "never" in line for line in found)
    assert any("no worker has run the heartbeat" in line for line in found)

    PeriodicTask.objects.filter(task=doctor.HEARTBEAT_TASK).update(last_run_at=timezone.now())
    old = services.heartbeat_record(worker="celery@old")
    JobRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    (line,) = problems(doctor.examine())["core.beat"]
    assert line.startswith("no worker has run the heartbeat for 15 minutes (last at ")

    services.heartbeat_record(worker="celery@new")
    assert "core.beat" not in problems(doctor.examine())


def test_a_check_that_breaks_is_reported_not_swallowed(storage, alive):
    def broken() -> list[str]:
        raise RuntimeError("disk unreadable")

    doctor.register_check("zz.broken", "A broken check")(broken)
    try:
        (line,) = problems(doctor.examine())["zz.broken"]
    finally:
        doctor.unregister_check("zz.broken")
    assert line == "the check could not run: RuntimeError: disk unreadable"


def test_the_daily_beat_job_is_seeded_and_the_admin_home_shows_the_last_result(
    storage, alive, client
):
    schedule = PeriodicTask.objects.get(task="core.privacy_doctor")
    assert schedule.enabled and schedule.crontab.hour == "5"
    auditor = UserFactory(username="anton-doctor", role="Auditor")
    client.force_login(auditor)
    assert "never run" in client.get(reverse("admin:index")).content.decode()

    submit_late = submit()
    type(submit_late).objects.filter(pk=submit_late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    result = privacy_doctor.apply().get()
    assert result["ok"] is False and result["problems"] == 1
    html = client.get(reverse("admin:index")).content.decode()
    assert "Privacy doctor" in html and "problems found" in html
    assert f"{submit_late.reference} was due on" in html


def test_contact_points_of_people_not_erased_are_no_problem(storage, alive):
    ContactPointFactory()
    assert ContactPoint.objects.exists()
    assert doctor.examine().ok
