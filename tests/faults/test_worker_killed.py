"""A process killed (SIGKILL) in the middle of an access-package build or an erasure: no
half-erased person, no orphaned file; the request shows the failure and the step can be
carried out again."""

import datetime
import json
import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from privacyops.core import doctor, journal
from privacyops.core.models import JobRun
from privacyops.dsr import services as dsr
from privacyops.dsr.models import AccessPackage, ErasureCertificate, RequestEvent, RequestType
from privacyops.dsr.services import access
from privacyops.marketing.models import SuppressionEntry
from privacyops.subjects.models import ContactPoint, DataSubject
from tests.conftest import ROOT, start_worker
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, fulfilment_url, subject_in_every_model
from tests.factories import UserFactory

from .conftest import (
    database_url,
    kill_pool_child,
    needs_postgres_and_redis,
    paused_worker,
    pool_children,
    wait_until,
)

pytestmark = [needs_postgres_and_redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def test_a_package_build_killed_after_writing_its_file_leaves_no_file_and_shows_the_failure(
    reference_data, storage, tmp_path
):
    lena = UserFactory(username="lena-kill-package", role="Legal")
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    env = {"PRIVATE_STORAGE_ROOT": str(storage)}
    # Held once the file is written and before the package records it: the worst moment.
    worker, marker = paused_worker(tmp_path, at=f"{dsr.PACKAGE_JOB}:2:600", env=env)
    folder = storage / "access-packages"
    try:
        package = dsr.access_package_request(request=request, by=lena)
        worker.wait_for(marker.exists, what="the build to write its file")
        (written,) = folder.iterdir()
        assert written.suffix == ".zip"
        package.refresh_from_db()
        assert package.status == AccessPackage.Status.BUILDING and not package.stored_as

        (child,) = pool_children(worker)
        assert int(marker.read_text()) == child
        kill_pool_child(child)
        # The message comes back (acks_late, reject_on_worker_lost); the redelivered task
        # finds the build it was running dead and says so.
        worker.wait_for(
            lambda: AccessPackage.objects.get(pk=package.pk).status == AccessPackage.Status.FAILED,
            what="the lost build to be marked failed",
        )
    finally:
        worker.stop()

    package.refresh_from_db()
    assert "stopped mid-build" in package.error
    assert list(folder.iterdir()) == []  # no orphaned file
    assert JobRun.objects.get(pk=package.job_run_id).status == JobRun.Status.INTERRUPTED
    note = request.events.filter(kind=RequestEvent.Kind.NOTE).latest("at")
    assert f"Access package #{package.pk} failed" in note.note
    assert not request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).exists()

    # Legal builds it again (the same admin action): one package offered, its file present.
    worker = start_worker(tmp_path, env=env)
    try:
        again = dsr.access_package_request(request=request, by=lena)
        worker.wait_for(
            lambda: AccessPackage.objects.get(pk=again.pk).status == AccessPackage.Status.READY,
            what="the second build",
        )
    finally:
        worker.stop()
    again.refresh_from_db()
    assert [p.name for p in folder.iterdir()] == [again.stored_as]
    assert request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).count() == 1
    checks = {r.code: r.problems for r in doctor.examine().results}
    assert checks["core.storage"] == [] and checks["dsr.packages"] == []


def _unacked_on(queue: str) -> list[int]:
    """The package ids of the build messages Redis holds as taken but never acknowledged
    (kombu's `unacked` hash: message, exchange, routing key), for one queue."""
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    found = []
    for raw in broker.hvals("unacked"):
        message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue and message["headers"]["task"] == "dsr.build_access_package":
            found.append(int(message["headers"]["argsrepr"].strip("(),")))
    return found


