"""Customer-Generated Data: forwarded to the customer, touched only on its recorded word."""

import pytest
from django.core import mail
from django.urls import reverse

from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import (
    CustomerDataForward,
    RequestType,
)
from privacyops.subjects.models import (
    CustomerDataset,
)
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import (
    act,
    fulfilment_url,
    mark_all_notices,
    messages_of,
    to_approval,
)
from tests.factories import (
    AccountFactory,
    ContactPointFactory,
    DataSubjectFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


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
