"""The register's services: intake, awareness, risk, notifications, holds; personal data kept
out of plain text, __str__ and the timeline."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from privacyops.incidents import notices, services
from privacyops.incidents.lifecycle import LifecycleError, State
from privacyops.incidents.models import AuthorityNotification, Incident, IncidentEvent
from privacyops.retention.models import LegalHold
from tests.incidents.factories import confirmed, in_triage, known_data, legal_user, reported

pytestmark = pytest.mark.django_db
EMAIL = "ivan.researcher@example.org"


def test_a_report_is_acknowledged_with_its_reference(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = reported()
    assert incident.state == State.REPORTED
    (letter,) = mail.outbox
    assert letter.to == [EMAIL] and incident.reference in letter.subject
    assert incident.events.filter(kind=IncidentEvent.Kind.REPORTED).exists()


def test_reporter_details_are_encrypted_and_never_in_str_events_or_logs(caplog):
    with caplog.at_level(logging.INFO, logger="privacyops.incidents"):
        incident = reported()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_email, reporter_name FROM incidents_incident WHERE id = %s",
            [incident.pk],
        )
        raw_email, raw_name = cursor.fetchone()
    assert EMAIL not in raw_email and "Ivan" not in raw_name
    assert Incident.objects.get(pk=incident.pk).reporter_email == EMAIL
    assert Incident.objects.filter(reporter_email=EMAIL.upper()).get() == incident  # blind index
    assert EMAIL not in str(incident) and "Ivan" not in str(incident)
    for event in incident.events.all():
        assert EMAIL not in f"{event.note} {event.data}" and "Ivan" not in event.note
    assert incident.reference in caplog.text and EMAIL not in caplog.text


def test_an_empty_report_is_refused():
    with pytest.raises(services.IncidentError):
        services.incident_report(description="   ")


def test_awareness_is_recorded_at_triage_with_who_and_when():
    lena = legal_user()
    incident = reported()
    aware_at = timezone.now() - datetime.timedelta(hours=2)
    with pytest.raises(services.IncidentError, match="triage"):
        services.incident_record_awareness(incident=incident, aware_at=aware_at, by=lena)
    incident = services.incident_transition(incident=incident, to=State.TRIAGE, by=lena)
    with pytest.raises(services.IncidentError, match="future"):
        services.incident_record_awareness(
            incident=incident, aware_at=timezone.now() + datetime.timedelta(hours=1), by=lena
        )
    incident = services.incident_record_awareness(incident=incident, aware_at=aware_at, by=lena)
    assert incident.aware_recorded_by == lena and incident.aware_recorded_at
    assert incident.authority_deadline == aware_at + datetime.timedelta(hours=72)
    assert incident.hours_left() == 69
    event = incident.events.get(kind=IncidentEvent.Kind.AWARENESS)
    assert event.by == lena and event.data["deadline"] == incident.authority_deadline.isoformat()


def test_breach_confirmation_needs_awareness():
    lena = legal_user()
    incident = in_triage(by=lena)
    with pytest.raises(LifecycleError, match="aware"):
        services.incident_transition(incident=incident, to=State.BREACH_CONFIRMED, by=lena)


def test_risk_needs_reasoning():
    lena = legal_user()
    incident = confirmed(by=lena)
    with pytest.raises(services.IncidentError, match="reasoning"):
        services.incident_assess_risk(incident=incident, risk="risk", reasoning=" ", by=lena)
    services.incident_assess_risk(incident=incident, risk="risk", reasoning="E-mails", by=lena)
    assert incident.events.filter(kind="risk", by=lena).exists()


def test_phased_notification_generated_from_the_register(django_capture_on_commit_callbacks):
    lena = legal_user()
    incident = confirmed(by=lena)
    data = known_data()
    services.incident_scope_record(incident=incident, by=lena, account=data["acme"])
    services.incident_facts_update(
        incident=incident,
        by=lena,
        changes={"likely_consequences": "Phishing", "measures_taken": "Bucket closed"},
    )
    draft = notices.authority_notification_draft(incident=incident, by=lena)
    assert draft.phase == AuthorityNotification.Phase.INITIAL
    for text in ("Commission for Personal Data Protection", "Phishing", "Bucket closed"):
        assert text in draft.body
    assert f"Approximate number of personal-data records: {incident.approx_records}" in draft.body
    assert EMAIL not in draft.body
    with pytest.raises(services.IncidentError, match="draft"):
        notices.authority_notification_draft(incident=incident, by=lena)
    draft.body += "\nEdited by Legal."
    draft.save()
    notices.authority_notification_submit(notification=draft, by=lena, authority_reference="K-1")
    incident.refresh_from_db()
    assert incident.state == State.NOTIFIED and incident.authority_notified_at
    follow_up = notices.authority_notification_draft(incident=incident, by=lena)
    assert follow_up.phase == AuthorityNotification.Phase.FOLLOW_UP
    assert "K-1" in follow_up.body
    notices.authority_notification_submit(notification=follow_up, by=lena)
    assert incident.authority_notifications.filter(status="submitted").count() == 2


def test_after_72_hours_the_reasons_for_delay_are_required():
    lena = legal_user()
    incident = confirmed(by=lena, aware_at=timezone.now() - datetime.timedelta(hours=80))
    draft = notices.authority_notification_draft(incident=incident, by=lena)
    with pytest.raises(services.IncidentError, match="reasons for the delay"):
        notices.authority_notification_submit(notification=draft, by=lena)
    notices.authority_notification_submit(
        notification=draft, by=lena, delay_reasons="Forensics needed to confirm the scope."
    )
    draft.refresh_from_db()
    assert draft.late and "Forensics needed" in draft.body
    assert Incident.objects.get(pk=incident.pk).delay_reasons.startswith("Forensics")


def test_legal_hold_on_the_affected_accounts_in_one_step():
    lena = legal_user()
    incident = confirmed(by=lena)
    with pytest.raises(services.IncidentError, match="Count"):
        services.incident_legal_hold_place(incident=incident, by=lena)
    data = known_data()
    services.incident_scope_record(incident=incident, by=lena)
    holds = services.incident_legal_hold_place(incident=incident, by=lena)
    held = {hold.account for hold in holds}
    assert {data["acme"], data["globex"]} <= held
    assert all(hold.matter == f"Incident {incident.reference}" for hold in holds)
    again = services.incident_legal_hold_place(incident=incident, by=lena)
    assert again == [] and LegalHold.objects.count() == len(holds)


def test_closing_waits_for_notifications(django_capture_on_commit_callbacks):
    lena = legal_user()
    incident = confirmed(by=lena)
    data = known_data()
    services.incident_scope_record(incident=incident, by=lena, account=data["acme"])
    services.incident_assess_risk(incident=incident, risk="high_risk", reasoning="r", by=lena)
    with pytest.raises(LifecycleError) as blocked:
        services.incident_transition(incident=incident, to=State.CLOSED, by=lena)
    message = str(blocked.value)
    assert "authority" in message and "1 affected customer" in message and "Art. 34" in message
    services.incident_art34_exception_record(
        incident=incident, exception="a", reason="Data was encrypted at rest.", by=lena
    )
    notices.authority_notification_submit(
        notification=notices.authority_notification_draft(incident=incident, by=lena), by=lena
    )
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notices.customer_notices_send(incident=incident, by=lena)
    assert notice.account == data["acme"] and notice.recipients == "admin@acme.example"
    assert any(m.to == ["admin@acme.example"] for m in mail.outbox)
    notices.customer_notice_acknowledge(notice=notice, by=lena, name="CTO", note="Thanks")
    closed = services.incident_transition(incident=incident, to=State.CLOSED, by=lena)
    assert closed.closed_at and closed.state == State.CLOSED


def test_the_reporter_finds_the_report_in_their_access_export_and_erasure_keeps_it():
    from privacyops.core import registry
    from tests.factories import ContactPointFactory

    point = ContactPointFactory(value=EMAIL)
    incident = reported()
    assert incident.reporter_subject == point.subject
    exported = registry.personal_data_for(point.subject)["categories"]["Personal Information"]
    (row,) = exported["incidents (Art. 33(5) register)"]
    assert row["reporter_email"] == EMAIL and row["id"] == incident.pk
    preview = registry.erase(point.subject, dry_run=True)
    entry = next(e for e in preview.entries if e.model == "incidents.Incident")
    assert entry.action == "keep" and "Art. 33(5)" in entry.kept_because
