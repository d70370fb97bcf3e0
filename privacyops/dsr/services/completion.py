"""Completion: what still blocks it, the outcome in the letter, response time."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..lifecycle import State
from ..models import (
    AccessPackage,
    PrivacyRequest,
    RecipientNotification,
    RequestOutcome,
    RequestType,
)
from .access import access_package_link
from .errors import CompletionBlocked, RequestError
from .fulfilment import ACCESS_TYPES, OBJECTION_TYPES
from .recipients import (
    recipient_acknowledgements,
    recipient_notifications_acknowledged,
    recipients_awaiting_webhook,
)
from .subject import RECTIFIABLE_FIELDS, objection_recorded


def _ready_package(request: PrivacyRequest) -> AccessPackage | None:
    return (
        request.access_packages.filter(status=AccessPackage.Status.READY)
        .order_by("-built_at")
        .first()
    )


def completion_blockers(request: PrivacyRequest) -> list[str]:
    """What still stands between this request and its completion (empty: it may complete)."""
    blockers = []
    kind = request.request_type
    if kind in ACCESS_TYPES:
        package = _ready_package(request)
        if package is None or not package.is_available:
            blockers.append("Build the access package first.")
    elif kind == RequestType.ERASURE and not request.erasure_certificates.exists():
        blockers.append("Carry out the erasure first (or refuse the request with the reason).")
    elif kind == RequestType.RESTRICTION and not (
        request.subject_id and request.subject.processing_restricted_at
    ):
        blockers.append("Restrict the processing first.")
    elif kind == RequestType.MARKETING_OPT_OUT and not objection_recorded(request):
        # An Art. 21(1) objection may be about other processing: Legal weighs it and answers;
        # an objection to direct marketing is simply carried out.
        blockers.append("Record the objection to direct marketing first.")
    pending = request.recipient_notifications.filter(status=RecipientNotification.Status.PENDING)
    acknowledged = recipient_acknowledgements(request)  # ticked off at completion
    awaiting = recipients_awaiting_webhook(request)
    pending = [n for n in pending.select_related("recipient") if n.pk not in acknowledged]
    by_webhook = [n.recipient.name for n in pending if n.pk in awaiting]
    names = [n.recipient.name for n in pending if n.pk not in awaiting]
    if by_webhook:
        blockers.append(
            "Waiting for the webhook endpoint of each recipient to acknowledge the "
            "notification (Art. 19): " + "; ".join(by_webhook) + "."
        )
    if names:
        blockers.append(
            "Mark each recipient notification (Art. 19) as sent or impossible: "
            + "; ".join(names)
            + "."
        )
    return blockers


def completion_check(request: PrivacyRequest) -> None:
    """Raise CompletionBlocked unless the request may be completed (request_transition asks).

    Notifications the recipients' endpoints acknowledged are ticked off first."""
    recipient_notifications_acknowledged(request=request)
    blockers = completion_blockers(request)
    if blockers:
        raise CompletionBlocked(
            f"{request.reference} cannot be completed yet: " + " ".join(blockers)
        )


def _day(value) -> str:
    """A day as the letter's language writes it (05 December 2026, 05 Декември 2026)."""
    return date_format(value, "d F Y")


