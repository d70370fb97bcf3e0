"""Contact values never leak sideways: license-holder change records are ciphertext at rest;
the admin log and the access log name a contact point by its masked value only."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from privacyops.security.models import AccessLogEntry
from privacyops.subjects import services
from privacyops.subjects.models import ContactPoint, DataSubject, LicenseHolderChange
from tests.admin_forms import hidden_inputs
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db


def _raw(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return json.dumps(cursor.fetchall(), default=str)


def test_a_license_holder_change_keeps_its_before_and_after_encrypted(rep, my_account):
    change = services.account_license_holder_update(
        account=my_account,
        changes={"license_holder_email": "new@mine.example", "license_holder_phone": "+359 2 1"},
        requested_by=my_account.license_holder,
        channel="email",
        by=rep,
    )

    raw = _raw(LicenseHolderChange._meta.db_table)
    for value in ("new@mine.example", "mine-contact@example.com", "+359 2 1"):
        assert value not in raw
    change.refresh_from_db()
    assert change.new_values == {
        "license_holder_email": "new@mine.example",
        "license_holder_phone": "+359 2 1",
    }
    assert change.old_values["license_holder_email"] == "mine-contact@example.com"


def test_names_of_contact_points_and_subjects_are_masked():
    person = DataSubject.objects.create(kind="lead", login_name="ivan.ivanov@example.com")
    email = ContactPoint.objects.create(subject=person, kind="email", value="ivan@example.com")
    phone = ContactPoint.objects.create(subject=person, kind="phone", value="+359 88 123 4567")

    assert str(email) == "E-mail address: i•••@example.com"
    assert "123 4567" not in str(phone) and str(phone).startswith("Telephone number: +")
    assert str(person) == "i••••••••••@example.com"


def test_the_admin_log_and_the_access_log_carry_masked_contact_values(client, legal):
    client.force_login(legal)
    person = DataSubjectFactory(full_name="Ivana Petrova")
    url = reverse("admin:subjects_datasubject_change", args=[person.pk])
    data = hidden_inputs(client.get(url).content.decode())
    created = person.created_at.astimezone()
    data.update(
        {
            "kind": person.kind,
            "full_name": person.full_name,
            "title": person.title,
            "created_at_0": f"{created:%Y-%m-%d}",
            "created_at_1": f"{created:%H:%M:%S}",
            "contact_points-TOTAL_FORMS": "2",
            "contact_points-0-kind": "email",
            "contact_points-0-value": "ivana.secret@example.com",
            "contact_points-0-created_at_0": f"{created:%Y-%m-%d}",
            "contact_points-0-created_at_1": f"{created:%H:%M:%S}",
            "contact_points-1-kind": "phone",
            "contact_points-1-value": "+359 88 765 4321",
            "contact_points-1-created_at_0": f"{created:%Y-%m-%d}",
            "contact_points-1-created_at_1": f"{created:%H:%M:%S}",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    point = ContactPoint.objects.get(subject=person, kind="email")
    assert (
        client.get(reverse("admin:subjects_contactpoint_change", args=[point.pk])).status_code
        == 200
    )

    texts = [
        *LogEntry.objects.values_list("object_repr", "change_message"),
        *AccessLogEntry.objects.values_list("object_repr", "subject_repr", "detail"),
    ]
    dumped = json.dumps(texts, default=str, ensure_ascii=False)
    assert LogEntry.objects.exists() and AccessLogEntry.objects.exists()
    assert "i•••••••••••@example.com" in dumped  # the contact point, as the logs name it
    assert "ivana.secret" not in dumped
    assert "765 4321" not in dumped and "7654321" not in dumped
