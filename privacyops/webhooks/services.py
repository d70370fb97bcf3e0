"""Webhooks out: publish an event to the endpoints that want it, deliver it signed, retry.

`publish` writes the event and one delivery per endpoint in the caller's transaction (so a
rolled-back erasure tells nobody) and sends the first attempt on commit. A failed attempt is
retried with back-off (backoff.py) by the every-minute job `webhooks.deliver_due`, for up to
three days; Legal can redeliver by hand at any time.
"""

import base64
import datetime
import json
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import backoff, sender
from .models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def endpoint_url_check(url: str) -> None:
    """HTTPS only; plain http only to this machine when WEBHOOKS_ALLOW_LOCAL_HTTP (DEBUG, tests)."""
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return
    if (
        parts.scheme == "http"
        and parts.hostname in LOCAL_HOSTS
        and getattr(settings, "WEBHOOKS_ALLOW_LOCAL_HTTP", settings.DEBUG)
    ):
        return
    raise ValidationError({"url": _("A webhook address must start with https://.")})


@transaction.atomic
def endpoint_create(
    *,
    name: str,
    url: str,
    vendor=None,
    recipient=None,
    event_types=(),
    sends_email_address: bool = False,
    is_active: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint with a new signing secret: (endpoint, secret). Give the secret to the
    recipient; it is stored encrypted and not shown again."""
    endpoint_url_check(url)
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        name=name,
        url=url,
        vendor=vendor,
        recipient=recipient,
        event_types=list(event_types),
        sends_email_address=sends_email_address,
        is_active=is_active,
        secret=secret,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """A new secret at once (the old one stops signing): give it to the recipient."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def endpoints_for(event_type: str) -> list[WebhookEndpoint]:
    active = WebhookEndpoint.objects.filter(is_active=True).select_related("vendor")
    return [endpoint for endpoint in active if endpoint.wants(event_type)]


def publish(
    *,
    event_type: str,
    subject=None,
    identifiers: dict | None = None,
    reference: str = "",
    details: dict | None = None,
) -> WebhookEvent | None:
    """Tell every active endpoint that wants `event_type`; None when no endpoint does.

    `identifiers`: what the recipients already hold to find the person (the CRM's ids,
    "emails" for the endpoints allowed to receive it). Call it inside the service's transaction:
    the deliveries start when it commits.
    """
    endpoints = endpoints_for(event_type)
    if not endpoints:
        return None
    event = WebhookEvent.objects.create(
        event_id=f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        subject=subject,
        reference=reference,
        identifiers=identifiers or {},
        details=details or {},
    )
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now)
        for endpoint in endpoints
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _dispatch(ids))
    return event


def _dispatch(ids) -> None:
    from .tasks import webhook_deliver

    for pk in ids:
        webhook_deliver.delay(pk)


def body_of(delivery: WebhookDelivery) -> str:
    """The JSON the endpoint receives (Standard Webhooks shape: type, timestamp, data)."""
    event = delivery.event
    identifiers = dict(event.identifiers or {})
    if not delivery.endpoint.sends_email_address:
        identifiers.pop("emails", None)
    data = {"event_id": event.event_id, **identifiers, **(event.details or {})}
    if event.reference:
        data["reference"] = event.reference
    return json.dumps(
        {
            "type": event.event_type,
            "timestamp": event.occurred_at.isoformat(),
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _claim(delivery_id: int, *, manual: bool):
    """Take a due delivery for one attempt (a short lease), or None: not due, or taken."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        due = delivery.status == WebhookDelivery.Status.PENDING and (
            delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        )
        if not (due or manual):
            return None
        if delivery.status == WebhookDelivery.Status.PENDING:
            # The lease: no other worker takes it until this attempt must have ended.
            lease = datetime.timedelta(seconds=2 * settings.WEBHOOKS_TIMEOUT_SECONDS + 30)
            delivery.next_attempt_at = now + lease
            delivery.save(update_fields=["next_attempt_at"])
        return delivery


def delivery_attempt(*, delivery_id: int, manual: bool = False) -> WebhookDelivery | None:
    """One signed POST of a delivery that is due (or any, `manual`); logs the answer.

    None when it is not due or another worker has it. No transaction is open during the POST:
    the delivery is claimed with a short lease first, and the answer recorded afterwards.
    """
    delivery = _claim(delivery_id, manual=manual)
    if delivery is None:
        return None
    at = timezone.now()
    answer = sender.post(
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        message_id=delivery.event.event_id,
        body=body_of(delivery),
        at=at,
        timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
    )
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=at,
            status_code=answer.status_code,
            error=answer.error[:200],
            manual=manual,
        )
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or at
        delivery.last_status_code = answer.status_code
        if answer.acknowledged:
            delivery.status = WebhookDelivery.Status.ACKNOWLEDGED
            delivery.acknowledged_at = delivery.acknowledged_at or timezone.now()
            delivery.next_attempt_at = None
        elif delivery.status == WebhookDelivery.Status.PENDING:
            failures = delivery.attempt_log.filter(manual=False).exclude(
                status_code__range=(200, 299)
            )
            following = backoff.next_attempt_at(
                first_attempt_at=delivery.first_attempt_at,
                failed_at=timezone.now(),
                failures=max(failures.count(), 1),
            )
            if following is None:
                delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = following
        delivery.save()
    return delivery


def deliveries_due(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.WEBHOOKS_BATCH_SIZE]
    )


def deliveries_due_send(*, worker: str = "") -> dict:
    """The every-minute job: attempt each delivery whose next attempt is due."""
    from privacyops.core import services as core

    ids = deliveries_due()
    run = core.job_run_start(job="webhooks.deliver_due", total=len(ids), worker=worker)
    acknowledged = failed = 0
    for done, pk in enumerate(ids, start=1):
        delivery = delivery_attempt(delivery_id=pk)
        if delivery is not None and delivery.status == WebhookDelivery.Status.ACKNOWLEDGED:
            acknowledged += 1
        elif delivery is not None and delivery.status == WebhookDelivery.Status.FAILED:
            failed += 1
        core.job_run_progress(run=run, done=done)
    summary = {"attempted": len(ids), "acknowledged": acknowledged, "failed": failed}
    core.job_run_finish(run=run, summary=summary)
    return summary


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send again now, whatever its state (Legal's manual redeliver); a failed delivery that
    is acknowledged now counts as acknowledged."""
    if not delivery.endpoint.is_active:
        raise ValidationError(_("The endpoint is not active."))
    done = delivery_attempt(delivery_id=delivery.pk, manual=True)
    if done is None:
        raise ValidationError(_("This delivery is being sent right now; try again shortly."))
    return done
