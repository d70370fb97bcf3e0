"""Redis restarted while a purge and while an access-package build run: both finish once the
broker is back, a task queued behind them is not lost, and nothing is done twice. A Redis of
the test's own (appendonly, as production runs it): the shared one on 6379 is never touched."""

import contextlib

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from privacyops.core.models import JobRun
from privacyops.core.tasks import heartbeat
from privacyops.dsr import services as dsr
from privacyops.dsr.models import AccessPackage, RequestEvent, RequestType
from privacyops.retention import services as retention
from privacyops.retention.models import PurgeRun, RetentionRule
from privacyops.retention.tasks import run_rule
from privacyops.subjects.models import ActivityEvent
from tests.conftest import start_worker
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, subject_in_every_model
from tests.factories import UserFactory
from tests.retention.test_kill_safety import SLOW, WINDOW, _fill

from .conftest import needs_postgres_and_redis, paused_worker

pytestmark = [needs_postgres_and_redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _reset_producers() -> None:
    # The app caches its connection and producer pools for the URL it was configured with;
    # kombu keeps a pool per URL, so dropping the app's references is enough.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def sending_to(url: str):
    """This test process sends its tasks (services' on-commit ones too) to that broker."""
    names = ("broker_url", "broker_write_url", "broker_read_url")
    before = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(dict.fromkeys(names, url))
    _reset_producers()
    try:
        yield
    finally:
        celery_app.conf.update(before)
        _reset_producers()


def heartbeats() -> int:
    return JobRun.objects.filter(job="heartbeat").count()


def test_redis_restarted_mid_purge_the_purge_finishes_and_nothing_is_lost_or_done_twice(
    reference_data, private_redis, tmp_path
):
    data = _fill()
    legal = UserFactory(username="lena-redis-purge")
    retention.legal_hold_place(
        by=legal, matter="Dispute", reason="evidence", subject=data["held_subject"]
    )
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    worker = start_worker(tmp_path, env={**SLOW, "CELERY_BROKER_URL": private_redis.url})
    try:
        with sending_to(private_redis.url):
            run_rule.apply_async(args=[rule.pk], queue=worker.queue)
            worker.wait_for(
                lambda: PurgeRun.objects.filter(rule=rule, rows_deleted__gte=2 * WINDOW).exists(),
                what="a few committed windows",
            )
            heartbeat.apply_async(queue=worker.queue)  # waits in Redis behind the purge
        private_redis.restart()
        assert PurgeRun.objects.get(rule=rule).status == PurgeRun.Status.RUNNING  # mid-run
        worker.wait_for(
            lambda: PurgeRun.objects.filter(rule=rule, status="succeeded").exists(),
            what="the purge to finish",
        )
        worker.wait_for(lambda: heartbeats() == 1, what="the queued task after the restart")
        # The worker is connected again: a task sent now runs too.
        with sending_to(private_redis.url):
            heartbeat.apply_async(queue=worker.queue)
        worker.wait_for(lambda: heartbeats() == 2, what="a task sent after the restart")
    finally:
        worker.stop()

    runs = list(PurgeRun.objects.filter(rule=rule).order_by("pk"))
    assert runs[0].status == PurgeRun.Status.SUCCEEDED
    assert runs[0].rows_deleted == len(data["purgeable"])
    assert all(run.rows_deleted == 0 for run in runs[1:])  # a redelivery, if any, did nothing
    assert set(ActivityEvent.objects.values_list("pk", flat=True)) == data["held"] | data["fresh"]


def test_redis_restarted_mid_build_the_package_is_built_once(
    reference_data, private_redis, settings, tmp_path
):
    storage = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = str(storage)
    lena = UserFactory(username="lena-redis-package", role="Legal")
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    env = {"PRIVATE_STORAGE_ROOT": str(storage), "CELERY_BROKER_URL": private_redis.url}
    # The build holds for 3 s once it has collected the data: the restart happens then.
    worker, marker = paused_worker(tmp_path, at=f"{dsr.PACKAGE_JOB}:1:3", env=env)
    try:
        with sending_to(private_redis.url):
            package = dsr.access_package_request(request=request, by=lena)
            worker.wait_for(marker.exists, what="the build to start")
            heartbeat.apply_async(queue=worker.queue)
        private_redis.restart()
        worker.wait_for(
            lambda: AccessPackage.objects.get(pk=package.pk).status == AccessPackage.Status.READY,
            what="the package to be built",
        )
        worker.wait_for(lambda: heartbeats() == 1, what="the queued task after the restart")
    finally:
        worker.stop()

    package.refresh_from_db()
    files = list((storage / "access-packages").iterdir())
    assert [f.name for f in files] == [package.stored_as]
    assert request.events.filter(kind=RequestEvent.Kind.PACKAGE_BUILT).count() == 1
    assert JobRun.objects.filter(job=dsr.PACKAGE_JOB).count() == 1
    assert package.built_at <= timezone.now()
