"""The security controls of the accountability report: evidence from known rows."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from privacyops.core import controls
from privacyops.security import confidentiality
from tests.factories import UserFactory
from tests.two_factor import otp_device_for

from .factories import training

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def test_all_staff_with_a_second_factor_and_no_lockout():
    for n in range(3):
        otp_device_for(UserFactory(username=f"staff{n}"))
    UserFactory(username="former", is_active=False)  # left: not counted
    UserFactory(username="customer", is_staff=False)  # not staff
    evidence = controls.evidence_for("security.second-factor")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        "3 of 3 staff have a second factor for signing in.",
        "0 lockouts open.",
    ]


def test_staff_without_a_second_factor_and_an_open_lockout_are_at_risk():
    otp_device_for(UserFactory(username="staff1"))
    UserFactory(username="staff2")
    AccessAttempt.objects.create(
        username="staff2",
        ip_address="192.0.2.7",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    evidence = controls.evidence_for("security.second-factor")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        "1 of 2 staff have a second factor for signing in.",
        "1 lockout open.",
    ]


def test_undertaking_accepted_and_training_current():
    version = confidentiality.undertaking_in_force()
    people = [UserFactory(username=f"staff{n}") for n in range(2)]
    for user in people:
        confidentiality.undertaking_accept(user=user, version=version)
        training(user)
    evidence = controls.evidence_for("security.confidentiality")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        f"2 of 2 staff accepted undertaking version {version.version}.",
        "2 of 2 staff hold a current privacy training.",
    ]


def test_a_missing_acceptance_and_a_lapsed_training_are_at_risk():
    version = confidentiality.undertaking_in_force()
    keen, late = UserFactory(username="keen"), UserFactory(username="late")
    confidentiality.undertaking_accept(user=keen, version=version)
    training(keen)
    lapsed = training(late)
    type(lapsed).objects.filter(pk=lapsed.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    evidence = controls.evidence_for("security.confidentiality")
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == [
        f"1 of 2 staff accepted undertaking version {version.version}.",
        "1 of 2 staff hold a current privacy training.",
    ]
