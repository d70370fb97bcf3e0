"""A subject's page asks whether the person has rows elsewhere in the subject's own query, and
makes no query for a table where there are none; what there is, it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacyops.subjects.models import AccountContact, CustomerDataset
from privacyops.subjects.services import data_subject_update
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = (
    "subjects_contactpoint",
    "subjects_accountcontact",
    "subjects_personaldatachange",
    "subjects_account",
    "subjects_customerdataset",
)


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def _page(client, subject):
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _reading(sql: list[str], table: str) -> list[str]:
    """The queries of `table` other than the subject's own (which asks whether it has rows)."""
    own = 'SELECT "subjects_datasubject"'
    return [q for q in sql if f'"{table}"' in q and not q.startswith(own)]


def _field(page: str, name: str) -> str:
    begin = page.index(f'class="form-row field-{name}"')
    return page[begin : page.index('<div class="form-row', begin + 1)]


def test_someone_with_nothing_elsewhere_gets_the_page_without_those_queries(legal_client):
    subject = DataSubjectFactory()
    page, sql = _page(legal_client, subject)
    for table in ELSEWHERE:
        assert _reading(sql, table) == [], table  # only inside the subject's own query
    assert any("EXISTS" in q.upper() and '"subjects_contactpoint"' in q for q in sql)
    # The page is whole: each list is there, empty, with its "Add another" template.
    for prefix in ("contact_points", "account_contacts", "personal_data_changes"):
        assert f'name="{prefix}-TOTAL_FORMS" value="0"' in page
    for prefix in ("contact_points", "account_contacts"):
        assert f"{prefix}-__prefix__" in page
    assert '<div class="readonly">—</div>' in _field(page, "licenses_held")
    assert '<div class="readonly">—</div>' in _field(page, "datasets")


def test_what_someone_has_elsewhere_is_on_the_page(legal_client, legal):
    subject = DataSubjectFactory(full_name="Ana Petrova")
    ContactPointFactory(subject=subject, value="ana@example.com")
    holder_of = AccountFactory(company_name="Acme", account_number="ACC-77777")
    holder_of.license_holder = subject
    holder_of.save()
    AccountContact.objects.create(account=holder_of, subject=subject, role="billing")
    dataset = CustomerDataset.objects.create(
        account=holder_of, name="CRM export", contents="contacts", location="eu-west"
    )
    dataset.subjects.add(subject)
    data_subject_update(subject=subject, changes={"full_name": "Ana Georgieva"}, by=legal)

    page, sql = _page(legal_client, subject)

    for table in ELSEWHERE:
        assert _reading(sql, table), table
    assert 'value="ana@example.com"' in page
    assert 'name="contact_points-TOTAL_FORMS" value="1"' in page
    assert 'name="account_contacts-TOTAL_FORMS" value="1"' in page
    assert 'name="personal_data_changes-TOTAL_FORMS" value="1"' in page
    assert "Acme (ACC-77777)" in _field(page, "licenses_held")
    assert "CRM export" in _field(page, "datasets")


def test_a_save_reads_the_rows_it_changes(legal_client):
    # A POST reads the subject and its rows afresh (the page's EXISTS may be out of date).
    subject = DataSubjectFactory()
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])
    with CaptureQueriesContext(connection) as queries:
        legal_client.post(url, {"kind": subject.kind})
    sql = [q["sql"] for q in queries]
    assert _reading(sql, "subjects_contactpoint")
    assert not any("EXISTS" in q.upper() and '"subjects_contactpoint"' in q for q in sql)
