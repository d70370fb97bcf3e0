"""Request services: intake, identity, lifecycle, clock, extension, letters, history."""

import datetime

import pytest
from django.core import mail, signing
from django.db import transaction
from django.utils import timezone

from privacyops.dsr import deadlines, lifecycle, services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import Channel, PrivacyRequest, RequestEvent, RequestType
from tests.dsr.factories import in_progress, submit
from tests.factories import AccountFactory, ContactPointFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = RequestEvent.Kind


def kinds(request):
    return list(request.events.values_list("kind", flat=True))


def link_from(message) -> str:
    return next(line.strip() for line in message.body.splitlines() if "/confirm/" in line)


def token_from(message) -> str:
    return link_from(message).rstrip("/").rsplit("/", 1)[1]


def test_staff_entry_is_acknowledged_and_due_in_one_month(django_capture_on_commit_callbacks):
    received = timezone.make_aware(datetime.datetime(2025, 1, 31, 10))
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(channel=Channel.PHONE, received_at=received, requester_email="a@b.eu")
    assert request.state == State.RECEIVED
    assert request.due_date == datetime.date(2025, 2, 28)
    assert kinds(request) == [Kind.SUBMITTED, Kind.MESSAGE]
    assert len(mail.outbox) == 1 and request.reference in mail.outbox[0].subject
    assert "28 February 2025" in mail.outbox[0].body
    letter = request.events.get(kind=Kind.MESSAGE)
    assert letter.data["body"] == mail.outbox[0].body


