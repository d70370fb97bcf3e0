"""The public pages: the request form and the confirmation link."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import PrivacyRequest

pytestmark = pytest.mark.django_db
URL = "/privacy/request/"
GOOD = {
    "request_type": "access",
    "name": "Ana Petrova",
    "email": "ana@example.com",
    "details": "Everything you hold about me.",
    "age": "18_plus",  # the age question (children: tests/dsr/test_children.py)
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def confirm_path(message) -> str:
    link = next(line.strip() for line in message.body.splitlines() if "/confirm/" in line)
    return link[link.index("/privacy/") :]


def test_get_shows_the_form_with_csrf(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b"Erasure" in response.content


def test_post_submits_answers_at_once_and_sends_a_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, GOOD)
    assert response.status_code == 200
    assert b"check your e-mail" in response.content
    request = PrivacyRequest.objects.get()
    assert request.state == State.AWAITING_IDENTITY and request.channel == "web"
    assert mail.outbox[0].to == ["ana@example.com"]
    assert confirm_path(mail.outbox[0]).startswith("/privacy/request/confirm/")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("email", "not-an-address", b"valid email"),
        ("name", "", b"This field is required"),
        ("request_type", "world_domination", b"Select a valid choice"),
    ],
)
def test_bad_input_gets_400_with_the_reason(client, field, value, reason):
    response = client.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    assert reason in response.content
    assert not PrivacyRequest.objects.exists()


def test_csrf_is_enforced():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, GOOD).status_code == 403
    assert not PrivacyRequest.objects.exists()


def test_rate_limit_per_ip(client, settings):
    settings.PRIVACYOPS_DSR_INTAKE_PER_HOUR = 2
    for n in range(2):
        assert client.post(URL, {**GOOD, "email": f"p{n}@example.com"}).status_code == 200
    response = client.post(URL, {**GOOD, "email": "p3@example.com"})
    assert response.status_code == 429
    assert PrivacyRequest.objects.count() == 2
    other_ip = client.post(URL, {**GOOD, "email": "p4@example.com"}, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 200


def test_confirmation_link_confirms_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, GOOD)
    path = confirm_path(mail.outbox[0])
    # Opening the link (a mail scanner would) changes nothing; the button confirms.
    assert client.get(path).status_code == 200
    assert PrivacyRequest.objects.get().state == State.AWAITING_IDENTITY
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 200 and b"confirmed" in response.content
    request = PrivacyRequest.objects.get()
    assert request.state == State.IN_PROGRESS and request.identity_verified_at
    again = client.post(path)
    assert again.status_code == 400 and b"already been used" in again.content


def test_tampered_link_is_refused(client):
    response = client.post("/privacy/request/confirm/forged:token/")
    assert response.status_code == 400
    assert b"not valid" in response.content
