"""Business operations on privacy requests.

Every change of state goes through `request_transition`, which asks the transition table
(`lifecycle.check_transition`) first, keeps the legal clock (pause while waiting for identity,
resume on proof, recompute the due date), writes the history entry and the letter. Nothing
else writes `PrivacyRequest.state`.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from privacyops.core.signed_links import signed_payload
from privacyops.subjects.selectors import normalise_email, subject_for_email

from .. import deadlines
from ..lifecycle import CLOCK_STOPPED, FINAL, OPEN, State, check_transition
from ..models import Channel, PrivacyRequest, RequestEvent, RequestType
from .completion import (
    RESULT_OF_STATE,
    completion_check,
    completion_outcome,
    outcome_record,
    refusal_ground_default,
)
from .errors import ConfirmationInvalid, RequestError
from .events import request_event_record, request_locked
from .letters import letter_send

CONFIRMATION_SALT = "privacyops.dsr.confirm"
Kind = RequestEvent.Kind

# The letter each state change sends to the requester (none for internal steps).
LETTER_ON_ENTERING = {
    State.COMPLETED: "complete",
    State.REFUSED: "refuse",
    State.REDIRECTED: "redirect",
    State.WITHDRAWN: "withdrawn",
    State.CLOSED_UNCONFIRMED: "unconfirmed_closed",
    State.AWAITING_IDENTITY: "verify",
}


__all__ = [
    "CONFIRMATION_SALT",
    "ConfirmationInvalid",
    "RequestError",
    "compute_due_date",
    "extension_refusal",
    "letter_language",
    "request_assign",
    "request_confirm",
    "request_extend",
    "request_link_duplicate",
    "request_record_download",
    "request_redirect",
    "request_refuse",
    "request_submit",
    "request_transition",
    "request_verify_identity",
    "requests_assign",
    "today",
]


def _country() -> str:
    return settings.PRIVACYOPS_HOLIDAY_COUNTRY


def today() -> datetime.date:
    """The day the services act on (the site's time zone); tests move it."""
    return timezone.localdate()


def compute_due_date(request: PrivacyRequest, *, extra_paused_days: int = 0) -> datetime.date:
    return deadlines.deadline(
        request.received_on,
        regime=request.regime,
        country=_country(),
        paused_days=request.paused_days + extra_paused_days,
        extended=request.extended_on is not None,
    )


def letter_language(code: str) -> str:
    """The language of settings.LANGUAGES closest to `code` ("bg-BG" is "bg"); English else."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _open_request_of(email: str, request_type: str) -> PrivacyRequest | None:
    if not email:
        return None
    return (
        PrivacyRequest.objects.filter(
            requester_email__iexact=normalise_email(email),
            request_type=request_type,
            state__in=list(OPEN),
            duplicate_of__isnull=True,
        )
        .order_by("received_at", "pk")
        .first()
    )


def _new_confirmation_link(request: PrivacyRequest, base_url: str = "") -> str:
    """A signed link for this request; issuing a new one invalidates the previous one."""
    request.confirmation_nonce = secrets.token_hex(8)
    request.save(update_fields=["confirmation_nonce", "updated_at"])
    token = signing.dumps(
        {"r": request.pk, "n": request.confirmation_nonce}, salt=CONFIRMATION_SALT
    )
    base = base_url or settings.PRIVACYOPS_PUBLIC_URL
    return f"{base.rstrip('/')}/privacy/request/confirm/{token}/"


@transaction.atomic
def request_submit(
    *,
    request_type: str,
    channel: str,
    requester_name: str,
    requester_email: str = "",
    details: str = "",
    requester_phone: str = "",
    requester_address: str = "",
    regime: str = deadlines.DEFAULT_REGIME,
    received_at: datetime.datetime | None = None,
    by=None,
    base_url: str = "",
    language: str = "",
) -> PrivacyRequest:
    """Record a request as received and answer at once.

    `language` (a code of settings.LANGUAGES; English when empty or unknown) is the language
    every letter to the requester is written in.

    A web-form request waits for its confirmation link (the clock stands still meanwhile);
    one received by staff is acknowledged. A repeat of an open request by the same person is
    linked to that request and not processed twice.
    """
    if request_type not in RequestType.values:
        raise RequestError(f"Unknown request type {request_type!r}.")
    if channel not in Channel.values:
        raise RequestError(f"Unknown channel {channel!r}.")
    deadlines.regime_for(regime)
    if not requester_name.strip():
        raise RequestError(gettext("The requester's name is required."))
    if channel == Channel.WEB_FORM and not requester_email:
        raise RequestError(gettext("A web-form request needs an e-mail address to confirm it."))
    if not (requester_email or requester_phone or requester_address):
        raise RequestError(gettext("Give at least one way to answer the requester."))

    original = _open_request_of(requester_email, request_type)
    request = PrivacyRequest(
        request_type=request_type,
        channel=channel,
        regime=regime,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        requester_address=requester_address.strip(),
        details=details.strip(),
        language=letter_language(language),
        subject=subject_for_email(requester_email),
        received_at=received_at or timezone.now(),
        assignee=original.assignee if original else None,
    )
    request.due_date = compute_due_date(request)
    request.save()
    request_event_record(
        request=request, kind=Kind.SUBMITTED, by=by, channel=channel, to_state=State.RECEIVED
    )

    if original is not None:
        _link_repeat(request=request, original=original, by=by, base_url=base_url)
    elif channel == Channel.WEB_FORM:
        request_transition(
            request=request,
            to=State.AWAITING_IDENTITY,
            by=by,
            by_system=True,
            note="Waiting for the requester to open the confirmation link.",
            base_url=base_url,
        )
    else:
        letter_send(request=request, key="acknowledge", by=by)
    request.refresh_from_db()
    return request


def _link_repeat(*, request, original, by, base_url: str = "") -> None:
    request.duplicate_of = original
    request.save(update_fields=["duplicate_of", "updated_at"])
    _transition(request, State.DUPLICATE, by=by, by_system=True, note=original.reference)
    request_event_record(
        request=original, kind=Kind.REPEAT, by=by, note=f"Repeat received as {request.reference}."
    )
    if original.state == State.AWAITING_IDENTITY and original.channel == Channel.WEB_FORM:
        # The person probably lost the first e-mail: send the original's link again.
        link = _new_confirmation_link(original, base_url)
        letter_send(request=original, key="verify", by=by, context={"link": link})
    else:
        letter_send(request=request, key="acknowledge", by=by, context={"original": original})


@transaction.atomic
def request_link_duplicate(*, request: PrivacyRequest, original: PrivacyRequest, by) -> None:
    """Staff: mark a request as a repeat of an earlier open one and link them."""
    if original.pk == request.pk or not original.is_open or original.duplicate_of_id:
        raise RequestError(
            gettext("A request can only be linked to a different, open, original request.")
        )
    request = request_locked(request)
    _link_repeat(request=request, original=original, by=by)


def _pause(request: PrivacyRequest, on: datetime.date, by) -> None:
    request.paused_since = on
    request_event_record(request=request, kind=Kind.CLOCK_PAUSED, by=by, paused_on=on.isoformat())


def _resume(request: PrivacyRequest, on: datetime.date, by) -> None:
    days = deadlines.days_paused(request.paused_since, on)
    old_due = request.due_date
    request.paused_days += days
    request.paused_since = None
    request.due_date = compute_due_date(request)
    request_event_record(
        request=request,
        kind=Kind.CLOCK_RESUMED,
        by=by,
        note=f"Clock stood still {days} day(s); due date {old_due} -> {request.due_date}.",
        days=days,
        old_due=old_due.isoformat(),
        new_due=request.due_date.isoformat(),
    )


def _transition(
    request: PrivacyRequest, to: State, *, by=None, reason="", note="", by_system=False
) -> str:
    current = State(request.state)
    check_transition(current, to, reason=reason, by_system=by_system)
    on = today()
    if to in CLOCK_STOPPED and request.paused_since is None:
        _pause(request, on, by)
    elif current in CLOCK_STOPPED and to not in CLOCK_STOPPED and request.paused_since:
        _resume(request, on, by)
    if to in FINAL:
        request.closed_at = timezone.now()
    if reason:
        request.resolution_reason = reason.strip()
    request.state = to
    request.save()
    request_event_record(
        request=request,
        kind=Kind.TRANSITION,
        by=by,
        note=reason or note,
        from_state=current,
        to_state=to,
    )
    return current


@transaction.atomic
def request_transition(
    *,
    request: PrivacyRequest,
    to: str,
    by=None,
    reason: str = "",
    note: str = "",
    by_system: bool = False,
    base_url: str = "",
    refusal_ground: str = "",
) -> PrivacyRequest:
    """Move a request to `to` if the transition table allows it, and write to the requester.

    Raises lifecycle.IllegalTransition / ReasonRequired otherwise. Entering "awaiting identity"
    stops the clock; leaving it restarts the clock and moves the due date by the days lost.
    Every closing state (but a linked repeat) records the request's outcome for the
    statistics; a refusal records its ground (`refusal_ground`, else derived).
    """
    request = request_locked(request)
    to = State(to)
    # The transition table first: checks that hook in below only see legal steps.
    check_transition(request.state, to, reason=reason, by_system=by_system)
    if to == State.COMPLETED:
        completion_check(request)  # raises CompletionBlocked (a LifecycleError)
    previous = _transition(request, to, by=by, reason=reason, note=note, by_system=by_system)
    key = LETTER_ON_ENTERING.get(to)
    if key:
        context = {}
        if to == State.AWAITING_IDENTITY and request.channel == Channel.WEB_FORM:
            context["link"] = _new_confirmation_link(request, base_url)
        if to == State.COMPLETED:
            context["outcome"] = completion_outcome(request)
        letter_send(request=request, key=key, by=by, context=context)
    if to in RESULT_OF_STATE:
        outcome_record(request, refusal_ground=refusal_ground or refusal_ground_default(previous))
    return request


@transaction.atomic
def request_confirm(*, token: str) -> PrivacyRequest:
    """The requester opened the signed, expiring, single-use link: identity confirmed."""
    max_age = datetime.timedelta(days=settings.PRIVACYOPS_DSR_CONFIRMATION_LINK_DAYS)
    try:
        payload = signed_payload(
            token, salt=CONFIRMATION_SALT, max_age=max_age, shape={"r": int, "n": str}
        )
    except signing.SignatureExpired:
        raise ConfirmationInvalid(
            gettext("This confirmation link has expired. Please submit your request again.")
        ) from None
    except signing.BadSignature:
        raise ConfirmationInvalid(gettext("This confirmation link is not valid.")) from None
    request = PrivacyRequest.objects.select_for_update().filter(pk=payload.get("r")).first()
    if (
        request is None
        or request.state != State.AWAITING_IDENTITY
        or not request.confirmation_nonce
        or request.confirmation_nonce != payload.get("n")
    ):
        raise ConfirmationInvalid(
            gettext("This confirmation link has already been used or replaced.")
        )
    request.confirmation_nonce = ""
    request.identity_verified_at = timezone.now()
    request.identity_verification_note = (
        f"Confirmed through the link e-mailed to {request.requester_email}."
    )
    _transition(request, State.IN_PROGRESS, note="Confirmed by the requester's link.")
    request_event_record(
        request=request,
        kind=Kind.IDENTITY_VERIFIED,
        by=None,
        note=request.identity_verification_note,
    )
    letter_send(request=request, key="acknowledge")
    return request


@transaction.atomic
def request_verify_identity(*, request: PrivacyRequest, by, note: str) -> PrivacyRequest:
    """Staff: identity established (say how); the request goes in progress, the clock runs."""
    if not note.strip():
        raise RequestError(gettext("Say how the identity was verified."))
    request = request_locked(request)
    request.identity_verified_at = timezone.now()
    request.identity_verification_note = note.strip()
    request.confirmation_nonce = ""
    _transition(request, State.IN_PROGRESS, by=by, note="Identity verified.")
    request_event_record(request=request, kind=Kind.IDENTITY_VERIFIED, by=by, note=note.strip())
    return request


def extension_refusal(request: PrivacyRequest, *, on: datetime.date) -> str:
    """Why the deadline of this request cannot be extended on that day ("" when it can).

    Allowed once, while the request is being worked on and its first period still runs.
    """
    if not request.is_open or request.state == State.AWAITING_IDENTITY:
        return "Only a request being worked on can be extended."
    if request.extended_on:
        return f"The deadline was already extended on {request.extended_on}."
    if not deadlines.extension_allowed(
        request.received_on,
        on,
        regime=request.regime,
        country=_country(),
        paused_days=request.paused_days,
    ):
        return (
            f"Too late to extend: the first period ended on {request.due_date}; an extension "
            "must be announced while it is running."
        )
    return ""


@transaction.atomic
def request_extend(*, request: PrivacyRequest, reason: str, by) -> PrivacyRequest:
    """Extend the deadline by the longest period the regime allows, and tell the requester.

    Allowed once, with a reason, and only while the first period is still running.
    """
    if not reason.strip():
        raise RequestError(gettext("An extension needs a reason; it is stated in the letter."))
    request = request_locked(request)
    on = today()
    refusal = extension_refusal(request, on=on)
    if refusal:
        raise RequestError(refusal)
    old_due = request.due_date
    request.extended_on = on
    request.extension_reason = reason.strip()
    request.due_date = compute_due_date(request)
    request.save()
    request_event_record(
        request=request,
        kind=Kind.EXTENDED,
        by=by,
        note=reason.strip(),
        old_due=old_due.isoformat(),
        new_due=request.due_date.isoformat(),
    )
    letter_send(request=request, key="extend", by=by)
    return request


@transaction.atomic
def request_refuse(*, request: PrivacyRequest, reason: str, by, ground: str = "") -> PrivacyRequest:
    """Refuse (manifestly unfounded or excessive, or identity not established).

    The reason is required; the letter states it and the right to complain to the authority.
    `ground` (RequestOutcome.RefusalGround) is what the statistics count it under.
    """
    return request_transition(
        request=request, to=State.REFUSED, reason=reason, by=by, refusal_ground=ground
    )


@transaction.atomic
def request_redirect(*, request: PrivacyRequest, account, reason: str, by) -> PrivacyRequest:
    """The data asked about is Customer-Generated Data: the customer is the controller.

    The requester is told whom to ask; the customer is notified.
    """
    if account is None:
        raise RequestError(gettext("Name the customer (account) that controls the data."))
    PrivacyRequest.objects.filter(pk=request.pk).update(redirect_to=account)
    request = request_transition(request=request, to=State.REDIRECTED, reason=reason, by=by)
    letter_send(
        request=request,
        key="redirect_customer",
        by=by,
        to=[account.license_holder_email],
        context={"account": account},
    )
    return request


@transaction.atomic
def requests_assign(*, requests, assignee, by) -> int:
    """Assign requests to a member of staff; each reassignment is in the history."""
    changed = 0
    for request in PrivacyRequest.objects.select_for_update().filter(
        pk__in=[r.pk for r in requests]
    ):
        if request.assignee_id == (assignee.pk if assignee else None):
            continue
        old = str(request.assignee) if request.assignee_id else "nobody"
        request.assignee = assignee
        request.save(update_fields=["assignee", "updated_at"])
        new = str(assignee) if assignee else "nobody"
        request_event_record(request=request, kind=Kind.ASSIGNED, by=by, note=f"{old} -> {new}")
        changed += 1
    return changed


def request_assign(*, request: PrivacyRequest, assignee, by) -> PrivacyRequest:
    requests_assign(requests=[request], assignee=assignee, by=by)
    request.refresh_from_db()
    return request


@transaction.atomic
def request_record_download(*, request: PrivacyRequest, by, what: str) -> None:
    """Someone downloaded something belonging to this request: it goes into the history."""
    from privacyops.security.models import AccessLogEntry
    from privacyops.security.services import access_log_record

    request_event_record(request=request, kind=Kind.DOWNLOAD, by=by, note=what)
    access_log_record(
        user=by,
        action=AccessLogEntry.Action.PACKAGE_DOWNLOADED,
        obj=request,
        subject=request.subject,
        detail={"what": what},
    )
