"""The sweep of package builds whose worker was lost: a build that recorded no step within the
lease is marked failed with its unfinished file removed and the failure in the request's
history; Legal builds it again; the old message, delivered later, builds nothing."""

import datetime
import os
import subprocess
import sys

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from privacyops.core.models import JobRun
from privacyops.dsr import packages, services
from privacyops.dsr.models import AccessPackage, RequestEvent, RequestType
from privacyops.dsr.services import access
from tests.conftest import ROOT
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, fulfilment_url, subject_in_every_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
LEASE = 60


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no `except Exception`."""


@pytest.fixture
def lease(settings):
    settings.PRIVACYOPS_DSR_PACKAGE_BUILD_LEASE_SECONDS = LEASE
    return datetime.timedelta(seconds=LEASE)


@pytest.fixture
def request_for_access(lena):
    subject_in_every_model()
    return in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)


def _folder(private_storage):
    return private_storage / access.PACKAGE_FOLDER


def _build_dies_at(package: AccessPackage, step: int) -> None:
    """Run the build and let its worker 'die' once the JobRun records `step`."""

    def die(sender, instance, **kwargs):
        if instance.job == access.PACKAGE_JOB and instance.progress_done == step:
            raise WorkerDied

    post_save.connect(die, sender=JobRun, dispatch_uid="test-build-dies")
    try:
        with pytest.raises(WorkerDied):
            services.access_package_build(package_id=package.pk)
    finally:
        post_save.disconnect(dispatch_uid="test-build-dies", sender=JobRun)


def _notes(request) -> list[str]:
    return list(request.events.filter(kind=RequestEvent.Kind.NOTE).values_list("note", flat=True))


def test_a_build_without_a_step_within_the_lease_is_marked_failed_and_built_again(
    client, lena, lease, request_for_access, private_storage
):
    request = request_for_access
    package = services.access_package_request(request=request, by=lena)
    _build_dies_at(package, step=2)  # the file is written, the package never recorded it
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.BUILDING
    assert len(list(_folder(private_storage).iterdir())) == 1

    # Within the lease the build may still be working: left alone.
    run = access.access_package_builds_sweep(now=timezone.now() + lease / 2)
    assert run.summary["failed"] == [] and run.status == JobRun.Status.SUCCEEDED
    assert AccessPackage.objects.get(pk=package.pk).status == AccessPackage.Status.BUILDING

    run = access.access_package_builds_sweep(now=timezone.now() + lease)
    assert run.job == "dsr.sweep_package_builds" and run.summary["failed"] == [package.pk]
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED
    assert (
        "stopped mid-build" in package.error and "no step recorded in 60 seconds" in package.error
    )
    assert list(_folder(private_storage).iterdir()) == []  # no orphaned file
    build = JobRun.objects.get(pk=package.job_run_id)
    assert build.status == JobRun.Status.INTERRUPTED and build.finished_at is not None
    (note,) = _notes(request)
    assert note.startswith(f"Access package #{package.pk} failed") and "build the package" in note
    # Legal sees it on the request's page, with the reason, and may build again.
    page = client.get(fulfilment_url(request)).content.decode()
    assert "no step recorded in 60 seconds" in page and "Build the package" in page
    assert b'http-equiv="refresh"' not in client.get(fulfilment_url(request)).content

    # Swept once only.
    assert (
        access.access_package_builds_sweep(now=timezone.now() + 2 * lease).summary["failed"] == []
    )
    assert len(_notes(request)) == 1

    again = services.access_package_request(request=request, by=lena)
    services.access_package_build(package_id=again.pk)
    again.refresh_from_db()
    assert again.status == AccessPackage.Status.READY
    assert [p.name for p in _folder(private_storage).iterdir()] == [again.stored_as]

    # The dead build's message, delivered again (the broker's visibility timeout), does nothing.
    events = request.events.count()
    assert services.access_package_build(package_id=package.pk).status == "failed"
    assert request.events.count() == events
    assert [p.name for p in _folder(private_storage).iterdir()] == [again.stored_as]
    assert request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).count() == 1


def test_the_lease_runs_from_the_last_step_not_from_the_start(
    lena, lease, request_for_access, private_storage
):
    package = services.access_package_request(request=request_for_access, by=lena)
    _build_dies_at(package, step=1)
    package.refresh_from_db()
    # Started long ago, but its last step is recent: a slow build still moving.
    JobRun.objects.filter(pk=package.job_run_id).update(started_at=timezone.now() - 10 * lease)
    assert access.access_package_builds_sweep().summary["failed"] == []
    assert AccessPackage.objects.get(pk=package.pk).status == AccessPackage.Status.BUILDING
    later = timezone.now() + lease
    assert access.access_package_builds_sweep(now=later).summary["failed"] == [package.pk]


def test_a_queued_package_is_left_for_a_worker(lena, lease, request_for_access):
    package = services.access_package_request(request=request_for_access, by=lena)
    AccessPackage.objects.filter(pk=package.pk).update(requested_at=timezone.now() - 10 * lease)
    assert access.access_package_builds_sweep().summary["failed"] == []
    assert AccessPackage.objects.get(pk=package.pk).status == AccessPackage.Status.QUEUED


def test_a_build_the_sweep_gave_up_on_is_not_offered_when_it_finishes_late(
    lena, lease, request_for_access, private_storage, monkeypatch
):
    """A step slower than the lease: Legal was told the build failed, so the late file is
    removed and nothing is offered behind their back."""
    request = request_for_access
    package = services.access_package_request(request=request, by=lena)
    collect = packages.access_package_build

    def slow_collect(**kwargs):
        built = collect(**kwargs)
        access.access_package_builds_sweep(now=timezone.now() + lease)  # meanwhile, beat
        return built

    monkeypatch.setattr(packages, "access_package_build", slow_collect)
    result = services.access_package_build(package_id=package.pk)

    assert result.status == AccessPackage.Status.FAILED
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED and not package.stored_as
    assert "no step recorded" in package.error
    assert list(_folder(private_storage).iterdir()) == []
    assert not request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).exists()
    assert JobRun.objects.get(pk=package.job_run_id).status == JobRun.Status.INTERRUPTED


def test_the_sweep_runs_every_minute_from_beat():
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    app.loader.import_default_modules()
    periodic = PeriodicTask.objects.get(task="dsr.sweep_package_builds")
    assert periodic.enabled and (periodic.interval.every, periodic.interval.period) == (
        1,
        "minutes",
    )
    assert "dsr.sweep_package_builds" in app.tasks


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}, "{'visibility_timeout': 3600}"),
        (
            {
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
                "CELERY_BROKER_VISIBILITY_TIMEOUT": "42",
            },
            "{'visibility_timeout': 42}",
        ),
    ],
)
def test_the_redis_visibility_timeout_comes_from_the_environment(env, expected):
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CELERY_BROKER_TRANSPORT_OPTIONS)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("CELERY_")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip().splitlines()[-1] == expected
