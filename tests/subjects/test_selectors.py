"""The one definition of "the data subject of this e-mail address"."""

import pytest

from privacyops.subjects.selectors import (
    normalise_email,
    subject_for_email,
    subject_ids_for_emails,
)
from tests.factories import ContactPointFactory, DataSubjectFactory


def test_normalise_email_strips_and_lowers_and_takes_none():
    assert normalise_email("  Ivan.Ivanov@Example.COM ") == "ivan.ivanov@example.com"
    assert normalise_email(None) == ""
    assert normalise_email("") == ""


@pytest.mark.django_db
def test_subject_for_email_finds_the_encrypted_address_however_it_is_typed():
    person = DataSubjectFactory()
    ContactPointFactory(subject=person, value="ivan.ivanov@example.com")
    ContactPointFactory(subject=person, kind="phone", value="+359 888 123 456", is_primary=True)

    assert subject_for_email(" Ivan.Ivanov@Example.com ") == person
    assert subject_for_email("nobody@example.com") is None
    assert subject_for_email("") is None
    # A telephone number is not an e-mail address.
    assert subject_for_email("+359 888 123 456") is None


@pytest.mark.django_db
def test_subject_for_email_is_the_oldest_record_when_two_hold_the_address():
    older, newer = DataSubjectFactory(), DataSubjectFactory()
    # The newer record's contact point was recorded first: the answer is still the older record.
    ContactPointFactory(subject=newer, value="shared@example.com")
    ContactPointFactory(subject=older, value="shared@example.com")

    assert subject_for_email("shared@example.com") == older


@pytest.mark.django_db
def test_many_addresses_at_once_give_the_same_answer_as_one_by_one():
    older, newer, other = DataSubjectFactory(), DataSubjectFactory(), DataSubjectFactory()
    ContactPointFactory(subject=newer, value="shared@example.com")
    ContactPointFactory(subject=older, value="shared@example.com", is_primary=False)
    ContactPointFactory(subject=other, value="other@example.com")
    emails = ["Shared@Example.com", "other@example.com", "nobody@example.com", ""]

    found = subject_ids_for_emails(emails)

    assert found == {"shared@example.com": older.pk, "other@example.com": other.pk}
    for email in emails:
        person = subject_for_email(email)
        assert found.get(normalise_email(email)) == (person.pk if person else None)
