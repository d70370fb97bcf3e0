"""The people and pages the fulfilment tests (and the browser tests) share."""

from django.urls import reverse
from django.utils import timezone

from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.incidents import services as incidents
from privacyops.incidents.models import CustomerNotice, SubjectCommunication, SubjectDelivery
from privacyops.marketing import services as marketing
from privacyops.marketing.models import PolicyNotice
from privacyops.marketing.selectors import email_hash
from privacyops.subjects import services as subject_services
from privacyops.subjects.models import (
    AccountContact,
    CustomerDataset,
    DataSubject,
    LicenseHolderChange,
)
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import WebhookEndpoint
from tests.disclosures.factories import disclosure
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
    UserFactory,
)
from tests.marketing.factories import material_version, receipt

EMAIL = "maria.ivanova@example.com"


def subject_in_every_model(email: str = EMAIL) -> DataSubject:
    """A person with rows in every model of the registry (the request's own rows come later)."""
    subject = DataSubjectFactory(full_name="Maria Ivanova", title="CEO")
    # Staff corrected her title in the admin: the change is in her personal-data history.
    subject_services.data_subject_update(
        subject=subject, changes={"title": "CFO"}, by=UserFactory(username="legal-maria")
    )
    subject.refresh_from_db()
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
    # The mail platform heard of that opt-out by webhook (an event about her, then the
    # endpoint was switched off, so nothing else here is sent).
    endpoint, _ = webhooks.endpoint_create(name="Mail platform", url="https://mail.example.com/")
    marketing.subscription_unsubscribe(subject=subject, channel="events")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    # Security incidents: she reported one, her company was notified, she was told (Art. 34).
    incident = incidents.incident_report(
        description="The export link in my account shows other customers' data.",
        reporter_name="Maria Ivanova",
        reporter_email=email,
    )
    CustomerNotice.objects.create(
        incident=incident, account=account, subject="Security incident", body="Dear customer"
    )
    communication = SubjectCommunication.objects.create(
        incident=incident, subject="About your data", body="Dear Maria"
    )
    SubjectDelivery.objects.create(
        communication=communication, subject=subject, outcome=SubjectDelivery.Outcome.SENT
    )
    # On paper she refused advertising (a consent receipt), she was told of a material change
    # of the policy, and a court order made us disclose her login history.
    receipt(subject=subject)
    PolicyNotice.objects.create(
        policy_version=material_version(version="maria"),
        subject=subject,
        email_hash=email_hash(email),
        address_masked="m•••@example.com",
        audience=PolicyNotice.Audience.ACCOUNT_CONTACT,
        status=PolicyNotice.Status.SENT,
    )
    disclosure(subjects=[subject])
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
