"""Webhooks out against a real receiver on 127.0.0.1: signed (checked with the Standard
Webhooks verifier), retried after a 500 and after a timeout, given up after three days,
redelivered by hand."""

import datetime
import json
import re
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from standardwebhooks import Webhook

from privacyops.core.roles import AUDITOR, LEGAL
from privacyops.webhooks import backoff, services
from privacyops.webhooks.models import EventType, WebhookDelivery
from tests.factories import DataSubjectFactory, UserFactory
from tests.webhooks.factories import endpoint

pytestmark = pytest.mark.django_db
IDENTIFIERS = {"external_ids": {"CRM": "C-1001"}, "emails": ["ada@example.com"]}


def erased_event(**kwargs):
    return services.publish(
        event_type=EventType.SUBJECT_ERASED,
        subject=DataSubjectFactory(),
        identifiers=IDENTIFIERS,
        reference="R-2026-0001",
        **kwargs,
    )


def later(delivery: WebhookDelivery, seconds: float = 1):
    """The clock just after the delivery's next attempt is due."""
    delivery.refresh_from_db()
    moment = delivery.next_attempt_at + datetime.timedelta(seconds=seconds)
    return mock.patch("privacyops.webhooks.services.timezone.now", return_value=moment)


def test_the_receiver_verifies_the_signature_and_gets_only_identifiers_it_holds(receiver):
    _, secret = endpoint(name="Vendor", url=receiver.url)
    event = erased_event()
    delivery = event.deliveries.get()

    done = services.delivery_attempt(delivery_id=delivery.pk)

    assert done.status == WebhookDelivery.Status.ACKNOWLEDGED
    [call] = receiver.received
    payload = Webhook(secret).verify(call["body"], call["headers"])
    assert call["headers"]["webhook-id"] == event.event_id
    assert payload["type"] == "subject.erased"
    assert payload["data"] == {
        "event_id": event.event_id,
        "external_ids": {"CRM": "C-1001"},
        "reference": "R-2026-0001",
    }  # no e-mail address: this endpoint does not hold them
    assert datetime.datetime.fromisoformat(payload["timestamp"]) == event.occurred_at
    with pytest.raises(Exception, match="signature"):
        Webhook(services.secret_new()).verify(call["body"], call["headers"])


def test_the_address_goes_only_to_an_endpoint_that_holds_addresses(receiver):
    _, secret = endpoint(name="Mail platform", url=receiver.url, sends_email_address=True)
    delivery = erased_event().deliveries.get()

    services.delivery_attempt(delivery_id=delivery.pk)

    [call] = receiver.received
    assert Webhook(secret).verify(call["body"], call["headers"])["data"]["emails"] == [
        "ada@example.com"
    ]


def test_a_500_then_a_200_is_the_retry(receiver):
    endpoint(name="Vendor", url=receiver.url)
    receiver.answers = [500, 200]
    delivery = erased_event().deliveries.get()

    first = services.delivery_attempt(delivery_id=delivery.pk)
    assert (first.status, first.last_status_code, first.attempts) == ("pending", 500, 1)
    assert first.next_attempt_at - first.first_attempt_at == pytest.approx(
        backoff.BASE, abs=datetime.timedelta(seconds=2)
    )
    assert services.delivery_attempt(delivery_id=delivery.pk) is None  # not due yet
    assert services.deliveries_due() == []

    with later(first):
        assert services.deliveries_due() == [delivery.pk]
        summary = services.deliveries_due_send()

    assert summary == {"attempted": 1, "acknowledged": 1, "failed": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "acknowledged",
        2,
        200,
    )
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    assert len(receiver.received) == 2
    assert (
        receiver.received[0]["headers"]["webhook-id"]
        == receiver.received[1]["headers"]["webhook-id"]
    )  # the same event: the receiver can tell a retry from a new one


