"""The privacy-request controls of the accountability report: evidence from known rows."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls, services
from privacyops.core.models import JobRun
from privacyops.dsr.models import PrivacyRequest, RequestOutcome

from .factories import in_progress, submit

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def job_ran(job: str, hours_ago: float, status=JobRun.Status.SUCCEEDED) -> None:
    run = services.job_run_start(job=job)
    services.job_run_finish(run=run, status=status)
    JobRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )


def test_the_reminder_job_that_ran_3_hours_ago_is_kept():
    job_ran("dsr.reminders", 30)
    job_ran("dsr.reminders", 3)
    job_ran("dsr.reminders", 1, status=JobRun.Status.FAILED)  # a failed run is no evidence
    evidence = controls.evidence_for("dsr.reminder-job")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == ["The reminder job ran 3 h ago (within the last 24 hours)."]
    assert "job=dsr.reminders" in evidence.facts[0].url


def test_a_reminder_job_that_has_not_run_for_a_day_is_at_risk():
    assert controls.evidence_for("dsr.reminder-job").status == controls.AT_RISK
    job_ran("dsr.reminders", 25)
    evidence = controls.evidence_for("dsr.reminder-job")
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == ["The reminder job last ran 25 h ago: not within the last 24 hours."]


def test_the_under_18_alert_job():
    assert controls.evidence_for("dsr.children-alert").status == controls.AT_RISK
    job_ran("dsr: people under 18 found", 2)
    assert controls.evidence_for("dsr.children-alert").status == controls.KEPT


def answered(*, days: int, on_time: bool, months_ago: int = 1) -> RequestOutcome:
    completed = timezone.now() - datetime.timedelta(days=30 * months_ago)
    request = submit(received_at=completed - datetime.timedelta(days=days))
    PrivacyRequest.objects.filter(pk=request.pk).update(state="completed")
    return RequestOutcome.objects.create(
        request=request,
        request_type=request.request_type,
        received_at=request.received_at,
        completed_at=completed,
        response_days=days,
        due_date=request.due_date,
        on_time=on_time,
    )


def test_requests_answered_in_time_with_median_and_mean():
    for days in (4, 10, 25):
        answered(days=days, on_time=True)
    answered(days=80, on_time=False, months_ago=13)  # answered more than 12 months ago
    evidence = controls.evidence_for("dsr.requests-answered-in-time")
    assert texts(evidence) == [
        "0 requests overdue.",
        "3 requests answered over 12 months: median 10 days, mean 13.0 days to answer; "
        "3 of 3 (100%) within the legal deadline.",
    ]
    assert evidence.status == controls.KEPT


def test_an_overdue_request_and_a_late_answer_are_at_risk():
    answered(days=10, on_time=True)
    answered(days=40, on_time=False)
    late = in_progress()
    PrivacyRequest.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    evidence = controls.evidence_for("dsr.requests-answered-in-time")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        "1 request overdue.",
        "2 requests answered over 12 months: median 25 days, mean 25.0 days to answer; "
        "1 of 2 (50%) within the legal deadline.",
    ]
