"""Customer-Generated Data: forwarded to the customer, touched only on its word."""

import datetime

from django.db import transaction
from django.utils import timezone

from privacyops.subjects.models import CustomerDataset

from ..lifecycle import State
from ..models import CustomerDataForward, PrivacyRequest, RequestEvent
from .errors import FulfilmentError
from .events import request_event_record, request_locked
from .letters import letter_send

Kind = RequestEvent.Kind


def customer_data_of(subject) -> dict:
    """Account -> the customer datasets (Customer-Generated Data) the subject is known in."""
    found: dict = {}
    if subject is None:
        return found
    for dataset in CustomerDataset.objects.filter(subjects=subject).select_related("account"):
        found.setdefault(dataset.account, []).append(dataset)
    return found


@transaction.atomic
def customer_data_forward(*, request: PrivacyRequest, by) -> list[CustomerDataForward]:
    """Forward the request to each customer whose hosted data holds the person; tell the
    requester. Nothing in that data changes until the customer's instruction is recorded."""
    request = request_locked(request)
    if request.state == State.REDIRECTED and request.redirect_to_id:
        return [_record_redirection(request, by)]
    if not request.is_open:
        raise FulfilmentError("The request is closed.")
    held = customer_data_of(request.subject)
    if not held:
        raise FulfilmentError("No Customer-Generated Data is known for this person.")
    made = []
    for account, datasets in held.items():
        forward, new = CustomerDataForward.objects.get_or_create(
            request=request,
            account=account,
            defaults={"forwarded_by": by, "sent_to": account.license_holder_email},
        )
        if not new:
            continue
        forward.datasets.set(datasets)
        letter_send(
            request=request,
            key="redirect_customer",
            by=by,
            to=[account.license_holder_email],
            context={"account": account, "datasets": datasets},
        )
        made.append(forward)
    if made:
        request_event_record(
            request=request,
            kind=Kind.CUSTOMER_FORWARDED,
            by=by,
            note="Forwarded to the customer(s) that control the hosted data: "
            + "; ".join(f.account.company_name for f in made)
            + ".",
            forwards=[f.pk for f in made],
        )
        letter_send(
            request=request,
            key="redirect",
            by=by,
            context={"forwarded_to": [f.account for f in made]},
        )
    return made


def _record_redirection(request: PrivacyRequest, by) -> CustomerDataForward:
    """A request redirected as a whole (services.request_redirect already wrote to the customer
    and the requester): keep a forwarding record so the customer's instruction can be recorded."""
    account = request.redirect_to
    forward, new = CustomerDataForward.objects.get_or_create(
        request=request,
        account=account,
        defaults={
            "forwarded_by": by,
            "sent_to": account.license_holder_email,
            "forwarded_at": request.closed_at or timezone.now(),
        },
    )
    if new:
        forward.datasets.set(customer_data_of(request.subject).get(account, []))
        request_event_record(
            request=request,
            kind=Kind.CUSTOMER_FORWARDED,
            by=by,
            note=f"Redirection to {account.company_name} recorded, to await its instruction.",
            forwards=[forward.pk],
        )
    return forward


@transaction.atomic
def customer_instruction_record(
    *,
    forward: CustomerDataForward,
    instruction: str,
    text: str,
    by,
    received_at: datetime.datetime | None = None,
) -> CustomerDataForward:
    """Record what the customer (the controller) instructed about its data, as received."""
    if instruction not in CustomerDataForward.Instruction.values:
        raise FulfilmentError("Choose the customer's instruction.")
    if not text.strip():
        raise FulfilmentError("Copy the customer's instruction as received.")
    forward = CustomerDataForward.objects.select_for_update().get(pk=forward.pk)
    if forward.carried_out_at:
        raise FulfilmentError("The customer's instruction was already carried out.")
    forward.instruction = instruction
    forward.instruction_text = text.strip()
    forward.instruction_received_at = received_at or timezone.now()
    forward.instruction_recorded_by = by
    forward.save()
    request_event_record(
        request=forward.request,
        kind=Kind.INSTRUCTION_RECORDED,
        by=by,
        note=f"Instruction of {forward.account.company_name} recorded: "
        f"{forward.get_instruction_display()}. {forward.instruction_text}",
        forward=forward.pk,
        instruction=instruction,
    )
    return forward


@transaction.atomic
def customer_instruction_carry_out(*, forward: CustomerDataForward, by) -> CustomerDataForward:
    """Act on the customer's recorded instruction, and only on it."""
    forward = CustomerDataForward.objects.select_for_update().get(pk=forward.pk)
    if not forward.instruction:
        raise FulfilmentError(
            "Nothing in Customer-Generated Data is touched without the customer's recorded "
            "instruction: record it first."
        )
    if forward.carried_out_at:
        raise FulfilmentError("Already carried out.")
    subject = forward.request.subject
    removed = 0
    if forward.instruction == CustomerDataForward.Instruction.REMOVE and subject is not None:
        for dataset in forward.datasets.all():
            if dataset.subjects.filter(pk=subject.pk).exists():
                dataset.subjects.remove(subject)
                removed += 1
    forward.carried_out_at = timezone.now()
    forward.save(update_fields=["carried_out_at"])
    request_event_record(
        request=forward.request,
        kind=Kind.INSTRUCTION_APPLIED,
        by=by,
        note=f"Instruction of {forward.account.company_name} carried out: "
        f"{forward.get_instruction_display()}"
        + (f" ({removed} dataset(s) no longer list the person)." if removed else "."),
        forward=forward.pk,
    )
    return forward
