"""Erasure: the preview Legal approves, then exactly that, with a certificate; legal holds."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacyops.core import registry
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    ErasureCertificate,
    RecipientNotification,
    RequestOutcome,
    RequestType,
    SubjectChange,
)
from privacyops.marketing import services as marketing
from privacyops.marketing.models import Subscription, SuppressionEntry
from privacyops.marketing.selectors import email_hash
from privacyops.retention import services as retention
from privacyops.subjects.models import (
    ActivityEvent,
    ContactPoint,
    CustomerDataset,
    LicenseHolderChange,
)
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import (
    EMAIL,
    act,
    mark_all_notices,
    messages_of,
    subject_in_every_model,
    to_approval,
)
from tests.factories import (
    ActivityEventFactory,
    DataSubjectFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_erasure_preview_then_exactly_that_certificate_suppression_recipients(
    client, lena, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    SubjectChange.objects.create(
        subject=subject, field="title", old_value="CEO", new_value="CFO", changed_by=lena
    )
    held = {r.label for r in registry.registrations() if r.rows_of(subject).exists()}
    # Every registered model holds something about this person (the forwarding comes later;
    # she is an adult, so no child's records: tests/dsr/test_children.py erases a child's).
    assert held == {r.label for r in registry.registrations()} - {
        "dsr.CustomerDataForward",
        "dsr.ChildDeclaration",
        "dsr.MinorAlert",
        "api.ReceivedEvent",  # about no data subject (registered for its retention rule)
    }

    preview = act(client, request, "erasure_preview")
    assert preview.status_code == 200
    report, plan = preview.context["preview"], preview.context["plan"]
    html = preview.content.decode()
    assert 'id="erasure-preview"' in html
    by_model = {e.model: e for e in report.entries}
    assert by_model["subjects.ContactPoint"].action == "delete rows"
    assert by_model["subjects.DataSubject"].fields["full_name"] == "blank"
    assert by_model["marketing.OptOut"].fields["reference"] == "mask"
    assert "Accountancy Act" in by_model["subjects.Account"].kept_because
    assert "Customer-Generated Data" in by_model["subjects.CustomerDataset"].kept_because
    assert by_model["dsr.PrivacyRequest"].action == "keep"
    assert "Customer-Generated Data" in html and "Accountancy Act" in html
    assert ContactPoint.objects.filter(subject=subject).count() == 2  # nothing changed yet

    # Anything that changes after the preview makes it stale: Legal must look again.
    ActivityEventFactory(subject=subject)
    stale = act(client, request, "erasure_execute", plan=plan)
    assert stale.status_code == 200
    assert any("changed since the preview" in m for m in messages_of(stale))
    assert not ErasureCertificate.objects.exists()

    plan = act(client, request, "erasure_preview").context["plan"]
    done = act(client, request, "erasure_execute", plan=plan)
    assert done.status_code == 302

    subject.refresh_from_db()
    assert subject.full_name == "" and subject.login_name is None and subject.erased_at
    assert not ContactPoint.objects.filter(subject=subject).exists()
    assert not ActivityEvent.objects.filter(subject=subject).exists()
    assert not Subscription.objects.filter(subject=subject).exists()
    change = SubjectChange.objects.get(subject=subject)  # the fact stays, the values go
    assert (change.old_value, change.new_value) == ("", "")
    # Kept, with the reason: contract records and the customer's data.
    assert LicenseHolderChange.objects.filter(requested_by=subject).exists()
    assert CustomerDataset.objects.filter(subjects=subject).exists()

    certificate = ErasureCertificate.objects.get(request=request)
    assert certificate.executed_by == lena and certificate.subject == subject
    assert certificate.rows_deleted >= 2 + 4 + 2  # contacts, events, subscriptions...
    assert certificate.values_erased >= 4
    assert certificate.rows_kept >= 3
    text = json.dumps(certificate.entries)
    for value in (EMAIL, "Maria Ivanova", "+359 88 123 4567", "CFO"):
        assert value not in text  # no erased value in the certificate
    # The address stays only as a salted hash; marketing cannot add the person back.
    assert SuppressionEntry.objects.filter(email_hash=email_hash(EMAIL), channel="").exists()
    assert not marketing.may_send(EMAIL, "newsletter")
    with pytest.raises(marketing.AddressSuppressed):
        marketing.subscription_opt_in(
            subject=DataSubjectFactory(),
            email=EMAIL,
            channel="newsletter",
            consented_at=timezone.now(),
            source="import",
        )

    # Art. 19: a task per recipient of the erased data; completion waits for them.
    notices = RecipientNotification.objects.filter(request=request)
    assert notices.exists()
    assert {n.operation for n in notices} == {"erasure"}
    codes = {n.recipient.code for n in notices}
    assert {"service-providers", "advertising-partners"} <= codes  # Other Information too
    to_approval(request, lena)
    blocked = act(client, request, "complete")
    assert any("recipient" in m for m in messages_of(blocked))
    request.refresh_from_db()
    assert request.state == State.AWAITING_APPROVAL
    impossible = notices.first()
    missing_reason = act(
        client, request, "notice", notification=impossible.pk, status="impossible", note=""
    )
    assert any("impossible" in m for m in messages_of(missing_reason))
    act(
        client,
        request,
        "notice",
        notification=impossible.pk,
        status="impossible",
        note="Data went only to a since-closed partner.",
    )
    mark_all_notices(client, request.__class__.objects.get(pk=request.pk))

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, request, "complete")
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    (letter,) = mail.outbox
    assert "We erased your personal data" in letter.body
    assert "Accountancy Act" in letter.body  # what is kept, and why
    assert "suppression" in letter.body
    assert RequestOutcome.objects.filter(request=request, request_type="erasure").exists()


def test_erasure_under_legal_hold_erases_nothing_and_is_refused(client, lena):
    subject = subject_in_every_model()
    retention.legal_hold_place(
        by=lena, matter="Dispute 2026/14", reason="Pending litigation", subject=subject
    )
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)

    preview = act(client, request, "erasure_preview")
    report, plan = preview.context["preview"], preview.context["plan"]
    assert report.held_by and "Dispute 2026/14" in report.held_by[0]
    assert all(e.action == "keep" for e in report.entries)
    assert "Legal hold" in preview.content.decode()
    assert "Erase exactly this" not in preview.content.decode()

    refused = act(client, request, "erasure_execute", plan=plan)
    assert any("legal hold" in m.lower() for m in messages_of(refused))
    assert ContactPoint.objects.filter(subject=subject).count() == 2
    assert not ErasureCertificate.objects.exists()
    assert not SuppressionEntry.objects.filter(reason="erased").exists()

    # Legal refuses the request, citing Art. 17(3)(e), through the next step.
    response = client.post(
        reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]),
        {"step": State.REFUSED, "text": "Data needed for legal claims (Art. 17(3)(e))."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.REFUSED
