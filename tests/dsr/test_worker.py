"""Reminders on real Celery workers: two workers at the same tick send each reminder once."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import roles
from privacyops.core.models import JobRun
from privacyops.dsr.models import PrivacyRequest, ReminderSent
from privacyops.dsr.tasks import send_reminders
from tests.conftest import start_worker
from tests.dsr.factories import in_progress
from tests.factories import UserFactory


@pytest.mark.worker
def test_two_workers_send_each_reminder_once(celery_worker, reference_data, tmp_path):
    UserFactory(username="lena", email="lena@infoserv.eu", role=roles.LEGAL)
    today = timezone.localdate()
    for n in range(30):
        request = in_progress()
        PrivacyRequest.objects.filter(pk=request.pk).update(
            due_date=today + datetime.timedelta(days=(7, 2, -1)[n % 3])
        )
    (tmp_path / "second").mkdir()
    second = start_worker(tmp_path / "second")
    try:
        # The same tick delivered to both workers, twice each.
        for queue in (celery_worker.queue, second.queue, celery_worker.queue, second.queue):
            send_reminders.apply_async(queue=queue)

        def all_runs_finished():
            runs = JobRun.objects.filter(job="dsr.reminders")
            return runs.count() == 4 and not runs.filter(status=JobRun.Status.RUNNING).exists()

        celery_worker.wait_for(all_runs_finished, what="four reminder runs")
    finally:
        second.stop()

    assert ReminderSent.objects.count() == 30
    runs = JobRun.objects.filter(job="dsr.reminders")
    assert all(run.status == JobRun.Status.SUCCEEDED for run in runs)
    sent = sum(run.summary["due_7"] + run.summary["due_2"] + run.summary["overdue"] for run in runs)
    assert sent == 30
    assert all(run.worker.startswith("celery@") for run in runs)
