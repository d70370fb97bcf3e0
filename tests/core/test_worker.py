"""Celery for real: a task goes through the configured broker to a worker process."""

import pytest
from django.conf import settings

from privacyops.core.models import JobRun
from privacyops.core.tasks import heartbeat


@pytest.mark.worker
def test_task_runs_on_a_real_worker_and_writes_to_the_database(celery_worker):
    assert not JobRun.objects.filter(job="heartbeat").exists()

    heartbeat.apply_async(queue=celery_worker.queue)

    celery_worker.wait_for(
        lambda: JobRun.objects.filter(job="heartbeat", status="succeeded").exists(),
        what="the heartbeat JobRun",
    )
    run = JobRun.objects.get(job="heartbeat")
    assert run.worker.startswith("celery@")
    assert run.summary == {"worker": run.worker}


def test_the_broker_is_the_configured_one():
    # CI sets CELERY_BROKER_URL to Redis; the worker test above then proves Redis end to end.
    import os

    assert os.environ.get("CELERY_BROKER_URL", "filesystem://") == settings.CELERY_BROKER_URL