def test_a_whole_worker_killed_mid_build_is_swept_and_its_stale_message_builds_nothing(
    reference_data, storage, tmp_path, client, settings
):
    lena = UserFactory(username="lena-kill-worker", role="Legal")
    client.force_login(lena)
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    env = {"PRIVATE_STORAGE_ROOT": str(storage)}
    # Held once the file is written and before the package records it, as in the test above;
    # then the main process and its pool die together (a lost machine, an OOM-killed group):
    # nobody is left to give the message back to the broker.
    worker, marker = paused_worker(tmp_path, at=f"{dsr.PACKAGE_JOB}:2:600", env=env)
    dead_queue, folder = worker.queue, storage / "access-packages"
    try:
        package = dsr.access_package_request(request=request, by=lena)
        worker.wait_for(marker.exists, what="the build to write its file")
        worker.kill()
    finally:
        worker.stop()
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.BUILDING
    assert len(list(folder.iterdir())) == 1
    # Stranded: taken, never acknowledged, back only after the visibility timeout.
    assert _unacked_on(dead_queue) == [package.pk]

    # Beat's sweep, with a lease of one second, one second on.
    settings.PRIVACYOPS_DSR_PACKAGE_BUILD_LEASE_SECONDS = 1
    swept = access.access_package_builds_sweep(now=timezone.now() + datetime.timedelta(seconds=1))
    assert swept.summary["failed"] == [package.pk]
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED
    assert "stopped mid-build" in package.error and "no step recorded" in package.error
    assert list(folder.iterdir()) == []  # no orphaned file
    assert JobRun.objects.get(pk=package.job_run_id).status == JobRun.Status.INTERRUPTED
    note = request.events.filter(kind=RequestEvent.Kind.NOTE).latest("at")
    assert f"Access package #{package.pk} failed" in note.note
    # Legal sees it on the request's page and in the packages' list, and may build again.
    page = client.get(fulfilment_url(request)).content.decode()
    assert "no step recorded" in page and "Build the package" in page
    listing = client.get(reverse("admin:dsr_accesspackage_changelist")).content.decode()
    assert "Failed" in listing

    worker = start_worker(tmp_path, env=env)
    try:
        again = dsr.access_package_request(request=request, by=lena)
        worker.wait_for(
            lambda: AccessPackage.objects.get(pk=again.pk).status == AccessPackage.Status.READY,
            what="the second build",
        )
    finally:
        worker.stop()
    again.refresh_from_db()
    assert [p.name for p in folder.iterdir()] == [again.stored_as]

    # The dead worker's message comes back (a worker with a one-second visibility timeout,
    # on the dead worker's queue, restores it at start) and finds its package failed.
    events = request.events.count()
    stale = start_worker(
        tmp_path,
        extra_args=("-Q", dead_queue),  # the last -Q wins
        env={**env, "CELERY_BROKER_VISIBILITY_TIMEOUT": "1"},
    )
    try:
        stale.wait_for(
            lambda: f"{{'package': {package.pk}, 'status': 'failed'}}" in stale.log.read_text(),
            what="the stale message to be delivered again and do nothing",
        )
    finally:
        stale.stop()
    assert _unacked_on(dead_queue) == []
    package.refresh_from_db()
    again.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED
    assert again.status == AccessPackage.Status.READY
    assert [p.name for p in folder.iterdir()] == [again.stored_as]  # nothing built twice
    assert request.events.count() == events
    assert request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).count() == 1
    checks = {r.code: r.problems for r in doctor.examine().results}
    assert checks["core.storage"] == [] and checks["dsr.packages"] == []


# Run by a separate process: the erasure of a request, held inside its transaction once the
# first of the person's addresses is deleted, until the process is killed.
ERASE_AND_HANG = """
import os, sys, time
from pathlib import Path
from django.db.models.signals import post_delete
from privacyops.dsr import services
from privacyops.dsr.models import PrivacyRequest
from privacyops.subjects.models import ContactPoint
from django.contrib.auth import get_user_model

def hang(**kwargs):
    Path(os.environ["FAULT_MARKER"]).write_text(str(os.getpid()))
    time.sleep(600)

post_delete.connect(hang, sender=ContactPoint)
request = PrivacyRequest.objects.get(pk=int(os.environ["REQUEST"]))
services.erasure_execute(
    request=request, by=get_user_model().objects.get(pk=int(os.environ["BY"])),
    plan=os.environ["PLAN"],
)
"""


def test_an_erasure_killed_mid_way_erases_nothing_and_can_be_carried_out_again(
    reference_data, storage, tmp_path
):
    lena = UserFactory(username="lena-kill-erasure", role="Legal")
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    _, plan = dsr.erasure_preview(request=request, by=lena)
    before = {
        "contacts": ContactPoint.objects.filter(subject=subject).count(),
        "suppressed": SuppressionEntry.objects.count(),
    }
    marker = tmp_path / "erasing"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PRIVATE_STORAGE_ROOT": str(storage),
        "FAULT_MARKER": str(marker),
        "REQUEST": str(request.pk),
        "BY": str(lena.pk),
        "PLAN": plan,
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", ERASE_AND_HANG],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def erasing() -> bool:
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        return marker.exists()

    try:
        wait_until(erasing, timeout=90, what="the erasure to reach its first deletion")
    finally:
        process.kill()  # SIGKILL, mid-transaction
        process.wait()

    # Nothing of the half-done erasure stays: it was one transaction.
    subject.refresh_from_db()
    assert subject.erased_at is None and subject.full_name == "Maria Ivanova"
    assert ContactPoint.objects.filter(subject=subject).count() == before["contacts"]
    assert SuppressionEntry.objects.count() == before["suppressed"]
    assert not ErasureCertificate.objects.filter(request=request).exists()
    assert not [e for e in journal.entries() if e["kind"] == journal.ERASURE]
    # Its history says no erasure happened: no "in progress" state a dead process could leave.
    assert not request.events.filter(kind=RequestEvent.Kind.ERASED).exists()
    # The request still offers the erasure: Legal carries it out again, as previewed.
    certificate = dsr.erasure_execute(request=request, by=lena, plan=plan)
    assert certificate.rows_deleted > 0
    subject.refresh_from_db()
    assert subject.erased_at is not None
    assert not ContactPoint.objects.filter(subject=subject).exists()
    assert DataSubject._base_manager.filter(pk=subject.pk).exists()  # the tombstone
    assert [e["subject"] for e in journal.entries() if e["kind"] == journal.ERASURE] == [subject.pk]
