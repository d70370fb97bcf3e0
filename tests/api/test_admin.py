"""Legal's admin: a client created there shows its key once; rotation and revocation."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry

from privacyops.api.models import ApiClient, ApiKey
from privacyops.core.roles import AUDITOR, LEGAL
from tests.api.conftest import post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/api/apiclient/add/"
LIST = "/admin/api/apiclient/"
BODY = {"kind": "legal", "email": "a@example.com"}
INLINE = {"keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0"}


def shown_keys(response) -> list[str]:
    return re.findall(r"<code>([^<]+)</code>", response.content.decode())


def test_legal_creates_a_client_and_sees_its_key_once(client):
    legal = UserFactory(username="legal-api", role=LEGAL)
    client.force_login(legal)

    response = client.post(
        ADD, {"name": "Mail platform", "scopes": ["may-send:read"], "is_active": "on", **INLINE}
    )

    assert response.status_code == 200
    [key] = shown_keys(response)
    created = ApiClient.objects.get()
    assert (created.scopes, created.created_by) == (["may-send:read"], legal)
    assert LogEntry.objects.filter(user_id=legal.pk, object_id=str(created.pk)).exists()
    assert post(client, "/api/v1/may-send/", BODY, key).status_code == 200
    page = client.get(f"/admin/api/apiclient/{created.pk}/change/").content.decode()
    assert key not in page and key.split(".")[0] in page  # only the prefix, afterwards


def test_rotating_shows_the_new_key_and_keeps_the_old_for_the_overlap(client):
    client.force_login(UserFactory(username="legal-rotate", role=LEGAL))
    client.post(ADD, {"name": "CRM", "scopes": ["may-send:read"], "is_active": "on", **INLINE})
    crm = ApiClient.objects.get()
    [old] = list(ApiKey.objects.filter(client=crm))

    response = client.post(
        LIST, {"action": "rotate_key", ACTION_CHECKBOX_NAME: [crm.pk], "index": 0}
    )

    [new] = shown_keys(response)
    assert ApiKey.objects.filter(client=crm).count() == 2
    old.refresh_from_db()
    assert old.expiry_date is not None and not old.has_expired
    assert post(client, "/api/v1/may-send/", BODY, new).status_code == 200
    assert LogEntry.objects.filter(object_id=str(crm.pk), change_message__contains="Rotated")

    client.post(LIST, {"action": "revoke_keys", ACTION_CHECKBOX_NAME: [crm.pk], "index": 0})
    assert post(client, "/api/v1/may-send/", BODY, new).status_code == 401


def test_the_auditor_sees_clients_but_cannot_create_or_rotate(client):
    client.force_login(UserFactory(username="auditor-api", role=AUDITOR))
    assert client.get(LIST).status_code == 200
    assert client.post(ADD, {"name": "X", "scopes": ["may-send:read"]}).status_code == 403
    assert not ApiClient.objects.exists()
