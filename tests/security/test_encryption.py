"""Contact details encrypted at rest, still searchable and unique through a blind index."""

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from privacyops.core import registry
from privacyops.security import encryption, services
from privacyops.subjects import selectors
from privacyops.subjects.models import Account, ContactPoint, DataSubject

pytestmark = pytest.mark.django_db

EMAIL = "ivan.ivanov@example.com"


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _person(email=EMAIL):
    person = DataSubject.objects.create(kind=DataSubject.Kind.LEAD, full_name="Ivan Ivanov")
    ContactPoint.objects.create(subject=person, kind="email", value=email, is_primary=True)
    ContactPoint.objects.create(subject=person, kind="phone", value="+359 88 123 4567")
    return person


def _forget_derived_keys():
    """The encrypted fields cache their keys per process; a test that changes keys resets them."""
    for model in django_apps.get_models():
        for field in model._meta.concrete_fields:
            for cached in ("keys", "f"):
                field.__dict__.pop(cached, None)


@pytest.fixture
def fresh_keys():
    _forget_derived_keys()
    yield
    _forget_derived_keys()


def test_a_raw_look_at_the_tables_shows_no_plain_contact_details():
    person = _person()
    Account.objects.create(
        account_number="A-1",
        company_name="Rila Software",
        billing_address="1 Vitosha Blvd, Sofia",
        license_holder=person,
        license_holder_email="licensing@rila.example",
        license_holder_phone="+359 2 981 1200",
    )
    dump = json.dumps(
        _raw("SELECT value, value_index FROM subjects_contactpoint")
        + _raw(
            "SELECT billing_address, license_holder_email, license_holder_phone "
            "FROM subjects_account"
        )
    )
    for plain in (EMAIL, "ivanov", "123 4567", "Vitosha", "licensing@", "981 1200"):
        assert plain not in dump
    assert ContactPoint.objects.get(kind="email").value == EMAIL
    account = Account.objects.get()
    assert account.license_holder_email == "licensing@rila.example"
    assert account.billing_address == "1 Vitosha Blvd, Sofia"


def test_search_by_email_still_works_exactly_and_through_joins():
    person = _person()
    _person(email="someone.else@example.com")
    assert list(selectors.subjects_with_email(" Ivan.Ivanov@Example.com ")) == [person]
    assert ContactPoint.objects.filter(value__in=[EMAIL, "nobody@example.com"]).count() == 1
    assert DataSubject.objects.filter(contact_points__value=EMAIL).get() == person
    assert not ContactPoint.objects.filter(value="ivan.ivanov@example.org").exists()


def test_the_same_contact_twice_is_refused_by_the_database():
    person = _person()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(subject=person, kind="email", value=EMAIL.upper())


def test_changing_a_value_with_update_fields_keeps_its_hash_in_step():
    person = _person()
    point = person.contact_points.get(kind="email")
    point.value = "new.address@example.com"
    point.save(update_fields=["value"])
    assert list(selectors.subjects_with_email("new.address@example.com")) == [person]
    assert not selectors.subjects_with_email(EMAIL).exists()


def test_registry_export_and_erasure_work_unchanged():
    person = _person()
    Account.objects.create(
        account_number="A-2",
        company_name="Rila",
        license_holder=person,
        license_holder_email="licensing@rila.example",
    )
    exported = json.dumps(registry.personal_data_for(person))
    assert EMAIL in exported and "+359 88 123 4567" in exported

    registry.erase(person, dry_run=False)
    assert not ContactPoint.objects.filter(subject=person).exists()
    # The account is kept for the statutory accounting period: still readable after erasure.
    assert (
        Account.objects.get(account_number="A-2").license_holder_email == "licensing@rila.example"
    )


def test_keys_rotate_through_a_list(fresh_keys):
    with override_settings(BLIND_INDEX_KEYS=["old-index-key"], SALT_KEY=["old-salt"]):
        _forget_derived_keys()
        person = _person()
        old_cipher = _raw("SELECT value FROM subjects_contactpoint WHERE kind = 'email'")[0][0]

    with override_settings(
        BLIND_INDEX_KEYS=["new-index-key", "old-index-key"], SALT_KEY=["new-salt", "old-salt"]
    ):
        _forget_derived_keys()
        # Before rotation: found and readable through the old keys.
        assert list(selectors.subjects_with_email(EMAIL)) == [person]
        summary = services.field_keys_rotate(batch_size=1)
        assert summary["subjects.ContactPoint"] == 2
        new_cipher, index = _raw(
            "SELECT value, value_index FROM subjects_contactpoint WHERE kind = 'email'"
        )[0]
        assert new_cipher != old_cipher
        assert index == encryption.blind_index(EMAIL, key=b"new-index-key")

    with override_settings(BLIND_INDEX_KEYS=["new-index-key"], SALT_KEY=["new-salt"]):
        _forget_derived_keys()
        # The old keys are gone: everything still reads and is still found.
        assert list(selectors.subjects_with_email(EMAIL)) == [person]
        assert person.contact_points.get(kind="email").value == EMAIL


def test_the_data_migration_encrypts_rows_written_in_plain_text():
    person = _person()
    _raw(
        "UPDATE subjects_contactpoint SET value = %s, value_index = '' WHERE kind = 'email'",
        [EMAIL],
    )
    assert _raw("SELECT value FROM subjects_contactpoint WHERE kind = 'email'")[0][0] == EMAIL

    migration = importlib.import_module(
        "privacyops.subjects.migrations.0005_encrypt_contact_details"
    )
    migration.encrypt_existing(django_apps, None)

    assert EMAIL not in json.dumps(_raw("SELECT value FROM subjects_contactpoint"))
    assert list(selectors.subjects_with_email(EMAIL)) == [person]


def test_a_refused_value_does_not_leave_the_field_unable_to_decrypt():
    from django.core.exceptions import ValidationError

    account = Account.objects.create(
        account_number="A-3", company_name="Rila", license_holder_email="ok@rila.example"
    )
    account.license_holder_email = "not an e-mail"
    with pytest.raises(ValidationError):
        account.full_clean(validate_unique=False, validate_constraints=False)
    assert Account.objects.get(pk=account.pk).license_holder_email == "ok@rila.example"
