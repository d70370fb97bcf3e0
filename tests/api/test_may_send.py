"""POST /api/v1/may-send/: one address or up to 1,000, in a constant number of queries."""

import pytest

from privacyops.marketing import services as marketing
from tests.api.conftest import post
from tests.factories import ContactPointFactory, DataSubjectFactory
from tests.marketing.conftest import subscribe

pytestmark = pytest.mark.django_db
URL = "/api/v1/may-send/"


@pytest.fixture
def subscribers(db):
    ana = DataSubjectFactory()
    ContactPointFactory(subject=ana, value="ana@example.com")
    subscribe(ana, "newsletter")
    bob = DataSubjectFactory()
    ContactPointFactory(subject=bob, value="bob@example.com")
    subscribe(bob, "newsletter")
    marketing.subscription_unsubscribe(subject=bob, channel="newsletter")


def test_one_address(client, crm, subscribers):
    _, key = crm
    response = post(client, URL, {"kind": "newsletter", "email": "Ana@Example.com"}, key)
    assert response.json() == {
        "kind": "newsletter",
        "results": [{"email": "Ana@Example.com", "may_send": True}],
    }


def test_many_addresses_follow_may_send(client, crm, subscribers):
    _, key = crm
    emails = ["ana@example.com", "bob@example.com", "nobody@example.com", "", "x"]
    response = post(client, URL, {"kind": "newsletter", "emails": emails}, key)
    answers = {r["email"]: r["may_send"] for r in response.json()["results"]}
    assert answers == {e: marketing.may_send(e, "newsletter") for e in emails}
    assert answers["ana@example.com"] and not answers["bob@example.com"]
    transactional = post(client, URL, {"kind": "transactional", "emails": emails}, key)
    assert all(r["may_send"] for r in transactional.json()["results"])


def test_a_thousand_addresses_take_the_queries_of_one(
    client, crm, subscribers, django_assert_num_queries
):
    _, key = crm
    one = {"kind": "newsletter", "email": "ana@example.com"}
    many = {
        "kind": "newsletter",
        "emails": ["ana@example.com"] + [f"p{n}@example.com" for n in range(999)],
    }
    post(client, URL, one, key)  # warm: the throttle's cache, the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as single:
        assert post(client, URL, one, key).status_code == 200
    with django_assert_num_queries(len(single)):
        response = post(client, URL, many, key)
    assert response.status_code == 200
    assert sum(r["may_send"] for r in response.json()["results"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "carrier pigeon", "email": "a@example.com"},
        {"kind": "newsletter"},
        {"kind": "newsletter", "email": "a@example.com", "emails": ["b@example.com"]},
        {"kind": "newsletter", "emails": [f"p{n}@example.com" for n in range(1001)]},
        {"kind": "newsletter", "emails": [{"a": 1}]},
    ],
)
def test_bad_questions_get_400_with_the_field(client, crm, body):
    _, key = crm
    response = post(client, URL, body, key)
    assert response.status_code == 400
    assert response.json()["fields"]
