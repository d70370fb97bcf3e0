"""POST /api/v1/subjects/ and /api/v1/accounts/: the CRM upserts people and accounts by its
own identifiers; all or nothing, per-row and per-field 400s, idempotent replays, license-holder
changes refused with the reason, scope and key enforced."""

import pytest
from django.db import connection

from privacyops.api import services
from privacyops.api.models import ApiCall
from privacyops.subjects.models import Account, ContactPoint, DataSubject, PersonalDataChange
from tests.api.conftest import post
from tests.api.factories import api_client

pytestmark = pytest.mark.django_db
SUBJECTS = "/api/v1/subjects/"
ACCOUNTS = "/api/v1/accounts/"
ADA = {
    "external_id": "C-1",
    "kind": "customer_contact",
    "full_name": "Ada Lovelace",
    "email": "Ada@Example.com",
    "phone": "+359 2 123 4567",
}


def subjects_body(*rows):
    return {"subjects": list(rows)}


def test_create_then_update_then_an_idempotent_replay(client, crm):
    _, key = crm
    created = post(
        client, SUBJECTS, subjects_body(ADA, {"external_id": "C-2", "kind": "lead"}), key
    )
    assert created.status_code == 200, created.json()
    assert created.json()["created"] == 2
    ada = DataSubject.objects.get(external_source="CRM", external_id="C-1")
    assert ada.full_name == "Ada Lovelace"
    assert ContactPoint.objects.get(subject=ada, kind="email").value == "ada@example.com"
    assert ContactPoint.objects.filter(value="ada@example.com").get().subject == ada  # blind index

    moved = {**ADA, "title": "Engineer", "email": "ada@new.example.com"}
    updated = post(client, SUBJECTS, subjects_body(moved), key).json()
    assert (updated["updated"], updated["results"]) == (1, [{"key": "C-1", "result": "updated"}])
    assert ContactPoint.objects.get(subject=ada, kind="email").value == "ada@new.example.com"
    history = set(PersonalDataChange.objects.filter(subject=ada).values_list("kind", flat=True))
    assert {"subject_recorded", "subject_changed", "contact_changed"} <= history

    changes_before = PersonalDataChange.objects.count()
    replay = post(client, SUBJECTS, subjects_body(moved), key).json()
    assert (replay["unchanged"], replay["created"], replay["updated"]) == (1, 0, 0)
    assert PersonalDataChange.objects.count() == changes_before
    assert DataSubject.objects.filter(external_id="C-1").count() == 1
    assert ApiCall.objects.filter(endpoint="subjects", records=1).count() == 2


def test_contact_points_are_encrypted_at_rest(client, crm):
    _, key = crm
    post(client, SUBJECTS, subjects_body(ADA), key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM subjects_contactpoint")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("ada@example.com" in value or "4567" in value for value in stored)


def test_the_same_id_from_another_system_is_another_person(client, crm):
    _, key = crm
    _, sites_key = api_client(name="Sites", scopes=["subjects:write"])
    post(client, SUBJECTS, subjects_body(ADA), key)
    post(client, SUBJECTS, subjects_body(ADA), sites_key)
    assert sorted(DataSubject.objects.values_list("external_source", flat=True)) == [
        "CRM",
        "Sites",
    ]


def test_a_bad_batch_names_each_row_and_field_and_stores_nothing(client, crm):
    _, key = crm
    response = post(
        client,
        SUBJECTS,
        subjects_body(
            ADA,
            {"external_id": "C-2", "kind": "martian", "email": "not-an-address"},
            {"kind": "lead", "colour": "red"},
            {**ADA, "full_name": 42},
            "not an object",
        ),
        key,
    )

    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert errors == {
        (1, "kind"),
        (1, "email"),
        (2, "external_id"),
        (2, "colour"),
        (3, "full_name"),
        (3, "external_id"),  # the same id as row 0
        (4, None),
    }
    assert not DataSubject.objects.exists() and not ContactPoint.objects.exists()


def test_license_holder_changes_are_refused_with_the_reason(client, crm):
    _, key = crm
    ok = post(
        client,
        ACCOUNTS,
        {"accounts": [{"account_number": "A-1", "company_name": "Acme", "vat_number": "BG1"}]},
        key,
    )
    assert ok.status_code == 200 and ok.json()["created"] == 1
    replay = post(
        client,
        ACCOUNTS,
        {"accounts": [{"account_number": "A-1", "company_name": "Acme", "vat_number": "BG1"}]},
        key,
    )
    assert replay.json()["unchanged"] == 1

    refused = post(
        client,
        ACCOUNTS,
        {
            "accounts": [
                {"account_number": "A-1", "company_name": "Acme Ltd"},
                {"account_number": "A-2", "company_name": "B", "license_holder_email": "x@y.z"},
            ]
        },
        key,
    )

    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert (error["row"], error["field"]) == (1, "license_holder_email")
    assert "account's representative" in error["reason"]
    assert list(Account.objects.values_list("account_number", "company_name")) == [("A-1", "Acme")]


def test_an_account_closed_without_its_date_is_a_field_error(client, crm):
    _, key = crm
    response = post(
        client, ACCOUNTS, {"accounts": [{"account_number": "A-9", "status": "closed"}]}, key
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"company_name"}  # a new account needs its name first
    response = post(
        client,
        ACCOUNTS,
        {"accounts": [{"account_number": "A-9", "company_name": "Z", "status": "closed"}]},
        key,
    )
    assert {e["field"] for e in response.json()["errors"]} == {"closed_at"}
    assert not Account.objects.exists()


def test_without_the_scope_403_and_a_revoked_key_401(client):
    _, events_only = api_client(name="Events", scopes=["events:write"])
    assert post(client, SUBJECTS, subjects_body(ADA), events_only).status_code == 403
    assert post(client, ACCOUNTS, {"accounts": []}, events_only).status_code == 403
    crm, key = api_client(name="CRM", scopes=["subjects:write"])
    services.api_keys_revoke(client=crm)
    assert post(client, SUBJECTS, subjects_body(ADA), key).status_code == 401
    assert post(client, SUBJECTS, subjects_body(ADA), None).status_code == 401
    assert not DataSubject.objects.exists()


def test_an_oversized_batch_is_refused(client, crm):
    _, key = crm
    rows = [{"external_id": f"C-{n}", "kind": "lead"} for n in range(1001)]
    response = post(client, SUBJECTS, subjects_body(*rows), key)
    assert response.status_code == 400 and "1,000" in response.json()["detail"]
    assert not DataSubject.objects.exists()
