"""A requester's contact details are ciphertext at rest, matched through a keyed hash; the
request history and the request's name never quote them in clear."""

import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection

from privacyops.core.erasure import masked, masked_contacts_in_text
from privacyops.dsr import services
from privacyops.dsr.models import Channel, PrivacyRequest, RequestEvent
from privacyops.security.encryption import blind_index
from privacyops.subjects.models import ContactPoint, DataSubject

from .factories import submit

pytestmark = pytest.mark.django_db

EMAIL = "ana.requester@example.com"
PHONE = "+359 88 765 4321"
ADDRESS = "12 Shipka Str., Rousse 7000"


def _raw(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")
        return json.dumps(cursor.fetchall(), default=str, ensure_ascii=False)


def test_the_requesters_details_are_ciphertext_and_the_history_masks_them(
    django_capture_on_commit_callbacks,
):
    person = DataSubject.objects.create(kind="lead", full_name="Ana Requester")
    ContactPoint.objects.create(subject=person, kind="email", value=EMAIL, is_primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(
            channel=Channel.PHONE,
            requester_email=EMAIL.upper(),
            requester_phone=PHONE,
            requester_address=ADDRESS,
        )
        services.request_verify_identity(
            request=request, by=None, note=f"Called back on {PHONE}, replied from {EMAIL}."
        )
    request.refresh_from_db()

    assert request.subject == person  # matched on the keyed hash, whatever the case
    assert request.requester_email_index == blind_index(EMAIL)
    assert (request.requester_phone, request.requester_address) == (PHONE, ADDRESS)
    assert PHONE in request.identity_verification_note
    assert mail.outbox and mail.outbox[0].to == [EMAIL.upper()]
    raw = _raw(PrivacyRequest) + _raw(RequestEvent)
    for value in (EMAIL, EMAIL.upper(), PHONE, "765 4321", "Shipka"):
        assert value not in raw
    history = json.dumps(list(request.events.values_list("note", "data")), ensure_ascii=False)
    assert masked(EMAIL) in history and masked(EMAIL.upper()) in history  # note; letter's "to"
    assert EMAIL not in history.lower() and "765 4321" not in history
    assert EMAIL not in str(request).lower() and "Ana" not in str(request)
    assert str(request).startswith(request.reference)


def test_a_repeat_by_the_same_address_is_found_through_the_keyed_hash():
    original = submit(requester_email=EMAIL)
    repeat = submit(requester_email=f"  {EMAIL.title()} ")
    assert repeat.duplicate_of == original


def test_masking_leaves_dates_counts_references_and_our_own_address_alone():
    text = (
        "Clock stood still 3 day(s); due date 2026-01-01 -> 2026-02-01. Package #12, "
        "PR-00012, 4 records. Write to legal@infoserv.eu; call +44 20 7946 0958 or mail "
        "x.y@example.org."
    )
    shown = masked_contacts_in_text(text, keep=frozenset({"legal@infoserv.eu"}))
    assert "2026-01-01 -> 2026-02-01" in shown and "PR-00012" in shown and "#12" in shown
    assert "legal@infoserv.eu" in shown
    assert "7946" not in shown and "x.y@" not in shown and "x••@example.org" in shown


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()
