"""Bad input on the public pages gets a 400 (or the page's own refusal) with a reason, never a
500; and the per-address limit counts the client, not the proxy in front of it (issue 13,
points 4 and 7)."""

import pytest
from django.core import signing
from django.core.cache import cache

from privacyops.dsr import services
from privacyops.dsr.models import PrivacyRequest

pytestmark = pytest.mark.django_db
FORM = "/privacy/request/"
GOOD = {
    "request_type": "access",
    "name": "Ana Petrova",
    "email": "ana@example.com",
    "age": "18_plus",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_an_address_longer_than_smtp_allows_is_a_form_error(raw_client):
    too_long = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.com"  # 259 characters
    response = raw_client.post(FORM, {**GOOD, "email": too_long})
    assert response.status_code == 400
    assert b"at most 254 characters" in response.content
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [["r", 1], "just text", 7, {"r": "1", "n": "x"}, {"r": True, "n": "x"}, {"r": 1, "n": 5}, {}],
)
def test_a_signed_confirmation_link_of_another_shape_is_refused(raw_client, payload):
    token = signing.dumps(payload, salt=services.CONFIRMATION_SALT)
    response = raw_client.post(f"/privacy/request/confirm/{token}/")
    assert response.status_code == 400
    assert b"not valid" in response.content


@pytest.mark.parametrize(
    "payload", [["p", 1], "x", {"p": "1", "n": "x"}, {"p": 1}, {"p": None, "n": None}]
)
def test_a_signed_package_link_of_another_shape_is_refused(raw_client, payload):
    token = signing.dumps(payload, salt=services.PACKAGE_SALT)
    for method in (raw_client.get, raw_client.post):
        response = method(f"/privacy/package/{token}/")
        assert response.status_code == 410
        assert b"not valid" in response.content


def test_the_intake_limit_counts_each_client_behind_a_trusted_proxy(raw_client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.PRIVACYOPS_DSR_INTAKE_PER_HOUR = 2
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(2):
        response = raw_client.post(
            FORM,
            {**GOOD, "email": f"noisy{n}@example.com"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
            **proxy,
        )
        assert response.status_code == 200
    limited = raw_client.post(FORM, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert limited.status_code == 429
    # Another person behind the same proxy is not locked out by the first one.
    other = raw_client.post(FORM, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert other.status_code == 200
