"""The registry of personal data and the generic functions over it."""

import json

import pytest
from django.apps import apps

from privacyops.core import registry
from privacyops.core.erasure import MASK_TEXT, Strategy, erased_value, is_erased, salted_hash
from privacyops.subjects.models import (
    AccountContact,
    ActivityEvent,
    ContactPoint,
    CustomerDataset,
    DataSubject,
)
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
)


def test_every_project_model_is_registered_or_declared_not_personal():
    declared = {r.label for r in registry.registrations()} | set(registry.declared_not_personal())
    project_models = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("privacyops.") and not model._meta.auto_created
    }
    missing = project_models - declared
    assert not missing, f"Models neither in the personal-data registry nor declared: {missing}"


def test_registered_fields_exist():
    for registration in registry.registrations():
        qs = registration.model._default_manager.all()
        qs.values(*registration.export_fields).query.sql_with_params()  # raises on a typo
        if isinstance(registration.erasure, dict):
            for name in registration.erasure:
                registration.model._meta.get_field(name)
        if registration.retention_clock:
            registration.model._meta.get_field(registration.retention_clock)


def test_strategies_are_idempotent_and_one_way():
    hashed = salted_hash("Ana@Example.com", "salt")
    assert hashed == salted_hash(" ana@example.com", "salt")
    assert hashed != salted_hash("ana@example.com", "other salt")
    assert "ana" not in hashed and is_erased(hashed, Strategy.HASH)
    assert erased_value("x", Strategy.MASK, salt="s", nullable=False) == MASK_TEXT
    assert erased_value("x", Strategy.BLANK, salt="s", nullable=True) is None


@pytest.fixture
def subject_with_everything(db):
    subject = DataSubjectFactory(full_name="Ana Petrova", login_name="ana")
    ContactPointFactory(subject=subject, value="ana@example.com")
    ContactPointFactory(subject=subject, kind="phone", value="+359 88 123 4567")
    account = AccountFactory(license_holder=subject, license_holder_email="ana@acme.bg")
    AccountContact.objects.create(account=account, subject=subject, role="license_holder")
    ActivityEventFactory.create_batch(5, subject=subject)
    dataset = CustomerDataset.objects.create(
        account=account, name="CRM contacts", contents="contacts", location="eu-1"
    )
    dataset.subjects.add(subject)
    return subject


@pytest.mark.django_db
def test_personal_data_for_groups_by_category_in_one_query_per_model(
    subject_with_everything, django_assert_num_queries
):
    other = DataSubjectFactory()
    ActivityEventFactory.create_batch(3, subject=other)
    with django_assert_num_queries(len(registry.subject_registrations())):
        data = registry.personal_data_for(subject_with_everything)
    json.dumps(data)
    categories = data["categories"]
    assert categories["Personal Information"]["data subjects"][0]["full_name"] == "Ana Petrova"
    assert len(categories["Personal Information"]["contact points"]) == 2
    events = categories["Other Information"]["activity events (Other Information)"]
    assert len(events) == 5
    assert categories["Customer-Generated Data"]
    assert "Ana" not in json.dumps(registry.personal_data_for(other)["categories"])


@pytest.mark.django_db
def test_erase_dry_run_describes_exactly_what_execution_does(subject_with_everything):
    subject = subject_with_everything
    preview = registry.erase(subject, dry_run=True)
    by_model = {entry.model: entry for entry in preview.entries}
    assert by_model["subjects.ContactPoint"].action == "delete rows"
    assert by_model["subjects.ContactPoint"].rows == 2
    assert by_model["subjects.ActivityEvent"].rows == 5
    assert by_model["subjects.CustomerDataset"].action == "keep"
    assert "controller" in by_model["subjects.CustomerDataset"].kept_because
    assert by_model["subjects.Account"].action == "keep"
    assert by_model["subjects.DataSubject"].changed["full_name"] == 1
    assert ContactPoint.objects.filter(subject=subject).count() == 2  # dry run changed nothing
    assert "Ana" not in json.dumps(preview.as_dict())

    done = registry.erase(subject, dry_run=False)
    assert done.entries == preview.entries and done.executed_at
    subject.refresh_from_db()
    assert subject.full_name == "" and subject.login_name is None and subject.erased_at
    assert not ContactPoint.objects.filter(subject=subject).exists()
    assert not ActivityEvent.objects.filter(subject=subject).exists()
    assert CustomerDataset.objects.filter(subjects=subject).exists()

    again = registry.erase(subject, dry_run=True)
    assert not again.erased_anything


@pytest.mark.django_db
def test_a_hold_check_keeps_everything(subject_with_everything):
    def hold(subject):
        return ["Matter 2026-17: dispute with ACME"] if subject.pk else []

    registry.register_hold_check(hold)
    try:
        report = registry.erase(subject_with_everything, dry_run=False)
    finally:
        registry.unregister_hold_check(hold)
    assert report.held_by == ["Matter 2026-17: dispute with ACME"]
    assert not report.erased_anything
    assert DataSubject.objects.get(pk=subject_with_everything.pk).full_name == "Ana Petrova"
    assert ContactPoint.objects.filter(subject=subject_with_everything).count() == 2
