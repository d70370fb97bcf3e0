"""Fulfilment of each kind of request, end to end through the admin (test client).

Subjects: one with data in every registered model, one under a legal hold, one with
Customer-Generated Data.
"""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from privacyops.core import registry, roles
from privacyops.core.models import JobRun
from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    PrivacyRequest,
    RecipientNotification,
    RequestEvent,
    RequestOutcome,
    RequestType,
    SubjectChange,
)
from privacyops.marketing import services as marketing
from privacyops.marketing.models import Subscription, SuppressionEntry
from privacyops.marketing.selectors import email_hash
from privacyops.retention import services as retention
from privacyops.subjects.models import (
    AccountContact,
    ActivityEvent,
    ContactPoint,
    CustomerDataset,
    DataSubject,
    LicenseHolderChange,
)
from tests.dsr.factories import in_progress
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "maria.ivanova@example.com"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.PRIVATE_STORAGE_ROOT)


@pytest.fixture
def eager_celery():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def lena(client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(user)
    return user


def subject_in_every_model(email: str = EMAIL) -> DataSubject:
    """A person with rows in every model of the registry (the request's own rows come later)."""
    subject = DataSubjectFactory(full_name="Maria Ivanova", title="CFO")
    ContactPointFactory(subject=subject, value=email)
    ContactPointFactory(subject=subject, kind="phone", value="+359 88 123 4567")
    account = AccountFactory(
        license_holder=subject, license_holder_email=email, company_name="Rousse Trade"
    )
    AccountContact.objects.create(account=account, subject=subject, role="license_holder")
    LicenseHolderChange.objects.create(
        account=account,
        requested_by=subject,
        channel="email",
        made_by=UserFactory(username="rep-ana"),
        old_values={},
        new_values={"license_holder_phone": "+359 88 123 4567"},
    )
    ActivityEventFactory.create_batch(3, subject=subject)
    dataset = CustomerDataset.objects.create(
        account=AccountFactory(license_holder_email="dpo@client.example", company_name="Client"),
        name="Client CRM",
        contents="Leads",
        location="eu-central",
    )
    dataset.subjects.add(subject)
    marketing.subscription_opt_in(
        subject=subject,
        email=email,
        channel="newsletter",
        consented_at=timezone.now(),
        source="web_form",
    )
    marketing.subscription_opt_in(
        subject=subject,
        email=email,
        channel="events",
        consented_at=timezone.now(),
        source="web_form",
    )
    marketing.subscription_unsubscribe(subject=subject, channel="events")
    return subject


def fulfilment_url(request) -> str:
    return reverse("admin:dsr_privacyrequest_fulfilment", args=[request.pk])


def act(client, request, action: str, **data):
    return client.post(fulfilment_url(request), {"action": action, **data})


def to_approval(request, by):
    return services.request_transition(request=request, to=State.AWAITING_APPROVAL, by=by)


def mark_all_notices(client, request) -> int:
    notices = list(request.recipient_notifications.all())
    for notice in notices:
        response = act(
            client, request, "notice", notification=notice.pk, status="sent", note="e-mail"
        )
        assert response.status_code == 302
    return len(notices)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- access and portability ------------------------------------------------------------------


def test_access_package_built_in_a_task_stored_privately_downloaded_by_signed_link(
    client, raw_client, lena, eager_celery, private_storage, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    assert request.subject == subject

    page = client.get(fulfilment_url(request))
    assert page.status_code == 200 and b"Build the package" in page.content
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = act(client, request, "build_package")
    assert response.status_code == 302
    assert b'http-equiv="refresh"' in client.get(fulfilment_url(request)).content  # progress
    for callback in queued:
        callback()  # the transaction commits: the task runs (eagerly here)
    assert b'http-equiv="refresh"' not in client.get(fulfilment_url(request)).content

    package = AccessPackage.objects.get(request=request)
    assert package.status == AccessPackage.Status.READY
    assert package.records["Other Information"] == 3
    run = package.job_run
    assert run.job == "dsr.access_package" and run.status == JobRun.Status.SUCCEEDED
    assert (run.progress_done, run.progress_total) == (3, 3)
    stored = private_storage / "access-packages" / package.stored_as
    assert stored.exists() and oct(stored.stat().st_mode)[-3:] == "600"
    assert not any(Path(private_storage.parent / "media").rglob("*.zip"))
    archive = zipfile.ZipFile(stored)
    assert {"personal-data.json", "summary.html"} <= set(archive.namelist())

    # The requester: GET shows a button (mail scanners do not count), POST downloads.
    link = services.access_package_link(package=package)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = raw_client.get(f"/{path}")
    assert page.status_code == 200 and b"Download my data" in page.content
    assert (
        RequestEvent.objects.filter(
            request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED
        ).count()
        == 0
    )
    download = raw_client.post(f"/{path}")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("personal-data.json")
    assert "attachment" in download["Content-Disposition"]
    # Staff copy, also recorded.
    staff = client.get(reverse("admin:dsr_privacyrequest_package", args=[request.pk, package.pk]))
    assert staff.status_code == 200
    downloads = RequestEvent.objects.filter(
        request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED
    )
    assert downloads.count() == 2
    assert {e.by for e in downloads} == {None, lena}
    package.refresh_from_db()
    assert package.downloads == 2

    # Staff who follow the link from the letter in the history are named, not taken for
    # the requester.
    client.post(f"/{path}")
    assert (
        RequestEvent.objects.filter(
            request=request, kind=RequestEvent.Kind.PACKAGE_DOWNLOADED, by=lena
        ).count()
        == 2
    )

    # A forged or tampered link gives nothing.
    assert client.get(f"/privacy/package/{path.split('/')[-2]}x/").status_code == 410

    # Completion: approval, then the letter carries the link; response time recorded.
    to_approval(request, lena)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, request, "complete")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    (letter,) = mail.outbox
    assert letter.to == [EMAIL]
    assert "/privacy/package/" in letter.body and "Download it" in letter.body
    outcome = RequestOutcome.objects.get(request=request)
    assert outcome.response_days == 0 and outcome.on_time
    assert "/privacy/package/" not in outcome.summary  # the link is a secret: letter only


def test_expired_package_link_and_expiry_job(client, lena, eager_celery, private_storage):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.PORTABILITY, requester_email=EMAIL)
    package = services.access_package_request(request=request, by=lena)
    services.access_package_build(package_id=package.pk)
    package.refresh_from_db()
    link = services.access_package_link(package=package)
    AccessPackage.objects.filter(pk=package.pk).update(expires_at=timezone.now())

    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410

    run = services.access_packages_expire()
    assert run.summary == {"expired": 1}
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.EXPIRED
    assert not (private_storage / "access-packages" / package.stored_as).exists()
    assert services.access_packages_expire().summary == {"expired": 0}  # idempotent
    # Completion needs a package on offer.
    to_approval(request, lena)
    assert any("package" in b for b in services.completion_blockers(request))


