"""The cookie register and the declaration generated from it (HTML and JSON), which always
matches the register, even though it is cached."""

import pytest
from django.core.exceptions import ValidationError

from privacyops.inventory import services
from privacyops.inventory.models import (
    DigitalProperty,
    ProcessingActivity,
    TrackingIdentifier,
)
from tests.inventory.factories import VendorFactory

pytestmark = pytest.mark.django_db


def _declared(client) -> dict[str, dict]:
    data = client.get("/privacy/cookies.json").json()
    return {
        (prop["name"], item["name"]): item
        for prop in data["properties"]
        for item in prop["identifiers"]
    }


def test_the_register_is_seeded_from_the_policy():
    by_purpose = {
        (i.name, i.digital_property.code): (i.purpose_category, i.party)
        for i in TrackingIdentifier.objects.select_related("digital_property")
    }
    assert by_purpose[("Account session cookie", "management")] == ("strictly_necessary", "first")
    assert by_purpose[("Preference cookie", "www")] == ("functional", "first")
    assert by_purpose[("Third-party analytics cookie", "www")] == ("analytics", "third")
    assert by_purpose[("Third-party advertising cookie", "www")] == ("advertising", "third")
    advertising = TrackingIdentifier.objects.get(purpose_category="advertising")
    assert advertising.provider is not None
    assert advertising.activity.purposes.filter(legal_basis="consent").exists()


def test_the_json_declaration_matches_the_register(client):
    response = client.get("/privacy/cookies.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    declared = _declared(client)
    active = TrackingIdentifier.objects.filter(is_active=True).select_related("digital_property")
    assert set(declared) == {(i.digital_property.name, i.name) for i in active}
    session = declared[("management.infoserv.eu (Management Portal)", "Account session cookie")]
    assert session["needs_consent"] is False
    assert session["purpose"] == "strictly_necessary"
    assert session["provider"] == "DAN electronic LTD"
    ads = declared[("www.infoserv.eu", "Third-party advertising cookie")]
    assert ads["needs_consent"] is True and ads["party"] == "third"
    assert "Consent — Art. 6(1)(a)" in ads["legal_bases"]


def test_the_html_declaration_matches_the_register(client):
    response = client.get("/privacy/cookies/")
    assert response.status_code == 200
    page = response.content.decode()
    for item in TrackingIdentifier.objects.filter(is_active=True):
        assert f'data-identifier="{item.name}"' in page
    assert "Advertising and re-targeting" in page


def test_a_change_to_the_register_shows_at_once(client):
    _declared(client)  # cached now
    _ = client.get("/privacy/cookies/")
    www = DigitalProperty.objects.get(code="www")
    services.tracking_identifier_save(
        identifier=TrackingIdentifier(
            digital_property=www,
            name="chat_visitor",
            purpose_category="functional",
            party="third",
            provider=VendorFactory(name="Chat Widget GmbH"),
            duration="30 days",
            activity=ProcessingActivity.objects.get(code="enquiries"),
        )
    )
    assert ("www.infoserv.eu", "chat_visitor") in _declared(client)
    assert 'data-identifier="chat_visitor"' in client.get("/privacy/cookies/").content.decode()

    item = TrackingIdentifier.objects.get(name="chat_visitor")
    item.is_active = False
    item.save()
    assert ("www.infoserv.eu", "chat_visitor") not in _declared(client)

    item.provider.name = "Chat Widget AB"
    item.provider.save()
    item.is_active = True
    item.save()
    assert _declared(client)[("www.infoserv.eu", "chat_visitor")]["provider"] == "Chat Widget AB"

    item.delete()
    assert ("www.infoserv.eu", "chat_visitor") not in _declared(client)


def test_third_party_needs_a_provider_and_advertising_needs_consent():
    www = DigitalProperty.objects.get(code="www")
    item = TrackingIdentifier(
        digital_property=www,
        name="ad_id",
        purpose_category="advertising",
        party="third",
        duration="13 months",
        activity=ProcessingActivity.objects.get(code="site-analytics"),
    )
    with pytest.raises(ValidationError) as refused:
        services.tracking_identifier_save(identifier=item)
    assert set(refused.value.message_dict) == {"provider", "activity"}
