"""On a real Celery worker: clock reminders sent once at the same tick twice; the Art. 34
communication runs as a task, with its progress in a JobRun."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core.models import JobRun
from privacyops.incidents import notices, services
from privacyops.incidents.models import ClockReminder, SubjectCommunication, SubjectDelivery
from privacyops.incidents.tasks import clock_reminders
from privacyops.inventory.models import DataElement
from tests.incidents.factories import confirmed, known_data, legal_user

H = datetime.timedelta(hours=1)


@pytest.mark.worker
def test_reminders_on_a_worker_are_sent_once(celery_worker, reference_data):
    lena = legal_user()
    now = timezone.now()
    expected = {}
    for hours, mark in [(25, "24h"), (49, "48h"), (67, "66h"), (80, "overdue"), (3, None)]:
        incident = confirmed(by=lena, aware_at=now - hours * H)
        expected[incident.pk] = mark
    for _ in range(3):  # the same tick delivered three times
        clock_reminders.apply_async(queue=celery_worker.queue)

    def all_runs_finished():
        runs = JobRun.objects.filter(job="incidents.clock_reminders")
        return runs.count() == 3 and not runs.filter(status=JobRun.Status.RUNNING).exists()

    celery_worker.wait_for(all_runs_finished, what="three reminder runs")
    sent = dict(ClockReminder.objects.values_list("incident_id", "mark"))
    assert sent == {pk: mark for pk, mark in expected.items() if mark}
    runs = JobRun.objects.filter(job="incidents.clock_reminders")
    assert all(run.status == JobRun.Status.SUCCEEDED for run in runs)
    assert sum(sum(v for k, v in run.summary.items() if k != "looked_at") for run in runs) == 4
    assert all(run.worker.startswith("celery@") for run in runs)


@pytest.mark.worker
def test_art34_communication_runs_as_a_task_with_progress(celery_worker, reference_data):
    lena = legal_user()
    data = known_data()
    incident = confirmed(by=lena)
    start, end = data["march"]
    services.incident_scope_record(
        incident=incident,
        by=lena,
        data_element=DataElement.objects.get(code="ip-address"),
        window_start=start,
        window_end=end,
    )
    services.incident_assess_risk(incident=incident, risk="high_risk", reasoning="r", by=lena)
    communication = notices.subject_communication_start(incident=incident, by=lena)

    def sent():
        return SubjectCommunication.objects.get(pk=communication.pk).status == "sent"

    celery_worker.wait_for(sent, what="the Art. 34 communication")
    communication.refresh_from_db()
    run = communication.job_run
    assert run.status == JobRun.Status.SUCCEEDED and run.worker.startswith("celery@")
    assert (run.progress_done, run.progress_total) == (3, 3)
    assert SubjectDelivery.objects.filter(communication=communication).count() == 3
    assert services.incident_facts(incident).subjects_informed
