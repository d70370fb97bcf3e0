"""The retention controls of the accountability report: evidence from known rows."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls
from privacyops.retention import selectors
from privacyops.retention.models import LegalHold, PurgeRun
from tests.factories import DataSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def ran(rule, *, hours_ago: float, deleted=0, anonymised=0, held=0, status="succeeded"):
    started = timezone.now() - datetime.timedelta(hours=hours_ago)
    return PurgeRun.objects.create(
        rule=rule,
        status=status,
        started_at=started,
        finished_at=started,
        cutoff=started - datetime.timedelta(days=400),
        action=rule.action,
        rows_deleted=deleted,
        rows_anonymised=anonymised,
        rows_skipped_held=held,
    )


def test_every_rule_ran_on_schedule_with_what_it_disposed_of_and_kept():
    rules = list(selectors.rules_active())
    first, *others = rules
    ran(first, hours_ago=24 * 20, deleted=5000)  # counted in the 30 days, not the last run
    ran(first, hours_ago=2, deleted=18000, anonymised=203, held=209)
    for rule in others:
        ran(rule, hours_ago=3)
    ran(first, hours_ago=24 * 40, deleted=999)  # older than 30 days
    evidence = controls.evidence_for("retention.purge-on-schedule")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        f"All {len(rules)} active rules ran on schedule (within 26 hours).",
        "23,203 records disposed of in the last 30 days; 209 kept under legal hold at the last "
        "run of each rule.",
    ]


def test_a_rule_that_has_not_run_is_at_risk_and_named():
    rules = list(selectors.rules_active())
    late, *others = rules
    ran(late, hours_ago=30)
    for rule in others:
        ran(rule, hours_ago=1)
    evidence = controls.evidence_for("retention.purge-on-schedule")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        f"1 of {len(rules)} active rules did not run within 26 hours: {late.code}."
    ]


def test_an_interrupted_run_not_resumed_is_at_risk():
    for rule in selectors.rules_active():
        ran(rule, hours_ago=1)
    ran(selectors.rules_active().first(), hours_ago=0.5, status="interrupted")
    evidence = controls.evidence_for("retention.purge-on-schedule")
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        "1 interrupted purge run not yet resumed."
    ]


def hold(*, ends_in_days=None, released=False):
    today = timezone.localdate()
    return LegalHold.objects.create(
        subject=DataSubjectFactory(),
        matter="Dispute 7/2026",
        reason="Pending claim.",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=None if ends_in_days is None else today + datetime.timedelta(days=ends_in_days),
        placed_by=UserFactory(),
        released_at=timezone.now() if released else None,
    )


def test_holds_in_force_and_none_expired_unreviewed():
    hold()
    hold(ends_in_days=10)
    hold(ends_in_days=-5, released=True)  # ended and released: reviewed
    evidence = controls.evidence_for("retention.holds-reviewed")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        "2 legal holds in force.",
        "0 holds past their end date and not reviewed (released or extended).",
    ]


def test_a_hold_past_its_end_date_not_released_is_at_risk():
    hold()
    hold(ends_in_days=-1)
    evidence = controls.evidence_for("retention.holds-reviewed")
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == [
        "1 legal hold in force.",
        "1 hold past its end date and not reviewed (released or extended).",
    ]