def test_letter_without_email_is_recorded_for_post(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(channel=Channel.POST, requester_email="", requester_address="Rousse")
    assert not mail.outbox
    assert request.events.get(kind=Kind.MESSAGE).data["delivery"].startswith("post")


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit()
        raise RuntimeError
    assert not callbacks and not mail.outbox
    assert not PrivacyRequest.objects.exists()


def test_matched_data_subject_by_email():
    point = ContactPointFactory(value="ana@example.com")
    request = submit(requester_email="Ana@Example.com")
    assert request.subject == point.subject
    assert submit(requester_email="nobody@example.com").subject is None


def test_web_request_waits_for_its_link_and_the_clock_stands_still(
    django_capture_on_commit_callbacks, monkeypatch
):
    received = timezone.make_aware(datetime.datetime(2025, 3, 1, 9))
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(channel=Channel.WEB_FORM, received_at=received)
    assert request.state == State.AWAITING_IDENTITY
    assert request.paused_since is not None
    message = mail.outbox[-1]
    assert "/privacy/request/confirm/" in message.body

    # Confirmed 17 days later: the raw last day moves from 1 Apr to 18 Apr (Good Friday,
    # Orthodox Easter weekend and Monday) -> 22 Apr.
    monkeypatch.setattr(services.requests, "today", lambda: datetime.date(2025, 3, 18))
    request.paused_since = datetime.date(2025, 3, 1)
    request.save()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.request_confirm(token=token_from(message))
    assert confirmed.state == State.IN_PROGRESS
    assert confirmed.paused_days == 17
    assert confirmed.due_date == datetime.date(2025, 4, 22)
    assert confirmed.identity_verified_at is not None
    history = kinds(confirmed)
    assert Kind.CLOCK_PAUSED in history and Kind.CLOCK_RESUMED in history
    assert Kind.IDENTITY_VERIFIED in history
    assert "received" in mail.outbox[-1].subject  # the acknowledgement follows the confirmation

    # Single use.
    with pytest.raises(services.ConfirmationInvalid, match="already been used"):
        services.request_confirm(token=token_from(message))


def test_confirmation_link_expires_and_rejects_forgery(settings):
    request = submit(channel=Channel.WEB_FORM)
    token = signing.dumps(
        {"r": request.pk, "n": request.confirmation_nonce}, salt=services.CONFIRMATION_SALT
    )
    with pytest.raises(services.ConfirmationInvalid, match="not valid"):
        services.request_confirm(token=token + "x")
    settings.PRIVACYOPS_DSR_CONFIRMATION_LINK_DAYS = -1
    with pytest.raises(services.ConfirmationInvalid, match="expired"):
        services.request_confirm(token=token)


def test_repeat_of_an_open_request_is_linked_not_processed_twice(
    django_capture_on_commit_callbacks,
):
    original = submit(requester_email="ana@example.com", channel=Channel.WEB_FORM)
    with django_capture_on_commit_callbacks(execute=True):
        repeat = submit(requester_email="ANA@example.com", channel=Channel.WEB_FORM)
    assert repeat.state == State.DUPLICATE and repeat.duplicate_of == original
    assert Kind.REPEAT in kinds(original)
    # The original's link is sent again; the old one no longer works.
    assert "/confirm/" in mail.outbox[-1].body
    other_type = submit(requester_email="ana@example.com", request_type=RequestType.ERASURE)
    assert other_type.duplicate_of is None


def test_staff_verify_identity_needs_a_note():
    request = submit()
    with pytest.raises(services.RequestError):
        services.request_verify_identity(request=request, by=None, note=" ")
    legal = UserFactory(role="Legal")
    request = services.request_verify_identity(
        request=request, by=legal, note="Called back on the number on file."
    )
    assert request.state == State.IN_PROGRESS
    event = request.events.get(kind=Kind.IDENTITY_VERIFIED)
    assert event.by == legal and "number on file" in event.note


def test_illegal_transition_raises_and_changes_nothing():
    request = in_progress()
    with pytest.raises(lifecycle.IllegalTransition, match="Allowed next steps"):
        services.request_transition(request=request, to=State.COMPLETED)
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS


def test_refusal_needs_a_reason_and_the_letter_states_it_and_the_right_to_complain(
    django_capture_on_commit_callbacks,
):
    request = in_progress()
    with pytest.raises(lifecycle.ReasonRequired):
        services.request_refuse(request=request, reason="", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.request_refuse(
            request=request, reason="Manifestly excessive: 12 identical requests.", by=None
        )
    assert refused.state == State.REFUSED and refused.closed_at
    body = mail.outbox[-1].body
    assert "12 identical requests" in body
    assert "complaint" in body and "Commission for Personal Data Protection" in body


def test_redirect_tells_requester_and_customer(django_capture_on_commit_callbacks):
    account = AccountFactory(license_holder_email="dpo@customer.example")
    request = in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_redirect(
            request=request, account=account, reason="Data in the customer's CRM.", by=None
        )
    request.refresh_from_db()
    assert request.state == State.REDIRECTED and request.redirect_to == account
    recipients = [m.to for m in mail.outbox[-2:]]
    assert [request.requester_email] in recipients and ["dpo@customer.example"] in recipients
    assert account.company_name in mail.outbox[-2].body


def test_extension_with_reason_only_in_the_first_month(
    monkeypatch, django_capture_on_commit_callbacks
):
    received = timezone.make_aware(datetime.datetime(2025, 1, 31, 12))
    request = in_progress(received_at=received)
    monkeypatch.setattr(services.requests, "today", lambda: datetime.date(2025, 2, 10))
    with pytest.raises(services.RequestError, match="reason"):
        services.request_extend(request=request, reason="", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        extended = services.request_extend(request=request, reason="400 mailboxes", by=None)
    assert extended.due_date == deadlines.extended_due_date(datetime.date(2025, 1, 31))
    assert "400 mailboxes" in mail.outbox[-1].body
    assert "30 April 2025" in mail.outbox[-1].body
    with pytest.raises(services.RequestError, match="already extended"):
        services.request_extend(request=extended, reason="again", by=None)

    late = in_progress(received_at=received)
    monkeypatch.setattr(services.requests, "today", lambda: datetime.date(2025, 3, 1))
    with pytest.raises(services.RequestError, match="Too late"):
        services.request_extend(request=late, reason="400 mailboxes", by=None)


def test_ccpa_request_uses_its_own_rule():
    received = timezone.make_aware(datetime.datetime(2025, 1, 1, 12))
    request = submit(regime="CCPA", received_at=received)
    assert request.due_date == datetime.date(2025, 2, 15)


def test_full_lifecycle_leaves_a_complete_history(django_capture_on_commit_callbacks):
    legal = UserFactory(role="Legal")
    # A rectification: no access package or erasure certificate has to exist before completion.
    request = submit(request_type=RequestType.RECTIFICATION)
    services.request_assign(request=request, assignee=legal, by=legal)
    request = services.request_verify_identity(request=request, by=legal, note="Known address")
    services.request_transition(request=request, to=State.AWAITING_APPROVAL, by=legal)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.request_transition(request=request, to=State.COMPLETED, by=legal)
    assert done.state == State.COMPLETED
    transitions = list(
        done.events.filter(kind=Kind.TRANSITION).values_list("from_state", "to_state")
    )
    assert transitions == [
        ("received", "in_progress"),
        ("in_progress", "awaiting_approval"),
        ("awaiting_approval", "completed"),
    ]
    assert Kind.ASSIGNED in kinds(done)
    assert "complete" in mail.outbox[-1].subject


def test_history_is_append_only():
    request = submit()
    event = request.events.first()
    event.note = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()


def test_download_is_recorded():
    legal = UserFactory(role="Legal")
    request = submit()
    services.request_record_download(request=request, by=legal, what="access package (zip)")
    assert request.events.filter(kind=Kind.DOWNLOAD, by=legal).exists()


def test_letters_come_from_the_editable_templates_and_survive_a_deleted_one(
    django_capture_on_commit_callbacks,
):
    from privacyops.dsr.models import MessageTemplate

    MessageTemplate.objects.filter(key="acknowledge").update(
        subject="Got it: {{ request.reference }}", body="Dear {{ request.requester_name }}."
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(requester_name="Ana")
    assert mail.outbox[-1].subject == f"Got it: {request.reference}"
    assert mail.outbox[-1].body == "Dear Ana.\n"
    MessageTemplate.objects.filter(key="acknowledge").delete()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert "We have received your privacy request" in mail.outbox[-1].subject


def test_staff_link_a_repeat_and_a_withdrawal_is_confirmed(django_capture_on_commit_callbacks):
    legal = UserFactory(role="Legal")
    original = in_progress(requester_email="ana@example.com")
    repeat = submit(requester_email="ana.petrova@example.com")  # another address: not automatic
    assert repeat.duplicate_of is None
    services.request_link_duplicate(request=repeat, original=original, by=legal)
    repeat.refresh_from_db()
    assert repeat.state == State.DUPLICATE and repeat.duplicate_of == original
    with pytest.raises(services.RequestError):
        services.request_link_duplicate(request=original, original=original, by=legal)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(request=original, to=State.WITHDRAWN, by=legal)
    assert "withdrawn" in mail.outbox[-1].subject


def test_asking_for_proof_of_identity_stops_the_clock_and_writes(
    django_capture_on_commit_callbacks,
):
    request = in_progress(channel=Channel.POST, requester_email="", requester_address="Rousse")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = services.request_transition(request=request, to=State.AWAITING_IDENTITY)
    assert waiting.paused_since is not None
    letter = waiting.events.filter(kind=Kind.MESSAGE).last()
    assert letter.data["template"] == "verify" and "proof of your identity" in letter.data["body"]
    assert "/confirm/" not in letter.data["body"]  # no link for a postal request
