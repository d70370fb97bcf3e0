"""The one search box (core/search.py and each app's search.py): every key finds the person, the
accounts, the requests and the incidents it belongs to; e-mail and telephone only through the
blind index; role-filtered; every search in the access log with the term hashed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacyops.core import roles
from privacyops.core.search import EMAIL, NAME, NUMBER, PHONE, REFERENCE, classify, search
from privacyops.security.encryption import blind_index
from privacyops.security.models import AccessLogEntry
from privacyops.subjects.models import AccountAssignment, AccountContact
from tests.dsr.factories import submit
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory, UserFactory
from tests.incidents.factories import reported

pytestmark = pytest.mark.django_db

EMAIL_ADDRESS = "ivana.petrova@balkanlogistics.example"


@pytest.fixture
def world():
    """Ivana, license holder of Balkan Logistics, with a request and an incident she reported;
    a second account with nothing to do with her."""
    ivana = DataSubjectFactory(full_name="Ivana Petrova", login_name="ipetrova")
    ContactPointFactory(subject=ivana, value=EMAIL_ADDRESS)
    ContactPointFactory(subject=ivana, kind="phone", value="+359881234567", is_primary=True)
    account = AccountFactory(account_number="BL-1001", company_name="Balkan Logistics EOOD")
    AccountContact.objects.create(account=account, subject=ivana, role="license_holder")
    other = AccountFactory(account_number="SE-2002", company_name="Somebody Else AD")
    request = submit(requester_name="Ivana Petrova", requester_email=EMAIL_ADDRESS)
    incident = reported(reporter_email="researcher@example.org")
    return {
        "ivana": ivana,
        "account": account,
        "other": other,
        "request": request,
        "incident": incident,
    }


def found(user, term) -> dict[str, list[str]]:
    return {
        str(group.title): [hit.title for hit in group.hits]
        for group in search(user=user, term=term)
    }


def test_terms_are_classified_without_the_database():
    assert classify("PR-00012") == REFERENCE
    assert classify("inc7") == REFERENCE
    assert classify("Ana@Example.com") == EMAIL
    assert classify("+359 88 123 4567") == PHONE
    assert classify("4711") == NUMBER
    assert classify("Petrova") == NAME


def test_a_reference_finds_the_request_or_the_incident(world):
    legal = UserFactory(role=roles.LEGAL)
    request, incident = world["request"], world["incident"]
    assert found(legal, request.reference)["Privacy requests"] == [str(request)]
    assert found(legal, f"pr{request.pk}")["Privacy requests"] == [str(request)]
    assert found(legal, incident.reference) == {"Incidents": [str(incident)]}


def test_an_email_address_finds_the_person_the_account_the_request(world):
    legal = UserFactory(role=roles.LEGAL)
    result = found(legal, EMAIL_ADDRESS.upper())
    assert result["People (data subjects)"] == ["Ivana Petrova"]
    assert result["Accounts"] == [str(world["account"])]
    assert result["Privacy requests"] == [str(world["request"])]
    # The reporter's address finds the incident.
    assert found(legal, "researcher@example.org") == {"Incidents": [str(world["incident"])]}


def test_the_email_is_looked_up_on_its_keyed_hash_never_in_plain_text(world):
    legal = UserFactory(role=roles.LEGAL)
    with CaptureQueriesContext(connection) as queries:
        search(user=legal, term=EMAIL_ADDRESS)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert EMAIL_ADDRESS not in sql
    assert blind_index(EMAIL_ADDRESS) in sql


def test_a_telephone_number_finds_the_person_however_it_is_spaced(world):
    legal = UserFactory(role=roles.LEGAL)
    result = found(legal, "+359 88 123 4567")
    assert result["People (data subjects)"] == ["Ivana Petrova"]
    assert result["Accounts"] == [str(world["account"])]


def test_an_account_number_finds_the_account_and_its_incidents(world):
    from privacyops.incidents.models import AffectedData

    legal = UserFactory(role=roles.LEGAL)
    AffectedData.objects.create(
        incident=world["incident"],
        registration="subjects.activityevent",
        title="Activity",
        category="other",
        role="processor",
        account=world["account"],
        records=3,
        subjects=1,
    )
    result = found(legal, "bl-1001")
    assert result["Accounts"] == [str(world["account"])]
    assert result["Incidents"] == [str(world["incident"])]


def test_a_name_finds_the_person_and_the_requests_as_given(world):
    legal = UserFactory(role=roles.LEGAL)
    result = found(legal, "Ivana Pet")
    assert result["People (data subjects)"] == ["Ivana Petrova"]
    assert result["Privacy requests"] == [str(world["request"])]
    assert found(legal, "Balkan") == {"Accounts": [str(world["account"])]}


def test_a_representative_finds_only_their_accounts_and_never_a_request(world):
    rep = UserFactory(role=roles.ACCOUNT_REPRESENTATIVE)
    AccountAssignment.objects.create(account=world["account"], representative=rep)
    assert found(rep, "BL-1001") == {"Accounts": [str(world["account"])]}
    assert found(rep, EMAIL_ADDRESS) == {"Accounts": [str(world["account"])]}
    assert found(rep, "SE-2002") == {}
    assert found(rep, "Somebody") == {}
    assert found(rep, world["request"].reference) == {}
    assert found(rep, world["incident"].reference) == {}
    # A person of their account leads to it; a person of another account to nothing.
    assert found(rep, "Ivana") == {"Accounts": [str(world["account"])]}
    georgi = DataSubjectFactory(full_name="Georgi Other")
    ContactPointFactory(subject=georgi, value="georgi@somebody.example")
    AccountContact.objects.create(account=world["other"], subject=georgi, role="user")
    assert found(rep, "Georgi") == {}
    assert found(rep, "georgi@somebody.example") == {}


def test_an_auditor_finds_everything_read_only(world):
    auditor = UserFactory(role=roles.AUDITOR)
    assert found(auditor, EMAIL_ADDRESS)["Privacy requests"] == [str(world["request"])]


def test_the_page_searches_and_writes_the_access_log_with_the_term_hashed(client, world):
    legal = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(legal)
    page = client.get(reverse("admin:search"), {"q": EMAIL_ADDRESS})
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("admin:subjects_datasubject_change", args=[world["ivana"].pk]) in text
    assert reverse("admin:dsr_privacyrequest_change", args=[world["request"].pk]) in text
    entry = AccessLogEntry.objects.get(object_type="admin.search")
    assert entry.username == "lena"
    assert entry.detail["term"] == f"hmac:{blind_index(EMAIL_ADDRESS)[:32]}"
    assert entry.detail["results"] == 3
    assert entry.subject_id == world["ivana"].pk  # all results are about her
    logged = " ".join(
        str(value)
        for value in AccessLogEntry.objects.values_list("object_repr", "detail", "subject_repr")
    )
    assert EMAIL_ADDRESS not in logged and "ivana.petrova" not in logged


def test_the_header_has_the_search_box_and_nothing_found_says_so(client, world):
    client.force_login(UserFactory(role=roles.ACCOUNT_REPRESENTATIVE))
    page = client.get(reverse("admin:search"), {"q": world["request"].reference})
    text = page.content.decode()
    assert 'id="po-search-q"' in text
    assert "Nothing found that you may see." in text
    assert world["request"].reference not in text.split('id="content-main"', 1)[1]
    assert AccessLogEntry.objects.filter(object_type="admin.search").count() == 1
