"""Keys, scopes, rate and size limits, the call log: every refusal before anything is written."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from privacyops.api import services
from privacyops.api.models import ApiCall, ApiKey, ReceivedEvent, Scope
from privacyops.subjects.models import ActivityEvent
from tests.api.conftest import ALL_SCOPES, post
from tests.api.factories import api_client

pytestmark = pytest.mark.django_db

EVENT = {"event_id": "e-1", "occurred_at": "2026-01-05T10:00:00Z", "ip": "192.0.2.7"}
ENDPOINTS = {
    "/api/v1/events/": (Scope.EVENTS_WRITE, {"events": [EVENT]}),
    "/api/v1/may-send/": (Scope.MAY_SEND_READ, {"kind": "newsletter", "email": "a@example.com"}),
    "/api/v1/requests/": (
        Scope.REQUESTS_WRITE,
        {"request_type": "access", "name": "Ana", "email": "ana@example.com"},
    ),
}


def nothing_written():
    return not ActivityEvent.objects.exists() and not ReceivedEvent.objects.exists()


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_a_key_without_the_endpoints_scope_gets_403(client, url):
    scope, body = ENDPOINTS[url]
    _, key = api_client(name="Other", scopes=[s for s in ALL_SCOPES if s != scope])

    response = post(client, url, body, key)

    assert response.status_code == 403
    assert scope in response.json()["detail"]
    assert nothing_written()


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_the_endpoints_scope_is_enough(client, url, mailoutbox):
    scope, body = ENDPOINTS[url]
    _, key = api_client(name="Only", scopes=[scope])
    assert post(client, url, body, key).status_code in {200, 201}


@pytest.mark.parametrize("header", [None, "Api-Key nope.nope", "Bearer x", "Api-Key "])
def test_no_key_or_an_unknown_key_gets_401(client, crm, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(
        "/api/v1/events/",
        json.dumps({"events": [EVENT]}),
        content_type="application/json",
        **extra,
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"] in {"not_authenticated", "authentication_failed"}
    assert nothing_written()


def test_a_revoked_key_gets_401(client, crm):
    api, key = crm
    assert services.api_keys_revoke(client=api) == 1
    assert post(client, "/api/v1/events/", {"events": [EVENT]}, key).status_code == 401
    assert nothing_written()


def test_an_inactive_client_gets_401(client, crm):
    api, key = crm
    api.is_active = False
    api.save()
    assert post(client, "/api/v1/events/", {"events": [EVENT]}, key).status_code == 401


def test_rotation_keeps_the_old_key_for_the_overlap_then_refuses_it(client, crm):
    api, old = crm
    _, new, ends = services.api_key_rotate(client=api, overlap=datetime.timedelta(hours=1))
    body = {"kind": "newsletter", "email": "a@example.com"}

    assert post(client, "/api/v1/may-send/", body, old).status_code == 200
    assert post(client, "/api/v1/may-send/", body, new).status_code == 200

    ApiKey.objects.filter(client=api, expiry_date=ends).update(
        expiry_date=ends - datetime.timedelta(hours=2)
    )
    assert post(client, "/api/v1/may-send/", body, old).status_code == 401
    assert post(client, "/api/v1/may-send/", body, new).status_code == 200


def test_keys_are_stored_hashed(crm):
    _, key = crm
    stored = ApiKey.objects.get()
    assert key.split(".")[1] not in f"{stored.pk}{stored.hashed_key}{stored.prefix}"
    assert stored.hashed_key.startswith("sha512$$")


def test_over_the_clients_rate_limit_gets_429_with_retry_after(client):
    _, key = api_client(name="Slow", scopes=["may-send:read"], requests_per_minute=2)
    body = {"kind": "newsletter", "email": "a@example.com"}
    assert [post(client, "/api/v1/may-send/", body, key).status_code for _ in range(2)] == [
        200,
        200,
    ]
    response = post(client, "/api/v1/may-send/", body, key)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another client has its own count.
    _, other = api_client(name="Other", scopes=["may-send:read"])
    assert post(client, "/api/v1/may-send/", body, other).status_code == 200


@override_settings(API_EVENTS_MAX_BODY_BYTES=2000)
def test_an_oversized_body_gets_413_and_writes_nothing(client, crm):
    _, key = crm
    events = [{**EVENT, "event_id": f"e-{i}", "page": "/x" * 50} for i in range(30)]
    response = post(client, "/api/v1/events/", {"events": events}, key)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert nothing_written()


@override_settings(API_EVENTS_MAX_BODY_BYTES=2000)
def test_a_body_longer_than_it_says_is_still_cut_at_the_limit(client, crm):
    _, key = crm
    body = json.dumps({"events": [{**EVENT, "page": "/x" * 2000}]}).encode()
    from privacyops.api.parsers import LimitedJSONParser, RequestTooLarge

    class View:
        max_body_bytes = 2000

    with pytest.raises(RequestTooLarge):
        LimitedJSONParser().parse(io.BytesIO(body), parser_context={"view": View()})


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"events"',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"events": ' + b"9" * 5000 + b"}",
        b'{"events": "all of them"}',
        b'{"events": [{"event_id": {"$gt": ""}, "occurred_at": "2026-01-01"}]}',
        b"\xff\xfe",
        b'{"events": []}',
    ],
)
def test_hostile_bodies_get_400_and_write_nothing(client, crm, body):
    _, key = crm
    response = client.post(
        "/api/v1/events/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {key}",
    )
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"] in {"invalid", "parse_error"}
    assert nothing_written()


def test_every_call_is_logged_with_counts_never_values(client, crm):
    api, key = crm
    post(client, "/api/v1/may-send/", {"kind": "newsletter", "emails": ["x@example.com"] * 3}, key)
    post(client, "/api/v1/events/", {"events": [EVENT]}, "wrong.key")

    logged, refused = ApiCall.objects.order_by("pk")
    assert (logged.client, logged.endpoint, logged.records, logged.status_code) == (
        api,
        "may-send",
        3,
        200,
    )
    assert (refused.client, refused.status_code, refused.key_prefix) == (None, 401, "wrong")
    for call in (logged, refused):
        values = " ".join(str(getattr(call, f.attname)) for f in ApiCall._meta.fields)
        assert "example.com" not in values and key not in values


def test_api_client_create_prints_the_key_once(client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_client_create",
        "Sites",
        "--scopes",
        "requests:write",
        "may-send:read",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    assert "." in key and key not in err.getvalue()
    body = {"kind": "legal", "email": "a@example.com"}
    assert post(client, "/api/v1/may-send/", body, key).status_code == 200
    assert post(client, "/api/v1/events/", {"events": [EVENT]}, key).status_code == 403


def test_api_client_create_refuses_an_unknown_scope():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_client_create", "X", "--scopes", "everything")
