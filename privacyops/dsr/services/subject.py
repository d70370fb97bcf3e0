"""Rectification, restriction and objection to direct marketing."""

from django.db import transaction
from django.utils import timezone

from privacyops.core import registry
from privacyops.marketing import services as marketing
from privacyops.subjects.models import ContactPoint, DataSubject
from privacyops.subjects.selectors import normalise_email
from privacyops.webhooks import selectors as webhook_selectors
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import EventType as WebhookEvent

from ..models import (
    PrivacyRequest,
    RecipientNotification,
    RequestEvent,
    RequestType,
    SubjectChange,
)
from .errors import FulfilmentError
from .events import request_event_record, request_locked
from .fulfilment import OBJECTION_TYPES, fulfilment_step_check
from .recipients import categories_held, recipient_notifications_create

Kind = RequestEvent.Kind

# What legal may correct through a rectification: subject fields and primary contact points.
RECTIFIABLE_FIELDS = {
    "full_name": "name",
    "title": "title",
    "email": "e-mail address",
    "phone": "telephone number",
    "postal": "postal address",
}
_CONTACT_KINDS = {
    "email": ContactPoint.Kind.EMAIL,
    "phone": ContactPoint.Kind.PHONE,
    "postal": ContactPoint.Kind.POSTAL,
}


def subject_details(subject: DataSubject) -> dict[str, str]:
    """The current values of the details a rectification may correct."""
    details = {"full_name": subject.full_name, "title": subject.title}
    for name, kind in _CONTACT_KINDS.items():
        point = _primary(subject, kind)
        details[name] = point.value if point else ""
    return details


def _primary(subject: DataSubject, kind: str) -> ContactPoint | None:
    return (
        ContactPoint.objects.filter(subject=subject, kind=kind)
        .order_by("-is_primary", "pk")
        .first()
    )


@transaction.atomic
def subject_rectify(
    *, request: PrivacyRequest, by, changes: dict[str, str], note: str = ""
) -> list[SubjectChange]:
    """Correct the subject's details; each change goes into the history and the change log.

    `changes` maps RECTIFIABLE_FIELDS to new values; unchanged values record nothing.
    """
    request = request_locked(request)
    fulfilment_step_check(request, types={RequestType.RECTIFICATION})
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise FulfilmentError(f"Not a detail that can be corrected here: {', '.join(unknown)}.")
    subject = DataSubject.objects.select_for_update().get(pk=request.subject_id)
    before = subject_details(subject)
    # What the recipients hold now, before the correction (the old address included).
    identifiers = webhook_selectors.subject_identifiers(subject=subject)
    made = []
    for name, value in changes.items():
        value = (value or "").strip()
        if name == "email":
            value = normalise_email(value)
        if value == before[name]:
            continue
        if name in _CONTACT_KINDS:
            point = _primary(subject, _CONTACT_KINDS[name])
            if point and value:
                point.value = value
                point.save(update_fields=["value"])
            elif point:
                point.delete()
            else:
                ContactPoint.objects.create(
                    subject=subject, kind=_CONTACT_KINDS[name], value=value, is_primary=True
                )
        else:
            setattr(subject, name, value)
            subject.save(update_fields=[name])
        made.append(
            SubjectChange.objects.create(
                subject=subject,
                request=request,
                field=name,
                old_value=before[name],
                new_value=value,
                changed_by=by,
            )
        )
    if not made:
        return []
    request_event_record(
        request=request,
        kind=Kind.RECTIFIED,
        by=by,
        note="Rectified: "
        + "; ".join(
            f"{RECTIFIABLE_FIELDS[c.field]} {c.old_value or '(empty)'!r} → "
            f"{c.new_value or '(empty)'!r}"
            for c in made
        )
        + (f". {note.strip()}" if note.strip() else "."),
        changes=[{"field": c.field, "old": c.old_value, "new": c.new_value} for c in made],
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.RECTIFICATION,
        categories=[registry.CATEGORY_NAMES[registry.PERSONAL_INFORMATION]],
        by=by,
    )
    # The names of the details corrected, never their values: the recipient asks us (Art. 19).
    webhooks.publish(
        event_type=WebhookEvent.SUBJECT_RECTIFIED,
        subject=subject,
        identifiers=identifiers,
        reference=request.reference,
        details={"fields": sorted({c.field for c in made})},
    )
    return made


