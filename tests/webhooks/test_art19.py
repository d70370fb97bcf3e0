"""GDPR Art. 19 through webhooks: a recipient with an endpoint is notified by a signed event,
and its notice is ticked off only when the endpoint acknowledges (2xx); until then it keeps
blocking the request's completion. Also end to end with a real Celery worker."""

import re

import pytest
from standardwebhooks import Webhook

from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import RecipientNotification, RequestEvent, RequestType
from privacyops.dsr.services.errors import CompletionBlocked
from privacyops.dsr.services.recipients import (
    categories_held,
    recipient_acknowledgements_collect,
    recipients_of,
)
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import WebhookDelivery, WebhookEvent
from tests.conftest import start_worker
from tests.dsr.factories import in_progress
from tests.factories import ContactPointFactory, UserFactory
from tests.webhooks.factories import endpoint
from tests.webhooks.test_delivery import later

Kind = RequestEvent.Kind


def restriction_with_a_webhook_recipient(receiver_url: str):
    """A restriction request whose subject the CRM knows as C-77, one recipient of its data
    with an endpoint; the request is restricted, its notices created and the webhook queued."""
    legal = UserFactory(username="legal-art19")
    point = ContactPointFactory(value="art19@example.com")
    subject = point.subject
    subject.external_source, subject.external_id = "CRM", "C-77"
    subject.save()
    recipients = sorted(recipients_of(categories_held(subject)), key=lambda r: r.pk)
    assert len(recipients) >= 2, "the seeded record names several recipients of this data"
    by_webhook, *by_hand = recipients
    _, secret = endpoint(name="Processor hook", url=receiver_url, recipient=by_webhook)
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=point.value)
    services.subject_restrict(request=request, by=legal, note="Accuracy contested")
    for notice in request.recipient_notifications.exclude(recipient=by_webhook):
        services.recipient_notification_mark(
            notification=notice, status="sent", note="By letter.", by=legal
        )
    services.request_transition(request=request, to=State.AWAITING_APPROVAL, by=legal)
    notice = request.recipient_notifications.get(recipient=by_webhook)
    return request, notice, secret, legal


def complete(request, legal):
    return services.request_transition(request=request, to=State.COMPLETED, by=legal)


@pytest.mark.django_db
def test_the_notice_blocks_completion_until_the_endpoint_acknowledges(receiver):
    request, notice, secret, legal = restriction_with_a_webhook_recipient(receiver.url)
    receiver.answers = [500, 200]
    event = WebhookEvent.objects.get(reference=request.reference)
    delivery = event.deliveries.get()
    assert event.event_type == "processing.restricted"

    with pytest.raises(CompletionBlocked, match="Waiting for the webhook endpoint"):
        complete(request, legal)  # not sent yet

    services_delivery = webhooks.delivery_attempt(delivery_id=delivery.pk)
    assert services_delivery.last_status_code == 500
    with pytest.raises(CompletionBlocked, match=re.escape(notice.recipient.name)):
        complete(request, legal)  # answered 500: not acknowledged
    notice.refresh_from_db()
    assert notice.status == RecipientNotification.Status.PENDING

    with later(services_delivery):
        webhooks.delivery_attempt(delivery_id=delivery.pk)
    payload = Webhook(secret).verify(
        receiver.received[-1]["body"], receiver.received[-1]["headers"]
    )
    assert payload["data"]["external_ids"] == {"CRM": "C-77"}
    assert "emails" not in payload["data"] and "art19" not in receiver.received[-1]["body"].decode()

    completed = complete(request, legal)

    assert completed.state == State.COMPLETED
    notice.refresh_from_db()
    assert notice.status == RecipientNotification.Status.SENT
    assert "Processor hook" in notice.note and "HTTP 200" in notice.note
    assert notice.decided_by is None
    ticked = request.events.filter(kind=Kind.RECIPIENT_NOTIFIED, data__webhook_event=event.event_id)
    assert ticked.count() == 1


@pytest.mark.django_db
def test_the_every_minute_job_ticks_acknowledged_notices_off(receiver):
    request, notice, _, _ = restriction_with_a_webhook_recipient(receiver.url)
    webhooks.delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert recipient_acknowledgements_collect() == 1
    assert recipient_acknowledgements_collect() == 0  # once
    notice.refresh_from_db()
    assert notice.status == RecipientNotification.Status.SENT


@pytest.mark.worker
def test_art19_completion_waits_for_the_acknowledgement_on_a_real_worker(
    transactional_db, reference_data, receiver, tmp_path
):
    worker = start_worker(tmp_path, env={"WEBHOOKS_TIMEOUT_SECONDS": "60"})
    try:
        receiver.answers = ["hold"]  # the endpoint takes its time, then answers 200
        request, notice, secret, legal = restriction_with_a_webhook_recipient(receiver.url)
        delivery = WebhookDelivery.objects.get(event__reference=request.reference)

        worker.wait_for(receiver.holding.is_set, what="the worker's POST to the endpoint")
        with pytest.raises(CompletionBlocked, match="Waiting for the webhook endpoint"):
            complete(request, legal)
        receiver.release.set()

        def acknowledged():
            delivery.refresh_from_db()
            return delivery.status == WebhookDelivery.Status.ACKNOWLEDGED

        worker.wait_for(acknowledged, what="the acknowledgement")
        [call] = receiver.received
        Webhook(secret).verify(call["body"], call["headers"])

        assert complete(request, legal).state == State.COMPLETED
        notice.refresh_from_db()
        assert notice.status == RecipientNotification.Status.SENT
    finally:
        worker.stop()
