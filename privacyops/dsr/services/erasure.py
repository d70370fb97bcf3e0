"""Erasure: a preview Legal approves, then exactly that, with a certificate."""

import hashlib
import json

from django.db import transaction

from privacyops.core import journal, registry
from privacyops.marketing import services as marketing
from privacyops.subjects.selectors import normalise_email
from privacyops.webhooks import selectors as webhook_selectors
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import EventType as WebhookEvent

from ..models import (
    AccessPackage,
    ErasureCertificate,
    PrivacyRequest,
    RecipientNotification,
    RequestEvent,
    RequestType,
)
from .access import access_package_discard
from .errors import FulfilmentError
from .events import request_event_record, request_locked
from .fulfilment import fulfilment_step_check
from .recipients import recipient_notifications_create

Kind = RequestEvent.Kind


def plan_fingerprint(report: registry.ErasureReport) -> str:
    """A fingerprint of what an erasure would do: the preview Legal approves is this plan."""
    # Rows kept are not part of what is done (the request's own history grows meanwhile).
    plan = {
        "held_by": report.held_by,
        "entries": [
            [e.model, e.action, e.kept_because]
            if e.action == "keep"
            else [e.model, e.action, e.rows, e.fields, e.changed]
            for e in report.entries
        ],
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def erasure_preview(*, request: PrivacyRequest, by) -> tuple[registry.ErasureReport, str]:
    """The dry run: model by model and field by field, what would go and what is kept and why."""
    fulfilment_step_check(request, types={RequestType.ERASURE})
    report = registry.erase(request.subject, dry_run=True)
    fingerprint = plan_fingerprint(report)
    with transaction.atomic():
        request_event_record(
            request=request,
            kind=Kind.ERASURE_PREVIEWED,
            by=by,
            note="Erasure preview shown"
            + (" (legal hold: nothing can be erased)" if report.held_by else "")
            + ".",
            plan=fingerprint,
            held_by=report.held_by,
        )
    return report, fingerprint


def _previewed_at(request: PrivacyRequest, plan: str):
    event = (
        request.events.filter(kind=Kind.ERASURE_PREVIEWED, data__plan=plan).order_by("-at").first()
    )
    return event.at if event else None


def certificate_entries(report: registry.ErasureReport) -> list[dict]:
    return [
        {
            "model": e.model,
            "title": e.title,
            "category": e.category,
            "action": e.action,
            "rows": e.rows,
            "fields": e.fields,
            "changed": e.changed,
            "kept_because": e.kept_because,
        }
        for e in report.entries
        if e.rows
    ]


@transaction.atomic
def erasure_execute(*, request: PrivacyRequest, by, plan: str) -> ErasureCertificate:
    """Erase exactly what the preview `plan` showed; refuse when anything changed since.

    Refuses under a legal hold (nothing may be erased: refuse the request citing Art. 17(3)(e)
    or wait for the release). Every e-mail address of the person goes on the suppression list
    as a salted hash first, so marketing can never add the person back. The certificate names
    what was erased, when, by whom and how much, and no erased value.
    """
    request = request_locked(request)
    fulfilment_step_check(request, types={RequestType.ERASURE})
    if request.erasure_certificates.exists():
        raise FulfilmentError("This request's erasure was already carried out.")
    subject = request.subject
    report = registry.erase(subject, dry_run=True)
    if report.held_by:
        raise FulfilmentError(
            "A legal hold covers this person: nothing can be erased now ("
            + "; ".join(report.held_by)
            + "). Refuse the request citing GDPR Art. 17(3)(e), or wait for the release."
        )
    previewed_at = _previewed_at(request, plan)
    if plan_fingerprint(report) != plan or previewed_at is None:
        raise FulfilmentError(
            "The data changed since the preview you approved (or no preview was shown): "
            "look at the new preview and confirm again."
        )
    # Before the rows go: afterwards the addresses are gone (marketing keeps only hashes).
    addresses = marketing.subject_emails(subject)
    identifiers = webhook_selectors.subject_identifiers(subject=subject, emails=addresses)
    marketing.suppression_add_for_subject(subject=subject, reason="erased")
    if request.requester_email:
        addresses.add(normalise_email(request.requester_email))
        marketing.suppression_add(email=request.requester_email, reason="erased")
    for package in AccessPackage.objects.filter(
        request__subject=subject, status=AccessPackage.Status.READY
    ):
        access_package_discard(package, reason="the person's data was erased")

    erased_categories = {e.category for e in report.entries if e.action != "keep" and e.rows}
    with journal.because(f"request {request.reference}"):
        done = registry.erase(subject, dry_run=False)
    entries = certificate_entries(done)
    certificate = ErasureCertificate.objects.create(
        request=request,
        subject=subject,
        previewed_at=previewed_at,
        executed_by=by,
        rows_deleted=sum(e["rows"] for e in entries if e["action"] == "delete rows"),
        values_erased=sum(sum(e["changed"].values()) for e in entries),
        rows_kept=sum(e["rows"] for e in entries if e["action"] == "keep"),
        addresses_suppressed=len(addresses),
        entries=entries,
    )
    request_event_record(
        request=request,
        kind=Kind.ERASED,
        by=by,
        note=f"Erasure carried out (certificate #{certificate.pk}): "
        f"{certificate.rows_deleted} rows deleted, {certificate.values_erased} values erased, "
        f"{certificate.rows_kept} rows kept with their reasons; "
        f"{certificate.addresses_suppressed} address(es) suppressed as salted hashes.",
        certificate=certificate.pk,
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.ERASURE,
        categories=erased_categories,
        by=by,
    )
    webhooks.publish(
        event_type=WebhookEvent.SUBJECT_ERASED,
        subject=subject,
        identifiers=identifiers,
        reference=request.reference,
        details={"categories": sorted(erased_categories)},
    )
    return certificate
