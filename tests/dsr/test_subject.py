"""Rectification, restriction and objection to direct marketing; matching a request to its
data subject."""

import pytest
from django.core import mail
from django.utils import timezone

from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    AccessPackage,
    RecipientNotification,
    RequestType,
    SubjectChange,
)
from privacyops.marketing import services as marketing
from privacyops.marketing.models import Subscription, SuppressionEntry
from privacyops.marketing.selectors import email_hash
from privacyops.subjects.models import (
    ActivityEvent,
    ContactPoint,
    DataSubject,
)
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import (
    EMAIL,
    act,
    fulfilment_url,
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


def test_rectification_records_old_and_new_values_and_notifies_recipients(
    client, lena, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.RECTIFICATION, requester_email=EMAIL)
    page = client.get(fulfilment_url(request))
    assert page.context["rectify_form"].initial["full_name"] == "Maria Ivanova"

    response = act(
        client,
        request,
        "rectify",
        full_name="Maria Ivanova-Petrova",
        title="CFO",
        email="maria.petrova@example.com",
        phone="+359 88 123 4567",
        postal="1 Alexandrovska St, Rousse",
        note="Married name",
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.full_name == "Maria Ivanova-Petrova"
    points = {p.kind: p.value for p in ContactPoint.objects.filter(subject=subject)}
    assert points["email"] == "maria.petrova@example.com"
    assert points["postal"] == "1 Alexandrovska St, Rousse"
    log = {
        c.field: (c.old_value, c.new_value) for c in SubjectChange.objects.filter(subject=subject)
    }
    assert log == {
        "full_name": ("Maria Ivanova", "Maria Ivanova-Petrova"),
        "email": (EMAIL, "maria.petrova@example.com"),
        "postal": ("", "1 Alexandrovska St, Rousse"),
    }
    event = request.events.get(data__has_key="changes")
    assert {"field": "full_name", "old": "Maria Ivanova", "new": "Maria Ivanova-Petrova"} in (
        event.data["changes"]
    )
    assert event.by == lena
    notices = RecipientNotification.objects.filter(request=request, operation="rectification")
    assert notices.exists()

    mark_all_notices(client, request)
    to_approval(request, lena)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, request, "complete")
    assert "now Maria Ivanova-Petrova" in mail.outbox[0].body
    assert "We informed the recipients" in mail.outbox[0].body
    # The outcome record (read by the statistics, not encrypted) names the fields, not values.
    summary = request.outcome.summary
    assert "Name" in summary or "name" in summary
    assert "Maria" not in summary and "maria.petrova" not in summary


def test_restriction_marks_the_subject_and_marketing_skips_it(
    client, lena, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=EMAIL)
    assert (
        act(client, request, "restrict", note="Accuracy contested (Art. 18(1)(a))").status_code
        == 302
    )
    subject.refresh_from_db()
    assert subject.processing_restricted_at is not None
    assert SubjectChange.objects.filter(subject=subject, field="processing_restricted_at").exists()
    assert not marketing.may_send(EMAIL, "newsletter")  # subscribed, but restricted
    assert marketing.may_send(EMAIL, "legal")
    notices = RecipientNotification.objects.filter(request=request, operation="restriction")
    assert notices.exists()
    again = act(client, request, "restrict")
    assert any("already restricted" in m for m in messages_of(again))

    mark_all_notices(client, request)
    to_approval(request, lena)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, request, "complete")
    request.refresh_from_db()
    assert request.state == State.COMPLETED

    services.subject_restriction_lift(subject=subject, by=lena, reason="Accuracy verified; told")
    assert marketing.may_send(EMAIL, "newsletter")


def test_objection_to_marketing_opts_out_of_every_channel(
    client, lena, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    marketing.subscription_opt_in(
        subject=subject,
        email=EMAIL,
        channel="promotions",
        consented_at=timezone.now(),
        source="web_form",
    )
    request = in_progress(request_type=RequestType.MARKETING_OPT_OUT, requester_email=EMAIL)
    to_approval(request, lena)
    assert services.completion_blockers(request)  # nothing recorded yet
    services.request_transition(request=request, to=State.IN_PROGRESS, by=lena)

    assert act(client, request, "objection").status_code == 302
    assert not Subscription.objects.filter(subject=subject, status="subscribed").exists()
    assert SuppressionEntry.objects.filter(email_hash=email_hash(EMAIL), channel="").exists()
    for channel in ("newsletter", "product_updates", "events", "promotions"):
        assert not marketing.may_send(EMAIL, channel)
    assert not RecipientNotification.objects.filter(request=request).exists()

    to_approval(request, lena)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, request, "complete")
    assert "no longer receive marketing" in mail.outbox[0].body


def test_objection_without_a_matched_subject_still_succeeds(lena):
    request = in_progress(request_type=RequestType.MARKETING_OPT_OUT, requester_email="x@ex.org")
    assert request.subject is None
    services.marketing_objection(request=request, by=lena)
    assert not marketing.may_send("x@ex.org", "newsletter")


def test_a_request_by_telephone_is_matched_to_its_subject_then_fulfilled(client, lena):
    subject = subject_in_every_model()
    request = in_progress(
        request_type=RequestType.ACCESS,
        channel="phone",
        requester_email="",
        requester_phone="+359 88 123 4567",
    )
    assert request.subject is None
    page = client.get(fulfilment_url(request))
    assert b"Match the request to a data subject" in page.content
    refused = act(client, request, "build_package")
    assert any("not matched" in m for m in messages_of(refused))

    unknown = act(client, request, "match", subject=999999)
    assert any("No data subject found" in m for m in messages_of(unknown))
    assert act(client, request, "match", subject=subject.pk).status_code == 302
    request.refresh_from_db()
    assert request.subject == subject
    assert request.events.filter(data__subject_to=subject.pk, by=lena).exists()
    assert act(client, request, "build_package").status_code == 302
    assert AccessPackage.objects.filter(request=request).exists()


def test_retention_purges_skip_a_restricted_subject(lena):
    import datetime

    from privacyops.retention import services as retention_services
    from privacyops.retention.models import RetentionRule

    restricted, other = DataSubjectFactory(), DataSubjectFactory()
    old = timezone.now() - datetime.timedelta(days=800)
    for subject in (restricted, other):
        ActivityEventFactory.create_batch(2, subject=subject, occurred_at=old)
    DataSubject.objects.filter(pk=restricted.pk).update(processing_restricted_at=timezone.now())

    rule = RetentionRule.objects.get(code="activity-events-13-months")
    retention_services.retention_rule_run(rule=rule)
    assert ActivityEvent.objects.filter(subject=restricted).count() == 2  # stored, untouched
    assert not ActivityEvent.objects.filter(subject=other).exists()


def test_a_general_objection_is_weighed_by_legal_not_forced_into_a_marketing_opt_out(lena):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.OBJECTION, requester_email=EMAIL)
    to_approval(request, lena)
    assert services.completion_blockers(request) == []
    assert marketing.may_send(EMAIL, "newsletter")  # nothing done behind Legal's back