@transaction.atomic
def subject_restrict(*, request: PrivacyRequest, by, note: str = "") -> DataSubject:
    """Mark the subject's processing as restricted (GDPR Art. 18): storage only from now on.

    Jobs and exports skip a restricted subject; its recipients are to be notified.
    """
    request = request_locked(request)
    fulfilment_step_check(request, types={RequestType.RESTRICTION})
    subject = DataSubject.objects.select_for_update().get(pk=request.subject_id)
    if subject.processing_restricted_at is not None:
        raise FulfilmentError(
            f"Processing is already restricted since {subject.processing_restricted_at:%d %b %Y}."
        )
    subject.processing_restricted_at = timezone.now()
    subject.save(update_fields=["processing_restricted_at"])
    SubjectChange.objects.create(
        subject=subject,
        request=request,
        field="processing_restricted_at",
        old_value="",
        new_value=subject.processing_restricted_at.isoformat(),
        changed_by=by,
    )
    request_event_record(
        request=request,
        kind=Kind.RESTRICTED,
        by=by,
        note="Processing restricted (Art. 18): storage only."
        + (f" {note.strip()}" if note.strip() else ""),
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.RESTRICTION,
        categories=categories_held(subject),
        by=by,
    )
    webhooks.publish(
        event_type=WebhookEvent.PROCESSING_RESTRICTED,
        subject=subject,
        identifiers=webhook_selectors.subject_identifiers(subject=subject),
        reference=request.reference,
    )
    return subject


@transaction.atomic
def subject_restriction_lift(*, subject: DataSubject, by, reason: str, request=None) -> DataSubject:
    """Lift a restriction (the person must have been told before, Art. 18(3)); say why."""
    if not reason.strip():
        raise FulfilmentError("Say why the restriction is lifted (and that the person was told).")
    subject = DataSubject.objects.select_for_update().get(pk=subject.pk)
    if subject.processing_restricted_at is None:
        raise FulfilmentError("Processing of this person's data is not restricted.")
    old = subject.processing_restricted_at.isoformat()
    subject.processing_restricted_at = None
    subject.save(update_fields=["processing_restricted_at"])
    SubjectChange.objects.create(
        subject=subject,
        request=request,
        field="processing_restricted_at",
        old_value=old,
        new_value="",
        changed_by=by,
    )
    if request is not None:
        request_event_record(
            request=request,
            kind=Kind.RESTRICTION_LIFTED,
            by=by,
            note=f"Restriction lifted: {reason.strip()}",
        )
    return subject


@transaction.atomic
def marketing_objection(*, request: PrivacyRequest, by):
    """An objection to direct marketing always succeeds: every channel, at once (Art. 21(3))."""
    request = request_locked(request)
    if request.request_type not in OBJECTION_TYPES:
        raise FulfilmentError("Only an objection or a marketing opt-out is recorded this way.")
    if not request.is_open:
        raise FulfilmentError("The request is closed.")
    if not (request.subject_id or request.requester_email):
        raise FulfilmentError("Match a data subject or give the requester's e-mail address.")
    opt_out = marketing.marketing_objection_record(
        email=request.requester_email,
        subject=request.subject,
        source=f"privacy request {request.reference}",
        by=by,
    )
    request_event_record(
        request=request,
        kind=Kind.OBJECTION_RECORDED,
        by=by,
        note="Objection to direct marketing recorded: opted out of every marketing channel "
        "(Art. 21(3)).",
        opt_out=opt_out.pk,
    )
    webhooks.publish(
        event_type=WebhookEvent.OBJECTION,
        subject=request.subject,
        identifiers=webhook_selectors.subject_identifiers(
            subject=request.subject, emails=[normalise_email(request.requester_email)]
        ),
        reference=request.reference,
        details={"objection_to": "direct marketing"},
    )
    return opt_out


def objection_recorded(request: PrivacyRequest) -> bool:
    """Whether the objection to direct marketing of this request was recorded."""
    return request.events.filter(kind=Kind.OBJECTION_RECORDED).exists()


@transaction.atomic
def request_match_subject(*, request: PrivacyRequest, subject: DataSubject, by) -> PrivacyRequest:
    """Say which data subject an open request is about (when the e-mail given did not match,
    or the request came by telephone or post). Recorded in the history."""
    request = request_locked(request)
    if not request.is_open:
        raise FulfilmentError("The request is closed.")
    if request.subject_id == subject.pk:
        return request
    if request.erasure_certificates.exists():
        raise FulfilmentError("The erasure was carried out for the subject already matched.")
    old = request.subject_id
    request.subject = subject
    request.save(update_fields=["subject", "updated_at"])
    request_event_record(
        request=request,
        kind=Kind.SUBJECT_MATCHED,
        by=by,
        note=f"Matched to data subject #{subject.pk}" + (f" (was #{old})." if old else "."),
        subject_from=old,
        subject_to=subject.pk,
    )
    return request
