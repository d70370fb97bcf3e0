"""A letter to a requester or a customer: written into the request's history, then sent."""

from django.conf import settings
from django.core.mail import EmailMessage

from ..letters import render, send_on_commit
from ..models import PrivacyRequest, RequestEvent
from .events import request_event_record


def letter_send(
    *,
    request: PrivacyRequest,
    key: str,
    by=None,
    to: list[str] | None = None,
    context: dict | None = None,
    language: str = "",
) -> RequestEvent:
    """Write the letter `key` into the request's history and e-mail it when the change commits.

    A letter to the requester is written in the requester's language (`request.language`); one
    to other recipients (`to`, e.g. the customer) in `language`, English when not given.
    Without an e-mail address (a request received by telephone or post) the letter is still
    recorded, marked for sending by post.
    """
    recipients = [address for address in (to or [request.requester_email]) if address]
    language = language or (settings.LANGUAGE_CODE if to else request.language)
    subject, body = render(key, {"request": request, **(context or {})}, language)
    event = request_event_record(
        request=request,
        kind=RequestEvent.Kind.MESSAGE,
        by=by,
        note=subject,
        template=key,
        language=language,
        to=recipients,
        subject=subject,
        body=body,
        delivery="e-mail" if recipients else "post (no e-mail address given)",
    )
    if recipients:
        send_on_commit([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])
    return event
