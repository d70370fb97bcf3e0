"""The breach clock's reminders: 24, 48 and 66 hours, escalation when overdue, each once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from privacyops.incidents import jobs, notices, services
from privacyops.incidents.models import ClockReminder
from tests.incidents.factories import confirmed, in_triage, known_data, legal_user

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


@pytest.fixture
def lena():
    return legal_user()


def marks(incident):
    return list(incident.reminders.order_by("sent_at", "id").values_list("mark", flat=True))


def test_reminders_at_each_mark_then_escalation_each_sent_once(
    lena, django_capture_on_commit_callbacks
):
    aware_at = timezone.now() - 2 * H
    incident = confirmed(by=lena, aware_at=aware_at)
    with django_capture_on_commit_callbacks(execute=True):
        for hours, expected in [
            (1, []),
            (24, ["24h"]),
            (30, ["24h"]),
            (48, ["24h", "48h"]),
            (66, ["24h", "48h", "66h"]),
            (72.1, ["24h", "48h", "66h", "overdue"]),
            (100, ["24h", "48h", "66h", "overdue"]),
        ]:
            now = aware_at + datetime.timedelta(hours=hours)
            jobs.clock_reminders_send(now=now)
            jobs.clock_reminders_send(now=now)  # the same tick twice
            assert marks(incident) == expected, hours
    assert len(mail.outbox) == 4
    assert "6 hours left" in mail.outbox[2].subject
    assert mail.outbox[3].subject.startswith("OVERDUE") and mail.outbox[3].to == [
        "lena@infoserv.eu"
    ]
    assert incident.events.filter(kind="escalation").count() == 1
    assert incident.events.filter(kind="reminder").count() == 3


def test_a_missed_tick_catches_up_with_the_latest_mark_only(lena):
    aware_at = timezone.now() - 2 * H
    incident = confirmed(by=lena, aware_at=aware_at)
    run = jobs.clock_reminders_send(now=aware_at + 50 * H)
    assert marks(incident) == ["48h"] and run.summary["48h"] == 1


def test_no_reminders_once_notified_or_without_risk_or_processor_only(lena):
    aware_at = timezone.now() - 2 * H
    notified = confirmed(by=lena, aware_at=aware_at)
    notices.authority_notification_submit(
        notification=notices.authority_notification_draft(incident=notified, by=lena), by=lena
    )
    no_risk = confirmed(by=lena, aware_at=aware_at)
    services.incident_assess_risk(incident=no_risk, risk="no_risk", reasoning="Encrypted", by=lena)
    processor_only = confirmed(by=lena, aware_at=aware_at)
    data = known_data()
    from privacyops.inventory.models import DataElement

    services.incident_scope_record(
        incident=processor_only,
        by=lena,
        data_element=DataElement.objects.get(code="hosted-customer-records"),
        account=data["acme"],
    )
    untriaged = in_triage(by=lena)  # awareness not recorded: no clock yet
    jobs.clock_reminders_send(now=aware_at + 30 * H)
    assert not ClockReminder.objects.exists()
    assert untriaged.reminders.count() == 0


def test_moving_awareness_restarts_the_marks(lena):
    aware_at = timezone.now() - 30 * H
    incident = confirmed(by=lena, aware_at=aware_at)
    jobs.clock_reminders_send(now=timezone.now())
    assert marks(incident) == ["24h"]
    services.incident_record_awareness(incident=incident, aware_at=aware_at - 20 * H, by=lena)
    jobs.clock_reminders_send(now=timezone.now())
    assert marks(incident) == ["24h", "48h"]
