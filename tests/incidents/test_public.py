"""The public report page under hostile input, and security.txt (RFC 9116)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacyops.incidents import jobs
from privacyops.incidents.models import Incident, SecurityTxt

pytestmark = pytest.mark.django_db
URL = "/security/report/"
VALID = {
    "kind": "vulnerability",
    "title": "XSS in the portal",
    "description": "The search box reflects <script>alert(1)</script> unescaped.",
    "name": "Mila",
    "email": "mila@example.net",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_the_page_shows_a_form_with_a_csrf_token(raw_client):
    response = raw_client.get(URL)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_a_report_is_recorded_and_acknowledged_with_a_reference(
    raw_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = raw_client.post(URL, VALID)
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert incident.reference in response.content.decode()
    assert incident.source == "public_report" and incident.reporter_email == "mila@example.net"
    (letter,) = mail.outbox
    assert letter.to == ["mila@example.net"] and incident.reference in letter.body


def test_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, VALID).status_code == 403
    assert not Incident.objects.exists()


@override_settings(PRIVACYOPS_INCIDENT_REPORTS_PER_HOUR=3)
def test_rate_limit_per_client_address(raw_client):
    for _ in range(3):
        assert raw_client.post(URL, VALID, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert raw_client.post(URL, VALID, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert raw_client.post(URL, VALID, REMOTE_ADDR="198.51.100.8").status_code == 200
    assert Incident.objects.count() == 4


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"description": ""}, "What did you find"),
        ({"title": ""}, "In a few words"),
        ({"email": "not-an-address"}, "e-mail"),
        ({"email": "a@example.com\r\nBcc: victim@example.com"}, "e-mail"),
        ({"kind": "ransom"}, "What are you reporting"),
        ({"title": "x" * 201}, "In a few words"),
        ({"description": "y" * 10001}, "What did you find"),
        ({"description": "null \x00 byte"}, "What did you find"),
        ({"name": "\x00"}, "Your name"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(raw_client, changes, reason):
    response = raw_client.post(URL, {**VALID, **changes})
    assert response.status_code == 400
    assert reason.lower() in response.content.decode().lower()
    assert "The report was not accepted" in response.content.decode()
    assert not Incident.objects.exists() and not mail.outbox


@override_settings(PRIVACYOPS_INCIDENT_REPORTS_PER_HOUR=100)
def test_hostile_requests_never_give_a_500(raw_client):
    hostile = [
        {},
        {"kind": ["vulnerability", "incident"], "title": ["a", "b"], "description": "d"},
        {
            **VALID,
            "title": "‮ reversed 🚨 \ud800".encode("utf-8", "surrogatepass").decode(
                "utf-8", "replace"
            ),
        },
        {**VALID, "unexpected": "field", "csrfmiddlewaretoken": "forged"},
    ]
    for data in hostile:
        assert raw_client.post(URL, data).status_code in (200, 400)
    responses = [
        raw_client.post(
            URL, data=b"\xff\xfe garbage", content_type="application/x-www-form-urlencoded"
        ),
        raw_client.post(URL, data="{}", content_type="application/json"),
        raw_client.post(URL, data=b"--x\r\n", content_type="multipart/form-data; boundary=x"),
        raw_client.put(URL, VALID),
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 405]


def test_script_in_a_report_is_escaped_on_the_page(raw_client):
    response = raw_client.post(URL, {**VALID, "title": "<script>alert(1)</script>", "email": "x"})
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content


def test_security_txt_has_the_rfc_9116_fields(raw_client):
    response = raw_client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    assert {"Contact", "Expires", "Policy", "Preferred-Languages", "Canonical"} <= set(fields)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["Expires"])
    assert text.splitlines()[0].endswith("/security/report/")
    assert fields["Canonical"].endswith("/.well-known/security.txt")
    expires = datetime.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert timezone.now() < expires < timezone.now() + datetime.timedelta(days=366)


def test_security_txt_expiry_is_renewed_by_beat_while_reviewed():
    txt = SecurityTxt.objects.get()
    soon = timezone.now() + datetime.timedelta(days=10)
    SecurityTxt.objects.filter(pk=txt.pk).update(expires_at=soon)
    run = jobs.security_txt_renew()
    assert run.summary == {"renewed": 1, "warned": 0}
    assert SecurityTxt.objects.get().expires_at > timezone.now() + datetime.timedelta(days=170)
    assert jobs.security_txt_renew().summary == {"renewed": 0, "warned": 0}


def test_legal_is_warned_once_before_an_unreviewed_security_txt_lapses(
    django_capture_on_commit_callbacks,
):
    from tests.incidents.factories import legal_user

    legal_user()
    old = timezone.now() - datetime.timedelta(days=400)
    soon = timezone.now() + datetime.timedelta(days=5)
    SecurityTxt.objects.update(expires_at=soon, reviewed_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.security_txt_renew().summary == {"renewed": 0, "warned": 1}
        assert jobs.security_txt_renew().summary == {"renewed": 0, "warned": 0}
    (warning,) = mail.outbox
    assert warning.to == ["lena@infoserv.eu"] and "security.txt expires" in warning.subject
    assert SecurityTxt.objects.get().expires_at == soon


@override_settings(PRIVACYOPS_INCIDENT_REPORTS_PER_HOUR=10_000)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["kind", "title", "description", "name", "email", "x"]),
        st.one_of(st.text(max_size=300), st.lists(st.text(max_size=20), max_size=3)),
    )
)
def test_any_form_data_is_accepted_or_refused_never_an_error(raw_client, data):
    response = raw_client.post(URL, data)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert b"The report was not accepted" in response.content
