"""The controls registry, and core's own controls (periodic reviews, scheduled jobs)."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls, services
from privacyops.core.models import JobRun, Review, ReviewSchedule

from .factories import open_review

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def test_every_app_registers_its_controls_and_each_computes_evidence_now():
    keys = {control.key for control in controls.all_controls()}
    apps = {control.app for control in controls.all_controls()}
    assert {"core", "dsr", "retention", "security", "marketing", "incidents"} <= apps
    assert {"inventory", "accountability"} <= apps
    now = timezone.now()
    for key in keys:
        evidence = controls.evidence_for(key, now=now)
        assert evidence.status in (controls.KEPT, controls.AT_RISK)
        assert evidence.facts and evidence.computed_at == now


def test_an_unknown_or_failing_control_is_at_risk_and_says_so():
    unknown = controls.evidence_for("nobody.registered-this")
    assert unknown.status == controls.AT_RISK
    assert texts(unknown) == ["No control is registered under this key."]

    @controls.register_control(key="test.broken", title="Broken", app="tests")
    def broken(now):
        raise RuntimeError("boom")

    failed = controls.evidence_for("test.broken")
    assert failed.status == controls.AT_RISK
    assert texts(failed) == ["The evidence could not be computed (see the log)."]


def test_a_promise_status_from_its_controls():
    assert controls.combined_status([]) == controls.NOT_OPERATED
    assert controls.combined_status([controls.KEPT, controls.KEPT]) == controls.KEPT
    assert controls.combined_status([controls.KEPT, controls.AT_RISK]) == controls.AT_RISK


def test_periodic_reviews_kept_with_their_dates():
    schedules = ReviewSchedule.objects.count()
    evidence = controls.evidence_for("core.periodic-reviews")
    assert evidence.status == controls.KEPT
    assert len(evidence.facts) == schedules + 1
    assert texts(evidence)[-1] == "0 reviews overdue."
    assert all("last completed never; next due" in text for text in texts(evidence)[:-1])


def test_an_overdue_review_is_at_risk():
    review = open_review()
    Review.objects.filter(pk=review.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    evidence = controls.evidence_for("core.periodic-reviews")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == ["1 review overdue."]
    assert "state__exact=open" in evidence.at_risk_facts[0].url


def test_scheduled_jobs_answer_the_heartbeat():
    assert controls.evidence_for("core.scheduled-jobs").status == controls.AT_RISK
    beat = services.heartbeat_record(worker="w1")
    JobRun.objects.filter(pk=beat.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=4)
    )
    evidence = controls.evidence_for("core.scheduled-jobs")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == ["Last worker heartbeat 4 minutes ago."]
    JobRun.objects.filter(pk=beat.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    assert controls.evidence_for("core.scheduled-jobs").status == controls.AT_RISK
