"""A subscription's address is ciphertext at rest, found through its keyed hash, masked in the
history and in every text that names the subscription."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacyops.core import roles
from privacyops.marketing import services
from privacyops.marketing.models import Subscription, SubscriptionEvent
from privacyops.security.encryption import blind_index
from tests.factories import UserFactory

from .conftest import subscribe

pytestmark = pytest.mark.django_db


def _raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return json.dumps(cursor.fetchall(), default=str)


def test_the_address_is_ciphertext_in_the_table_and_its_hash_is_kept(ana):
    subscription = subscribe(ana, "newsletter")
    services.subscription_unsubscribe(subject=ana, channel="newsletter")

    assert "ana@example.com" not in _raw("SELECT * FROM marketing_subscription")
    assert "ana@example.com" not in _raw("SELECT * FROM marketing_subscriptionevent")
    subscription.refresh_from_db()
    assert subscription.email == "ana@example.com"
    assert subscription.email_index == blind_index("ana@example.com")


def test_the_history_and_the_name_of_a_subscription_show_the_address_masked(ana):
    subscription = subscribe(ana, "newsletter")
    services.subscription_unsubscribe(subject=ana, channel="newsletter")

    for event in SubscriptionEvent.objects.filter(subscription=subscription):
        for side in ("before", "after"):
            if side in event.detail:
                assert event.detail[side]["email"] == "a••@example.com"
    assert str(subscription).startswith("a••@example.com: Newsletter")
    assert "ana@example.com" not in str(subscription)


def test_may_send_is_one_query_on_the_keyed_hash(ana):
    subscribe(ana, "newsletter")
    with CaptureQueriesContext(connection) as queries:
        assert services.may_send(" ANA@example.com ", "newsletter")
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert '"email_index" IN' in sql
    assert blind_index("ana@example.com") in sql
    assert "ana@example.com" not in sql.lower()


def test_the_same_consent_recorded_again_is_still_recognised(ana):
    subscribe(ana, "newsletter")
    _, outcome = services.subscription_opt_in(
        subject=ana,
        email="Ana@Example.com",
        channel="newsletter",
        consented_at=Subscription.objects.get().consented_at,
        source="web_form",
        form="https://www.infoserv.eu/newsletter",
        ip="203.0.113.7",
    )
    assert outcome == "unchanged"


def test_the_admin_finds_subscriptions_and_their_history_by_the_exact_address(client, ana):
    subscribe(ana, "newsletter")
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    for name in (
        "admin:marketing_subscription_changelist",
        "admin:marketing_subscriptionevent_changelist",
    ):
        found = client.get(reverse(name), {"q": "Ana@Example.com"})
        assert found.status_code == 200
        assert found.context["cl"].result_count >= 1
        nothing = client.get(reverse(name), {"q": "other@example.com"})
        assert nothing.context["cl"].result_count == 0


def test_the_unsubscribe_page_lists_an_address_once_for_all_its_channels(client, ana_subscribed):
    from privacyops.marketing.tokens import unsubscribe_token

    page = client.get(
        reverse("marketing:unsubscribe", args=[unsubscribe_token(subject=ana_subscribed)])
    ).content.decode()
    assert page.count("a••@example.com") == 1
