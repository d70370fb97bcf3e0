"""The public one-click unsubscribe page: GET confirms, POST unsubscribes, RFC 8058 works."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from privacyops.marketing import services
from privacyops.marketing.models import OptOut, Subscription, SubscriptionEvent, SuppressionEntry
from privacyops.marketing.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db


def _url(subject, channel=None, *, token=None):
    return reverse(
        "marketing:unsubscribe", args=[token or unsubscribe_token(subject=subject, channel=channel)]
    )


def _state():
    return (
        list(Subscription.objects.values_list("channel", "status").order_by("channel")),
        OptOut.objects.count(),
        SubscriptionEvent.objects.count(),
        SuppressionEntry.objects.count(),
    )


def test_the_link_lives_under_privacy_unsubscribe(ana):
    assert _url(ana, "newsletter").startswith("/privacy/unsubscribe/")


def test_get_shows_a_confirmation_with_a_button_and_changes_nothing(client, ana_subscribed):
    before = _state()
    response = client.get(_url(ana_subscribed, "newsletter"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsubscribe from newsletter?" in page
    assert '<button type="submit"' in page
    assert "ana@example.com" not in page  # masked: a forwarded link does not reveal it
    assert "a••@example.com" in page
    assert _state() == before
    assert services.may_send("ana@example.com", "newsletter")


def test_post_unsubscribes_once_and_again_changes_nothing(client, ana_subscribed):
    url = _url(ana_subscribed, "newsletter")
    response = client.post(url)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not services.may_send("ana@example.com", "newsletter")
    assert services.may_send("ana@example.com", "events")
    assert OptOut.objects.get().method == "link"
    after_first = _state()

    again = client.post(url)
    assert again.status_code == 200
    assert "You are unsubscribed" in again.content.decode()
    assert _state() == after_first


def test_rfc_8058_one_click_post_needs_no_csrf_token(ana_subscribed):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        _url(ana_subscribed, "events"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not services.may_send("ana@example.com", "events")
    assert services.may_send("ana@example.com", "newsletter")
    opt_out = OptOut.objects.get()
    assert opt_out.method == "one_click" and opt_out.channel == "events"


def test_the_all_channels_link_unsubscribes_from_everything(client, ana_subscribed):
    response = client.get(_url(ana_subscribed))
    assert "all marketing e-mails" in response.content.decode()

    client.post(_url(ana_subscribed))

    assert not Subscription.objects.filter(status="subscribed").exists()
    for kind in ("newsletter", "product_updates", "events", "promotions"):
        assert not services.may_send("ana@example.com", kind)
    assert services.may_send("ana@example.com", "transactional")


def _tampered(token: str) -> list[str]:
    payload, stamp, signature = token.split(":")
    swapped = signing.b64_encode(b'{"s":999,"c":"*"}').decode()
    return [
        f"{payload}:{stamp}:{signature[:-2]}xx",  # signature altered
        f"{swapped}:{stamp}:{signature}",  # another subject, same signature
        token[:-1],  # truncated
        "not-a-token",
        "a" * 300,
        "%00%ff",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_gets_a_clear_400_page_and_changes_nothing(client, ana_subscribed, method):
    token = unsubscribe_token(subject=ana_subscribed, channel="newsletter")
    before = _state()
    for bad in _tampered(token):
        response = getattr(client, method)(f"/privacy/unsubscribe/{bad}/")
        assert response.status_code == 400, bad
        assert "This unsubscribe link is not valid" in response.content.decode()
        assert "unsubscribe@infoserv.eu" in response.content.decode()
    assert _state() == before


def test_an_expired_token_gets_a_clear_page_and_changes_nothing(
    client, ana_subscribed, monkeypatch, settings
):
    url = _url(ana_subscribed, "newsletter")
    before = _state()
    later = time.time() + (settings.PRIVACYOPS_UNSUBSCRIBE_LINK_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = client.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert _state() == before


def test_a_link_to_a_subject_that_no_longer_exists_is_a_404_page(client, ana):
    url = _url(ana, "newsletter")
    ana.delete()
    response = client.post(url)
    assert response.status_code == 404
    assert "could not find" in response.content.decode()


def test_other_methods_are_refused(client, ana_subscribed):
    assert client.put(_url(ana_subscribed)).status_code == 405
    assert Subscription.objects.filter(status="subscribed").count() == 2


def test_the_opt_out_records_the_client_behind_a_trusted_proxy(client, ana_subscribed, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    url = _url(ana_subscribed, "newsletter")
    response = client.post(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 200
    assert SubscriptionEvent.objects.filter(kind="unsubscribed").get().ip == "198.51.100.7"
