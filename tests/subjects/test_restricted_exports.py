"""GDPR Art. 18: a restricted subject's data is stored, not exported."""

import pytest
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.marketing import services as marketing
from privacyops.marketing.resources import SubscriptionResource
from privacyops.subjects.resources import ContactPointResource, DataSubjectResource
from tests.factories import ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db


def _export(client, url, resource):
    data = {"format": "0", "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def legal_client(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    return client


@pytest.fixture
def restricted_and_free():
    restricted = ContactPointFactory(value="restricted@example.com", subject__login_name="rst")
    free = ContactPointFactory(value="free@example.com", subject__login_name="frx")
    for point in (restricted, free):
        marketing.subscription_opt_in(
            subject=point.subject,
            email=point.value,
            channel="newsletter",
            consented_at=timezone.now(),
            source="web_form",
        )
    restricted.subject.processing_restricted_at = timezone.now()
    restricted.subject.save(update_fields=["processing_restricted_at"])
    return restricted, free


@pytest.mark.parametrize(
    ("url_name", "resource", "marker_restricted", "marker_free"),
    [
        ("admin:subjects_datasubject_export", DataSubjectResource, "rst", "frx"),
        ("admin:subjects_contactpoint_export", ContactPointResource, "restricted@", "free@"),
        ("admin:marketing_subscription_export", SubscriptionResource, "restricted@", "free@"),
    ],
)
def test_exports_leave_out_restricted_subjects(
    legal_client, restricted_and_free, url_name, resource, marker_restricted, marker_free
):
    body = _export(legal_client, reverse(url_name), resource)
    assert marker_free in body
    assert marker_restricted not in body
