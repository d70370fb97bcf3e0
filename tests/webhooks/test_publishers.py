"""The services that publish: an erasure tells the recipients by the identifiers captured
before the erasure; a marketing opt-out and a rectification (names of details only) too;
a rolled-back change publishes nothing."""

import pytest
from django.db import transaction

from privacyops.dsr import services
from privacyops.dsr.models import RequestType
from privacyops.marketing import services as marketing
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import WebhookEvent
from tests.dsr.factories import in_progress
from tests.factories import ContactPointFactory, UserFactory
from tests.webhooks.factories import endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def crm_person(email: str):
    point = ContactPointFactory(value=email)
    subject = point.subject
    subject.external_source, subject.external_id = "CRM", "C-9"
    subject.save()
    return subject


def body(event: WebhookEvent, name: str) -> str:
    return webhooks.body_of(event.deliveries.get(endpoint__name=name))


def test_an_erasure_is_published_with_the_identifiers_from_before_it(private_storage):
    endpoint(name="CRM hook")
    endpoint(name="Mail hook", sends_email_address=True)
    subject = crm_person("erase-me@example.com")
    legal = UserFactory(username="legal-publish")
    request = in_progress(request_type=RequestType.ERASURE, requester_email="erase-me@example.com")
    _, plan = services.erasure_preview(request=request, by=legal)

    services.erasure_execute(request=request, by=legal, plan=plan)

    event = WebhookEvent.objects.get(event_type="subject.erased")
    assert (event.reference, event.subject_id) == (request.reference, subject.pk)
    subject.refresh_from_db()
    assert subject.erased_at and subject.external_id == ""  # erased here …
    assert '"external_ids":{"CRM":"C-9"}' in body(event, "CRM hook")  # … still named to them
    assert "erase-me@example.com" not in body(event, "CRM hook")
    assert "erase-me@example.com" in body(event, "Mail hook")


def test_an_opt_out_and_a_rectification_are_published():
    endpoint(name="Mail hook", sends_email_address=True)
    subject = crm_person("opt@example.com")
    marketing.opt_out_record(method="email", subject=subject)
    opted = WebhookEvent.objects.get(event_type="marketing.opted_out")
    assert "opt@example.com" in body(opted, "Mail hook")

    request = in_progress(request_type=RequestType.RECTIFICATION, requester_email="opt@example.com")
    services.subject_rectify(
        request=request, by=UserFactory(username="legal-rect"), changes={"full_name": "New Name"}
    )
    rectified = WebhookEvent.objects.get(event_type="subject.rectified")
    assert rectified.details == {"fields": ["full_name"]}
    assert "New Name" not in body(rectified, "Mail hook")


def test_a_rolled_back_change_publishes_nothing():
    endpoint(name="Mail hook")
    subject = crm_person("rollback@example.com")
    with pytest.raises(RuntimeError), transaction.atomic():
        marketing.opt_out_record(method="email", subject=subject)
        raise RuntimeError("the caller's transaction fails")
    assert not WebhookEvent.objects.exists()
