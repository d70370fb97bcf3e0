"""Every staff write of a person's details or contact points leaves a history row: who changed
which details, when; the values only masked (and encrypted at rest), never in clear."""

import datetime
import json

import pytest
import tablib
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from privacyops.core import registry
from privacyops.subjects import services
from privacyops.subjects.models import ContactPoint, DataSubject, PersonalDataChange
from privacyops.subjects.resources import DataSubjectResource
from tests.admin_forms import hidden_inputs
from tests.factories import ContactPointFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db

Kind = PersonalDataChange.Kind
WHEN = datetime.datetime(2025, 1, 1, 10, tzinfo=datetime.UTC)


def posted(name: str) -> dict[str, str]:
    """A split date-time field of an admin form, as the browser posts WHEN (local time)."""
    local = timezone.localtime(WHEN)
    return {f"{name}_0": f"{local:%Y-%m-%d}", f"{name}_1": f"{local:%H:%M:%S}"}


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def _raw_row(change: PersonalDataChange) -> str:
    """The row as the database holds it (what a backup or a raw look at the table shows)."""
    table = PersonalDataChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [change.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_a_name_change_records_who_changed_which_detail_without_the_values(legal):
    person = DataSubjectFactory(full_name="Ivana Petrova", title="Buyer")

    change = services.data_subject_update(
        subject=person, changes={"full_name": "Ivana Georgieva", "title": "Buyer"}, by=legal
    )

    person.refresh_from_db()
    assert person.full_name == "Ivana Georgieva"
    assert (change.kind, change.fields, change.changed_by) == (
        Kind.SUBJECT_CHANGED,
        ["full_name"],  # the title did not change
        legal,
    )
    assert change.masked_values == {"full_name": ["I" + "•" * 10 + "va", "I" + "•" * 12 + "va"]}
    assert json.loads(change.values) == {"full_name": ["Ivana Petrova", "Ivana Georgieva"]}
    raw = _raw_row(change)
    assert "Petrova" not in raw and "Georgieva" not in raw  # encrypted at rest
    assert "Ivana" not in str(change)
    # Nothing changed, nothing recorded.
    assert (
        services.data_subject_update(
            subject=person, changes={"full_name": "Ivana Georgieva"}, by=legal
        )
        is None
    )


def test_contact_points_added_changed_and_removed_are_each_recorded(legal):
    person = DataSubjectFactory()
    point = services.contact_point_add(
        contact_point=ContactPoint(subject=person, kind="email", value="ivana@example.com"),
        by=legal,
    )
    services.contact_point_update(
        contact_point=point, changes={"value": "ivana.g@example.com"}, by=legal
    )
    services.contact_point_remove(contact_point=point, by=legal)

    assert not ContactPoint.objects.filter(subject=person).exists()
    added, changed, removed = PersonalDataChange.objects.filter(subject=person).order_by("id")
    assert [added.kind, changed.kind, removed.kind] == [
        Kind.CONTACT_ADDED,
        Kind.CONTACT_CHANGED,
        Kind.CONTACT_REMOVED,
    ]
    assert {added.contact_kind, changed.contact_kind, removed.contact_kind} == {"email"}
    assert changed.fields == ["value"]
    assert changed.masked_values == {"value": ["i••••@example.com", "i••••••@example.com"]}
    assert removed.masked_values["value"] == ["i••••••@example.com", "—"]
    for change in (added, changed, removed):
        assert "ivana" not in _raw_row(change)


def test_the_admin_edits_of_a_subject_and_its_contact_points_go_through_the_services(
    legal_client, legal
):
    person = DataSubjectFactory(full_name="Ivana Petrova", created_at=WHEN)
    ContactPointFactory(subject=person, value="ivana@example.com", is_primary=True, created_at=WHEN)
    url = reverse("admin:subjects_datasubject_change", args=[person.pk])
    data = hidden_inputs(legal_client.get(url).content.decode())
    data.update(
        {
            "kind": person.kind,
            "full_name": "Ivana Georgieva",
            "title": person.title,
            "login_name": person.login_name,
            **posted("created_at"),
            "contact_points-0-kind": "email",
            "contact_points-0-value": "ivana.g@example.com",
            "contact_points-0-is_primary": "on",
            **posted("contact_points-0-created_at"),
            "contact_points-TOTAL_FORMS": "2",
            "contact_points-1-kind": "phone",
            "contact_points-1-value": "+359 888 123 456",
            **posted("contact_points-1-created_at"),
        }
    )
    response = legal_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    kinds = list(
        PersonalDataChange.objects.filter(subject=person)
        .order_by("id")
        .values_list("kind", "fields", "changed_by")
    )
    assert kinds == [
        (Kind.SUBJECT_CHANGED, ["full_name"], legal.pk),
        (Kind.CONTACT_CHANGED, ["value"], legal.pk),
        (Kind.CONTACT_ADDED, ["kind", "value", "is_primary"], legal.pk),
    ]
    page = legal_client.get(url).content.decode()
    assert "personal-data change history" in page.lower()
    assert "I••••" in page  # the history shows masked values


def test_the_contact_point_admin_records_its_writes(legal_client, legal):
    person = DataSubjectFactory()
    legal_client.post(
        reverse("admin:subjects_contactpoint_add"),
        {"subject": person.pk, "kind": "email", "value": "new@example.com", **posted("created_at")},
    )
    point = ContactPoint.objects.get(subject=person)
    legal_client.post(
        reverse("admin:subjects_contactpoint_delete", args=[point.pk]), {"post": "yes"}
    )
    assert not ContactPoint.objects.filter(subject=person).exists()
    assert list(
        PersonalDataChange.objects.filter(subject=person)
        .order_by("id")
        .values_list("kind", flat=True)
    ) == [Kind.CONTACT_ADDED, Kind.CONTACT_REMOVED]


def test_erasing_a_subject_keeps_that_a_change_was_made_but_not_what_it_was(legal):
    person = DataSubjectFactory(full_name="Ivana Petrova")
    services.data_subject_update(subject=person, changes={"full_name": "Ivana G."}, by=legal)
    registry.erase(DataSubject.objects.get(pk=person.pk), dry_run=False)
    change = PersonalDataChange.objects.get(subject=person)
    assert change.fields == ["full_name"]
    assert change.masked_values is None and change.values == ""


def test_a_spreadsheet_import_records_its_changes_too(legal):
    headers = ["login_name", "email", "kind", "full_name"]
    rows = [["ipetrova", "ivana@example.com", "lead", "Ivana Petrova"]]
    resource = DataSubjectResource()
    result = resource.import_data(tablib.Dataset(*rows, headers=headers), user=legal)
    assert not result.has_errors() and not result.has_validation_errors()
    person = DataSubject.objects.get(login_name="ipetrova")

    rows[0][3] = "Ivana Georgieva"
    DataSubjectResource().import_data(tablib.Dataset(*rows, headers=headers), user=legal)

    changes = list(
        PersonalDataChange.objects.filter(subject=person)
        .order_by("id")
        .values_list("kind", "fields", "changed_by")
    )
    assert changes == [
        (Kind.SUBJECT_RECORDED, ["kind", "full_name", "login_name", "created_at"], legal.pk),
        (Kind.CONTACT_ADDED, ["kind", "value", "is_primary"], legal.pk),
        (Kind.SUBJECT_CHANGED, ["full_name"], legal.pk),
    ]
    # A re-import of the same file changes nothing and records nothing.
    DataSubjectResource().import_data(tablib.Dataset(*rows, headers=headers), user=legal)
    assert PersonalDataChange.objects.filter(subject=person).count() == 3
