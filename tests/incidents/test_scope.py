"""The scope builder counts from the data: known fixtures, known numbers."""

import pytest

from privacyops.incidents import scope, services
from privacyops.incidents.models import Role
from privacyops.inventory.models import DataElement
from tests.incidents.factories import confirmed, known_data, legal_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return known_data()


def by_label(result):
    return {row.registration: row for row in result.rows}


def test_by_account_counts_its_people_their_activity_and_its_hosted_data(data):
    rows = by_label(scope.scope_count(scope.Scope(account=data["acme"])))
    assert rows["subjects.DataSubject"].records == 2
    assert rows["subjects.ContactPoint"].records == 2
    assert rows["subjects.AccountContact"].records == 2
    assert rows["subjects.Account"].records == 1
    assert rows["subjects.ActivityEvent"].records == 5
    assert rows["subjects.ActivityEvent"].subjects == 1
    hosted = rows["subjects.CustomerDataset"]
    assert (hosted.records, hosted.subjects, hosted.role) == (1200, 2, Role.PROCESSOR)
    assert hosted.accounts == [data["acme"].pk]
    assert rows["subjects.ActivityEvent"].role == Role.CONTROLLER
    assert not any(label.startswith("incidents.") for label in rows)
    assert all(row.records for row in rows.values())  # nothing counted is not listed


def test_by_data_element_and_time_window(data):
    ip = DataElement.objects.get(code="ip-address")
    start, end = data["march"]
    result = scope.scope_count(scope.Scope(data_element=ip, window_start=start, window_end=end))
    (row,) = result.rows
    assert (row.registration, row.records, row.subjects) == ("subjects.ActivityEvent", 12, 3)
    everything = scope.scope_count(scope.Scope(data_element=ip))
    assert everything.records == 14


def test_a_window_leaves_out_records_without_a_date_and_says_so(data):
    start, end = data["march"]
    result = scope.scope_count(
        scope.Scope(account=data["acme"], window_start=start, window_end=end)
    )
    assert "subjects.AccountContact" in result.skipped
    assert by_label(result)["subjects.ActivityEvent"].records == 3


def test_by_email_element_counts_only_email_contact_points(data):
    email = DataElement.objects.get(code="email-address")
    rows = by_label(scope.scope_count(scope.Scope(data_element=email)))
    assert set(rows) == {"subjects.ContactPoint"} and rows["subjects.ContactPoint"].records == 3


def test_an_element_of_customer_generated_data_finds_every_hosted_dataset(data):
    hosted = DataElement.objects.get(code="hosted-customer-records")
    (row,) = scope.scope_count(scope.Scope(data_element=hosted)).rows
    assert (row.records, row.role) == (1500, Role.PROCESSOR)
    assert row.accounts == sorted([data["acme"].pk, data["globex"].pk])


def test_recorded_scope_sets_the_registers_numbers_and_the_people_behind_it(data):
    lena = legal_user()
    incident = confirmed(by=lena)
    ip = DataElement.objects.get(code="ip-address")
    start, end = data["march"]
    services.incident_scope_record(
        incident=incident, by=lena, data_element=ip, window_start=start, window_end=end
    )
    services.incident_scope_record(incident=incident, by=lena, account=data["globex"])
    incident.refresh_from_db()
    people = set(scope.affected_subjects(incident).values_list("pk", flat=True))
    assert data["visitor"].pk in people and data["admin"].pk in people
    assert len(people) == 3  # ACME's admin, Globex's contact, the visitor (counted once)
    assert incident.approx_subjects == 3
    assert incident.approx_records == sum(incident.affected.values_list("records", flat=True))
    event = incident.events.filter(kind="scope").last()
    assert event.data["rows"]["subjects.CustomerDataset"] == 300


def test_a_window_must_end_after_it_starts(data):
    lena = legal_user()
    incident = confirmed(by=lena)
    start, end = data["march"]
    with pytest.raises(services.IncidentError):
        services.incident_scope_record(
            incident=incident, by=lena, window_start=end, window_end=start
        )