def completion_outcome(
    request: PrivacyRequest, *, with_link: bool = True, with_values: bool = True
) -> str:
    """The part of the completion letter that says what was done (and the package link).

    Without values (the outcome record that statistics read) a correction names the field only:
    the corrected value is personal data, kept encrypted in the request's own change rows."""
    lines = []
    kind = request.request_type
    if kind in ACCESS_TYPES:
        package = _ready_package(request)
        if package:
            lines.append(
                _(
                    "Your personal data is ready. Download it (a ZIP file with a readable "
                    "summary, a machine-readable JSON file and a CSV file per category) from "
                    "this link until %(date)s:"
                )
                % {"date": _day(package.expires_at)}
                + "\n\n"
                + (access_package_link(package=package) if with_link else "[link]")
            )
    elif kind == RequestType.ERASURE:
        certificate = request.erasure_certificates.order_by("-executed_at").first()
        if certificate:
            lines.append(
                _(
                    "We erased your personal data on %(date)s: %(rows)d records deleted and "
                    "%(values)d details blanked, masked or replaced by a one-way fingerprint."
                )
                % {
                    "date": _day(certificate.executed_at),
                    "rows": certificate.rows_deleted,
                    "values": certificate.values_erased,
                }
            )
            kept = [e for e in certificate.entries if e["action"] == "keep"]
            if kept:
                lines.append(_("We keep the following, for the reason given:"))
                lines += [f"- {e['title']}: {e['kept_because']}" for e in kept]
            lines.append(
                _(
                    "Your e-mail address is kept only as a one-way fingerprint on our "
                    "suppression list, so that we never send you marketing again."
                )
            )
    elif kind == RequestType.RECTIFICATION:
        changes = request.subject_changes.order_by("changed_at", "pk")
        if changes:
            lines.append(_("We corrected:"))
            lines += [
                _("- %(field)s: now %(value)s")
                % {
                    "field": RECTIFIABLE_FIELDS.get(c.field, c.field),
                    "value": c.new_value or _("(removed)"),
                }
                if with_values
                else f"- {RECTIFIABLE_FIELDS.get(c.field, c.field)}"
                for c in changes
            ]
        else:
            lines.append(_("We checked your details and found nothing to correct."))
    elif kind == RequestType.RESTRICTION and request.subject_id:
        since = request.subject.processing_restricted_at
        if since:
            lines.append(
                _(
                    "Since %(date)s we only store your data and do not otherwise use it. "
                    "We will tell you before the restriction is lifted."
                )
                % {"date": _day(since)}
            )
    elif kind in OBJECTION_TYPES and objection_recorded(request):
        lines.append(
            _(
                "You will no longer receive marketing from us by any channel. Messages about "
                "your contract and legally required notices are not affected."
            )
        )
    notified = request.recipient_notifications.filter(
        status=RecipientNotification.Status.SENT
    ).select_related("recipient")
    if notified:
        lines.append(
            _("We informed the recipients of your data: %(names)s.")
            % {"names": "; ".join(sorted({n.recipient.name for n in notified}))}
        )
    forwards = request.customer_forwards.select_related("account")
    if forwards:
        lines.append(
            _(
                "The part of your request about data we host for our customer(s) %(names)s "
                "was forwarded to them: they decide about that data."
            )
            % {"names": ", ".join(f.account.company_name for f in forwards)}
        )
    return "\n\n".join(lines)


# How each closing state is counted in the statistics (a repeat linked to its original is not
# a request of its own and has no outcome).
RESULT_OF_STATE = {
    State.COMPLETED: RequestOutcome.Result.COMPLIED,
    State.REFUSED: RequestOutcome.Result.REFUSED,
    State.REDIRECTED: RequestOutcome.Result.REDIRECTED,
    State.WITHDRAWN: RequestOutcome.Result.WITHDRAWN,
    State.CLOSED_UNCONFIRMED: RequestOutcome.Result.CLOSED_UNCONFIRMED,
}


def complied_in_part(request: PrivacyRequest) -> bool:
    """A completed request was complied with only in part when some of what it asked was not
    done by us: data kept after an erasure (a legal hold, a legal obligation such as billing
    records; not the records of the request itself, which every erasure keeps as evidence),
    or the part about a customer's data forwarded to that customer, who decides about it."""
    if request.customer_forwards.exists():
        return True
    return any(
        entry.get("action") == "keep"
        and entry.get("rows")
        and not entry.get("model", "").startswith("dsr.")
        for certificate in request.erasure_certificates.all()
        for entry in certificate.entries
    )


def refusal_ground_default(previous_state: str) -> str:
    """A refusal while waiting for identity is for want of identity; otherwise the ground is
    the one Legal named, or "other" (the letter says why)."""
    if previous_state == State.AWAITING_IDENTITY:
        return RequestOutcome.RefusalGround.IDENTITY
    return RequestOutcome.RefusalGround.OTHER


def outcome_record(request: PrivacyRequest, *, refusal_ground: str = "") -> RequestOutcome:
    """Record how and how fast the request was closed (called on every closing path)."""
    result = RESULT_OF_STATE.get(State(request.state), RequestOutcome.Result.COMPLIED)
    if result == RequestOutcome.Result.COMPLIED and complied_in_part(request):
        result = RequestOutcome.Result.COMPLIED_IN_PART
    if result == RequestOutcome.Result.REFUSED:
        refusal_ground = refusal_ground or RequestOutcome.RefusalGround.OTHER
        if refusal_ground not in RequestOutcome.RefusalGround.values:
            raise RequestError(f"Unknown ground for refusal {refusal_ground!r}.")
    else:
        refusal_ground = ""
    completed_at = request.closed_at or timezone.now()
    completed_on = timezone.localdate(completed_at)
    answered = result in (RequestOutcome.Result.COMPLIED, RequestOutcome.Result.COMPLIED_IN_PART)
    outcome, _created = RequestOutcome.objects.update_or_create(
        request=request,
        defaults={
            "request_type": request.request_type,
            "regime": request.regime,
            "result": result,
            "refusal_ground": refusal_ground,
            "received_at": request.received_at,
            "completed_at": completed_at,
            "response_days": max(0, (completed_on - request.received_on).days),
            "paused_days": request.paused_days,
            "due_date": request.due_date,
            "on_time": completed_on <= request.due_date,
            # The reason of a refusal or redirect stays in the request and its letter.
            "summary": completion_outcome(request, with_link=False, with_values=False)
            if answered
            else RequestOutcome.Result(result).label,
        },
    )
    return outcome