def test_package_build_failure_is_recorded(lena, monkeypatch):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    package = services.access_package_request(request=request, by=lena)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.access.packages, "access_package_build", broken)
    with pytest.raises(RuntimeError):
        services.access_package_build(package_id=package.pk)
    package.refresh_from_db()
    assert package.status == AccessPackage.Status.FAILED and "disk full" in package.error
    assert package.job_run.status == JobRun.Status.FAILED


# --- erasure ---------------------------------------------------------------------------------


def test_erasure_preview_then_exactly_that_certificate_suppression_recipients(
    client, lena, django_capture_on_commit_callbacks
):
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    SubjectChange.objects.create(
        subject=subject, field="title", old_value="CEO", new_value="CFO", changed_by=lena
    )
    held = {r.label for r in registry.registrations() if r.rows_of(subject).exists()}
    # Every registered model holds something about this person (the forwarding comes later).
    assert held == {r.label for r in registry.registrations()} - {"dsr.CustomerDataForward"}

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
    assert SubjectChange.objects.get(subject=subject).old_value == "[erased]"
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


# --- Customer-Generated Data -----------------------------------------------------------------


def test_customer_generated_data_is_forwarded_and_touched_only_on_instruction(
    client, lena, django_capture_on_commit_callbacks
):
    subject = DataSubjectFactory(full_name="Petar Kolev")
    ContactPointFactory(subject=subject, value="petar@example.com")
    customer = AccountFactory(company_name="Client Ltd", license_holder_email="dpo@client.example")
    dataset = CustomerDataset.objects.create(
        account=customer, name="Client CRM", contents="Leads", location="eu"
    )
    dataset.subjects.add(subject)
    request = in_progress(request_type=RequestType.ERASURE, requester_email="petar@example.com")

    page = client.get(fulfilment_url(request))
    assert b"Client CRM" in page.content and b"Forward to the customer" in page.content

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, request, "forward").status_code == 302
    forward = CustomerDataForward.objects.get(request=request)
    assert forward.account == customer and list(forward.datasets.all()) == [dataset]
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["dpo@client.example", "petar@example.com"]  # customer, and the requester told
    customer_letter = next(m for m in mail.outbox if m.to == ["dpo@client.example"])
    assert "petar@example.com" in customer_letter.body and "controller" in customer_letter.body

    # Nothing is touched without the customer's recorded instruction.
    early = act(client, request, "carry_out", forward=forward.pk)
    assert any("instruction" in m for m in messages_of(early))
    assert dataset.subjects.filter(pk=subject.pk).exists()

    # Our own data is erased; the customer's is kept with its reason.
    plan = act(client, request, "erasure_preview").context["plan"]
    act(client, request, "erasure_execute", plan=plan)
    assert dataset.subjects.filter(pk=subject.pk).exists()

    act(
        client,
        request,
        "instruction",
        forward=forward.pk,
        instruction="remove",
        text="Please delete Petar Kolev from our CRM. — Client Ltd DPO",
    )
    forward.refresh_from_db()
    assert forward.instruction == "remove" and forward.instruction_recorded_by == lena
    act(client, request, "carry_out", forward=forward.pk)
    assert not dataset.subjects.filter(pk=subject.pk).exists()
    forward.refresh_from_db()
    assert forward.carried_out_at
    notes = " ".join(request.events.values_list("note", flat=True))
    assert "Instruction of Client Ltd recorded" in notes and "carried out" in notes

    mark_all_notices(client, request)
    to_approval(request, lena)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, request, "complete")
    assert "forwarded to them" in mail.outbox[0].body


