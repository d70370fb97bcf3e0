"""Processor notices to customers and Art. 34 communications in batches, with progress."""

import pytest
from django.core import mail

from privacyops.core.models import JobRun
from privacyops.incidents import notices, services
from privacyops.incidents.models import SubjectDelivery
from privacyops.inventory.models import DataElement
from tests.incidents.factories import confirmed, known_data, legal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lena():
    return legal_user()


def test_each_affected_customer_is_told_once_through_its_account_contacts(
    lena, django_capture_on_commit_callbacks
):
    data = known_data()
    data["acme"].license_holder_email = "Licences@ACME.example"
    data["acme"].save()
    incident = confirmed(by=lena)
    hosted = DataElement.objects.get(code="hosted-customer-records")
    services.incident_scope_record(incident=incident, by=lena, data_element=hosted)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notices.customer_notices_send(incident=incident, by=lena)
        assert notices.customer_notices_send(incident=incident, by=lena) == []
    by_account = {notice.account: notice for notice in sent}
    assert set(by_account) == {data["acme"], data["globex"]}
    assert by_account[data["acme"]].recipients.splitlines() == [
        "admin@acme.example",
        "licences@acme.example",
    ]
    assert by_account[data["globex"]].recipients == "it@globex.example"
    letters = {tuple(m.to): m for m in mail.outbox}
    assert "processor" in letters[("it@globex.example",)].body
    assert "1200 records" not in letters[("it@globex.example",)].body  # only its own data
    assert str(by_account[data["acme"]]).count("@") == 0


def test_art34_communication_in_batches_through_the_transactional_channel(
    lena, django_capture_on_commit_callbacks
):
    data = known_data()
    incident = confirmed(by=lena)
    ip = DataElement.objects.get(code="ip-address")
    start, end = data["march"]
    services.incident_scope_record(
        incident=incident, by=lena, data_element=ip, window_start=start, window_end=end
    )
    with pytest.raises(services.IncidentError, match="high risk"):
        notices.subject_communication_start(incident=incident, by=lena)
    services.incident_assess_risk(incident=incident, risk="high_risk", reasoning="r", by=lena)
    communication = notices.subject_communication_start(incident=incident, by=lena)
    with django_capture_on_commit_callbacks(execute=True):
        run = notices.subject_communication_send(communication_id=communication.pk, batch_size=2)
    assert run.status == JobRun.Status.SUCCEEDED and run.progress_total == 3
    assert run.progress_done == 3
    assert run.summary["sent"] == 2 and run.summary["no_address"] == 1  # the visitor has none
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@acme.example", "it@globex.example"]
    visitor = SubjectDelivery.objects.get(subject=data["visitor"])
    assert visitor.outcome == SubjectDelivery.Outcome.NO_ADDRESS
    communication.refresh_from_db()
    assert communication.status == "sent" and communication.job_run == run
    # A rerun (after a kill, or twice at once) reaches nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = notices.subject_communication_send(communication_id=communication.pk)
    assert again.summary["sent"] == 0 and not mail.outbox
    assert SubjectDelivery.objects.count() == 3


def test_art34_exception_instead_of_communication(lena):
    incident = confirmed(by=lena)
    services.incident_assess_risk(incident=incident, risk="high_risk", reasoning="r", by=lena)
    with pytest.raises(services.IncidentError, match="why"):
        services.incident_art34_exception_record(
            incident=incident, exception="c", reason="", by=lena
        )
    services.incident_art34_exception_record(
        incident=incident, exception="c", reason="Public notice on the website.", by=lena
    )
    with pytest.raises(services.IncidentError, match="exception"):
        notices.subject_communication_start(incident=incident, by=lena)
    assert services.incident_facts(incident).art34_exception
