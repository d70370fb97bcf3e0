"""Incidents made through the services, at each stage of the workflow, and known fixtures."""

import datetime

from django.utils import timezone

from privacyops.core import roles
from privacyops.incidents import notices, services
from privacyops.incidents.lifecycle import State
from privacyops.subjects.models import AccountContact, CustomerDataset
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
    UserFactory,
)


def legal_user(username: str = "lena"):
    return UserFactory(username=username, email=f"{username}@infoserv.eu", role=roles.LEGAL)


def reported(**overrides):
    fields = {
        "title": "Exposed backup bucket",
        "description": "A researcher found a public storage bucket with CRM exports.",
        "reporter_name": "Ivan Researcher",
        "reporter_email": "ivan.researcher@example.org",
    }
    fields.update(overrides)
    return services.incident_report(**fields)


def in_triage(*, by=None, **overrides):
    incident = reported(**overrides)
    return services.incident_transition(incident=incident, to=State.TRIAGE, by=by)


def confirmed(*, by, aware_at: datetime.datetime | None = None, **overrides):
    incident = in_triage(by=by, **overrides)
    services.incident_record_awareness(
        incident=incident, aware_at=aware_at or timezone.now() - datetime.timedelta(hours=1), by=by
    )
    return services.incident_transition(incident=incident, to=State.BREACH_CONFIRMED, by=by)


def known_data():
    """Two customers with contacts, activity and hosted datasets, and numbers to expect.

    ACME: 2 contacts (one license holder with an e-mail), 3 activity events of its admin in
    March 2026 and 2 in April, one dataset of 1200 records with 2 known people in it.
    Globex: 1 contact, 4 activity events in March, one dataset of 300 records.
    A visitor without an account: 5 activity events in March.
    """
    march = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    april = datetime.datetime(2026, 4, 10, 12, tzinfo=datetime.UTC)
    acme = AccountFactory(account_number="ACME-1", company_name="ACME Ltd")
    globex = AccountFactory(account_number="GLOBEX-1", company_name="Globex")
    admin_point = ContactPointFactory(value="admin@acme.example")
    user_point = ContactPointFactory(value="user@acme.example")
    globex_point = ContactPointFactory(value="it@globex.example")
    AccountContact.objects.create(
        account=acme, subject=admin_point.subject, role=AccountContact.Role.LICENSE_HOLDER
    )
    AccountContact.objects.create(account=acme, subject=user_point.subject, role="user")
    AccountContact.objects.create(
        account=globex, subject=globex_point.subject, role=AccountContact.Role.ADMINISTRATOR
    )
    for n in range(3):
        ActivityEventFactory(
            subject=admin_point.subject, occurred_at=march + datetime.timedelta(hours=n)
        )
    for n in range(2):
        ActivityEventFactory(
            subject=admin_point.subject, occurred_at=april + datetime.timedelta(hours=n)
        )
    for n in range(4):
        ActivityEventFactory(
            subject=globex_point.subject, occurred_at=march + datetime.timedelta(hours=n)
        )
    visitor = DataSubjectFactory(kind="visitor", login_name=None)
    for n in range(5):
        ActivityEventFactory(
            subject=visitor, occurred_at=march + datetime.timedelta(days=1, hours=n), login=""
        )
    acme_data = CustomerDataset.objects.create(
        account=acme, name="CRM", contents="Leads", location="eu-1", approximate_records=1200
    )
    acme_data.subjects.add(DataSubjectFactory(kind="customer_end_user"), user_point.subject)
    CustomerDataset.objects.create(
        account=globex, name="CRM", contents="Deals", location="eu-1", approximate_records=300
    )
    return {
        "acme": acme,
        "globex": globex,
        "admin": admin_point.subject,
        "visitor": visitor,
        "march": (march - datetime.timedelta(days=5), march + datetime.timedelta(days=10)),
    }


def incident_row(label: str):
    """One of each incident record, made through the services (for the role matrix)."""
    legal = legal_user("matrix-incidents")
    incident = confirmed(by=legal)
    if label == "incidents.Incident":
        return incident
    if label == "incidents.IncidentEvent":
        return incident.events.first()
    data = known_data()
    services.incident_scope_record(incident=incident, by=legal, account=data["acme"])
    if label == "incidents.AffectedData":
        return incident.affected.first()
    if label == "incidents.AuthorityNotification":
        return notices.authority_notification_draft(incident=incident, by=legal)
    if label == "incidents.CustomerNotice":
        return notices.customer_notices_send(incident=incident, by=legal)[0]
    if label == "incidents.ClockReminder":
        return incident.reminders.create(mark="24h", deadline=incident.authority_deadline)
    services.incident_assess_risk(incident=incident, risk="high_risk", reasoning="m", by=legal)
    communication = notices.subject_communication_start(incident=incident, by=legal)
    if label == "incidents.SubjectCommunication":
        return communication
    notices.subject_communication_send(communication_id=communication.pk)
    return communication.deliveries.first()


MAKERS = {
    label: (lambda label=label: incident_row(label))
    for label in (
        "incidents.Incident",
        "incidents.IncidentEvent",
        "incidents.AffectedData",
        "incidents.AuthorityNotification",
        "incidents.CustomerNotice",
        "incidents.ClockReminder",
        "incidents.SubjectCommunication",
        "incidents.SubjectDelivery",
    )
}
