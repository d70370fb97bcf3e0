"""One of each fulfilment record, made through the services (for the role matrix)."""

from privacyops.dsr import services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import RecipientNotification, RequestOutcome
from privacyops.subjects.models import CustomerDataset
from tests.dsr.factories import in_progress
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    UserFactory,
)


def _legal():
    return UserFactory(username="matrix-fulfilment")


def _subject_request(request_type: str, email: str):
    point = ContactPointFactory(value=email)
    ActivityEventFactory(subject=point.subject)
    return point.subject, in_progress(request_type=request_type, requester_email=email)


def fulfilment_row(label: str):
    legal = _legal()
    if label == "dsr.AccessPackage":
        _, request = _subject_request("access", "matrix-access@example.com")
        return services.access_package_request(request=request, by=legal)
    if label in ("dsr.ErasureCertificate", "dsr.RecipientNotification"):
        _, request = _subject_request("erasure", "matrix-erasure@example.com")
        _, plan = services.erasure_preview(request=request, by=legal)
        certificate = services.erasure_execute(request=request, by=legal, plan=plan)
        if label == "dsr.ErasureCertificate":
            return certificate
        return RecipientNotification.objects.filter(request=request).first()
    if label == "dsr.SubjectChange":
        _, request = _subject_request("rectification", "matrix-rectify@example.com")
        (change,) = services.subject_rectify(
            request=request, by=legal, changes={"full_name": "Matrix Person"}
        )
        return change
    if label == "dsr.CustomerDataForward":
        subject, request = _subject_request("erasure", "matrix-cgd@example.com")
        dataset = CustomerDataset.objects.create(
            account=AccountFactory(license_holder_email="dpo@matrix.example"),
            name="Matrix CRM",
            contents="Leads",
            location="eu",
        )
        dataset.subjects.add(subject)
        (forward,) = services.customer_data_forward(request=request, by=legal)
        return forward
    # dsr.RequestOutcome
    _, request = _subject_request("objection", "matrix-objection@example.com")
    services.marketing_objection(request=request, by=legal)
    services.request_transition(request=request, to=State.AWAITING_APPROVAL, by=legal)
    services.request_transition(request=request, to=State.COMPLETED, by=legal)
    return RequestOutcome.objects.get(request=request)