def test_a_timeout_is_retried(receiver, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    endpoint(name="Slow vendor", url=receiver.url)
    receiver.answers = ["hang", 204]
    delivery = erased_event().deliveries.get()

    first = services.delivery_attempt(delivery_id=delivery.pk)
    assert (first.status, first.last_status_code) == ("pending", None)
    assert "No answer" in first.attempt_log.get().error
    with later(first):
        second = services.delivery_attempt(delivery_id=delivery.pk)
    assert (second.status, second.last_status_code) == ("acknowledged", 204)


def test_back_off_doubles_and_stops_three_days_after_the_first_attempt():
    waits = backoff.schedule(200)
    assert waits[:4] == [backoff.BASE * n for n in (1, 2, 4, 8)]
    assert max(waits) == backoff.MAX_DELAY
    assert sum(waits, datetime.timedelta()) == datetime.timedelta(days=3)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert (
        backoff.next_attempt_at(
            first_attempt_at=start, failed_at=start + datetime.timedelta(days=3), failures=30
        )
        is None
    )


def test_a_delivery_failing_for_three_days_fails_for_good(receiver):
    endpoint(name="Gone vendor", url=receiver.url)
    receiver.answers = [503] * 50
    delivery = erased_event().deliveries.get()
    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    three_days = delivery.first_attempt_at + backoff.GIVE_UP_AFTER

    attempts = 1
    while delivery.status == "pending":
        assert delivery.next_attempt_at <= three_days
        with later(delivery, seconds=0):
            services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        attempts += 1
        assert attempts < 40

    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts == attempts == len(backoff.schedule(200)) + 1


def test_legal_redelivers_by_hand_and_the_auditor_may_not(client, receiver):
    endpoint(name="Vendor", url=receiver.url)
    delivery = erased_event().deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    url = "/admin/webhooks/webhookdelivery/"
    form = {"action": "redeliver", ACTION_CHECKBOX_NAME: [delivery.pk], "index": 0}

    client.force_login(UserFactory(username="auditor-hooks", role=AUDITOR))
    client.post(url, form)
    assert receiver.received == []

    client.force_login(UserFactory(username="legal-hooks", role=LEGAL))
    response = client.post(url, form, follow=True)

    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "acknowledged"
    assert delivery.attempt_log.get().manual is True
    assert len(receiver.received) == 1
    page = client.get(f"{url}{delivery.pk}/change/").content.decode()
    assert "200" in page and "3 days" in page  # the answer and the retry schedule


def test_legal_creates_an_endpoint_and_sees_its_secret_once(client):
    client.force_login(UserFactory(username="legal-endpoint", role=LEGAL))

    response = client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"name": "CRM", "url": "https://crm.example.com/hooks", "is_active": "on"},
    )

    assert response.status_code == 200
    [secret] = re.findall(r"<code>(whsec_[^<]+)</code>", response.content.decode())
    created = services.WebhookEndpoint.objects.get()
    assert created.secret == secret
    page = client.get(f"/admin/webhooks/webhookendpoint/{created.pk}/change/").content.decode()
    assert secret not in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint")
        [(stored,)] = cursor.fetchall()
    assert secret not in stored  # encrypted at rest


def test_only_https_outside_development(settings):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = False
    with pytest.raises(ValidationError):
        services.endpoint_url_check("http://127.0.0.1:8000/hook")
    with pytest.raises(ValidationError):
        services.endpoint_url_check("http://vendor.example.com/hook")
    services.endpoint_url_check("https://vendor.example.com/hook")
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = True
    services.endpoint_url_check("http://127.0.0.1:8000/hook")
    with pytest.raises(ValidationError):
        services.endpoint_url_check("http://vendor.example.com/hook")


def test_an_event_only_endpoints_want_and_none_without_endpoints():
    assert erased_event() is None
    endpoint(name="Opt-outs only", event_types=[EventType.MARKETING_OPTED_OUT])
    assert erased_event() is None
    endpoint(name="Everything")
    event = erased_event()
    assert [d.endpoint.name for d in event.deliveries.all()] == ["Everything"]
    assert json.loads(services.body_of(event.deliveries.get()))["type"] == "subject.erased"
    assert timezone.now() >= event.occurred_at


def test_the_admin_home_shows_failed_deliveries_to_legal_and_the_auditor(client):
    endpoint(name="Vendor")
    delivery = erased_event().deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    for role in (LEGAL, AUDITOR):
        client.force_login(UserFactory(username=f"home-{role[:5]}", role=role))
        page = client.get("/admin/").content.decode()
        assert "Webhooks to recipients" in page and "Failed for good" in page
