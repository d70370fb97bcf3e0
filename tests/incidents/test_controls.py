"""The incidents control of the accountability report: evidence from known rows."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls
from privacyops.incidents.models import AuthorityNotification

from .factories import confirmed, legal_user, reported

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def notified(incident, *, late: bool, days_ago: int = 10):
    return AuthorityNotification.objects.create(
        incident=incident,
        phase=AuthorityNotification.Phase.INITIAL,
        status=AuthorityNotification.Status.SUBMITTED,
        subject="Notification",
        body="What happened.",
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        late=late,
    )


def test_incidents_on_the_clock_within_72_hours_and_notifications_in_time():
    lena = legal_user()
    reported()
    confirmed(by=lena, aware_at=timezone.now() - datetime.timedelta(hours=5))
    notified(reported(title="Old one"), late=False)
    notified(reported(title="Older one"), late=True, days_ago=400)  # beyond 12 months
    evidence = controls.evidence_for("incidents.breach-clock")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        "4 incidents open; 1 on the 72-hour clock, 0 past it.",
        "1 of 1 authority notifications over 12 months submitted within 72 hours.",
    ]


def test_a_breach_past_its_clock_and_a_late_notification_are_at_risk():
    lena = legal_user()
    confirmed(by=lena, aware_at=timezone.now() - datetime.timedelta(hours=80))
    notified(reported(title="Late one"), late=True)
    evidence = controls.evidence_for("incidents.breach-clock")
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == [
        "2 incidents open; 1 on the 72-hour clock, 1 past it.",
        "0 of 1 authority notifications over 12 months submitted within 72 hours.",
    ]