# --- rectification, restriction, objection ---------------------------------------------------


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


# --- rules that hold whatever the path -------------------------------------------------------


def test_completion_is_blocked_through_the_next_step_page_too(client, lena):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=EMAIL)
    to_approval(request, lena)
    response = client.post(
        reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]),
        {"step": State.COMPLETED, "text": ""},
    )
    assert response.status_code == 200
    assert "cannot be completed yet" in response.content.decode()
    assert PrivacyRequest.objects.get(pk=request.pk).state == State.AWAITING_APPROVAL


def test_steps_need_the_request_in_progress_and_the_right_kind(lena):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ACCESS, requester_email=EMAIL)
    with pytest.raises(services.FulfilmentError):
        services.erasure_preview(request=request, by=lena)
    to_approval(request, lena)
    with pytest.raises(services.FulfilmentError):
        services.access_package_request(request=request, by=lena)


def test_auditor_sees_the_fulfilment_page_but_cannot_act(client):
    subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    assert client.get(fulfilment_url(request)).status_code == 200
    assert act(client, request, "erasure_preview").status_code == 403
    assert ContactPoint.objects.filter(subject=request.subject).count() == 2


def test_change_page_links_to_fulfilment(client, lena):
    request = in_progress()
    page = client.get(reverse("admin:dsr_privacyrequest_change", args=[request.pk]))
    assert fulfilment_url(request).encode() in page.content


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


def test_dashboard_panel_and_response_times(client, lena, django_capture_on_commit_callbacks):
    from privacyops.core.dashboard import panels_for
    from privacyops.dsr import selectors

    subject_in_every_model()
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email=EMAIL)
    act(client, request, "restrict")
    panel = next(p for p in panels_for(lena) if p.title == "Fulfilment of privacy requests")
    pending = request.recipient_notifications.count()
    assert panel.bars[0].value == pending > 0
    assert selectors.response_times()["answered"] == 0

    mark_all_notices(client, request)
    to_approval(request, lena)
    act(client, request, "complete")
    times = selectors.response_times()
    assert times == {"answered": 1, "median_days": 0, "on_time_percent": 100}
    assert client.get("/admin/").status_code == 200
    auditor = UserFactory(username="anton", role=roles.AUDITOR)
    assert any(p.title == "Fulfilment of privacy requests" for p in panels_for(auditor))
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    assert not any(p.title == "Fulfilment of privacy requests" for p in panels_for(rep))


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


def test_a_request_redirected_as_a_whole_still_awaits_the_customers_instruction(
    client, lena, django_capture_on_commit_callbacks
):
    subject = DataSubjectFactory(full_name="Ivo Stoev")
    ContactPointFactory(subject=subject, value="ivo@example.com")
    customer = AccountFactory(company_name="Hosted Co", license_holder_email="dpo@hosted.example")
    dataset = CustomerDataset.objects.create(
        account=customer, name="Support tickets", contents="Tickets", location="eu"
    )
    dataset.subjects.add(subject)
    request = in_progress(request_type=RequestType.ERASURE, requester_email="ivo@example.com")
    response = client.post(
        reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]),
        {"step": State.REDIRECTED, "text": "Only the customer's data.", "account": customer.pk},
    )
    assert response.status_code == 302
    page = client.get(fulfilment_url(request))
    assert b"Await the customer" in page.content

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, request, "forward").status_code == 302
    assert mail.outbox == []  # the redirection already wrote to both
    forward = CustomerDataForward.objects.get(request=request, account=customer)
    assert list(forward.datasets.all()) == [dataset]
    act(client, request, "instruction", forward=forward.pk, instruction="remove", text="Delete")
    act(client, request, "carry_out", forward=forward.pk)
    assert not dataset.subjects.filter(pk=subject.pk).exists()
