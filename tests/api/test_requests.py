"""POST /api/v1/requests/: a Site's own form, through the same service as /privacy/request/."""

import pytest

from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import PrivacyRequest
from privacyops.dsr.services import request_submit
from tests.api.conftest import post

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests/"


def test_a_request_waits_for_its_confirmation_link_like_the_public_forms(
    client, crm, mailoutbox, django_capture_on_commit_callbacks
):
    _, key = crm
    body = {"request_type": "access", "name": "Ana Petrova", "email": "ana@example.com"}

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, URL, body, key)

    assert response.status_code == 201, response.json()
    created = PrivacyRequest.objects.get()
    assert response.json() == {
        "reference": created.reference,
        "state": State.AWAITING_IDENTITY,
        "due_date": created.due_date.isoformat(),
    }
    assert created.channel == "web" and created.requester_email == "ana@example.com"
    assert len(mailoutbox) == 1 and "/privacy/request/confirm/" in mailoutbox[0].body

    # The public page's service, called directly, gives the same state and deadline.
    by_page = request_submit(
        request_type="access",
        channel="web",
        requester_name="Bob",
        requester_email="bob@example.com",
    )
    assert (by_page.state, by_page.due_date) == (created.state, created.due_date)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"request_type": "access", "name": "Ana", "email": "not-an-address"}, "email"),
        ({"request_type": "world peace", "name": "Ana", "email": "a@example.com"}, "request_type"),
        ({"request_type": "access", "email": "a@example.com"}, "name"),
        ({"request_type": "access", "name": ["Ana"], "email": "a@example.com"}, "name"),
        ({"request_type": "access", "name": "A" * 201, "email": "a@example.com"}, "name"),
    ],
)
def test_the_public_forms_checks_apply_per_field(client, crm, body, field, mailoutbox):
    _, key = crm
    response = post(client, URL, body, key)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not PrivacyRequest.objects.exists() and not mailoutbox
