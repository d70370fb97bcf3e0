"""Letters to requesters and customers, from the editable templates, stored in the history.

Every letter becomes a RequestEvent (who it went to, the exact subject and body) in the same
transaction as the change that caused it, and is handed to Django's e-mail backend only when
that transaction commits: a rolled-back change sends nothing.
"""

import importlib
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template import Context, Template

from .models import MessageTemplate, PrivacyRequest, RequestEvent

# Where a requester may complain (GDPR Art. 77); stated in every refusal.
DEFAULT_AUTHORITY = (
    "Commission for Personal Data Protection (Комисия за защита на личните данни), "
    "2 Prof. Tsvetan Lazarov Blvd., Sofia 1592, Bulgaria, www.cpdp.bg"
)


def authority() -> str:
    return getattr(settings, "PRIVACYOPS_SUPERVISORY_AUTHORITY", DEFAULT_AUTHORITY)


def seeded_wording(key: str) -> MessageTemplate:
    # The wording seeded by the data migration, for a template someone deleted in the admin:
    # a letter the law requires must still go out.
    seed = importlib.import_module("privacyops.dsr.migrations.0002_seed_letters_and_schedules")
    subject, body = seed.LETTERS[key]
    return MessageTemplate(key=key, subject=subject, body=body)


def render(key: str, context: dict) -> tuple[str, str]:
    template = MessageTemplate.objects.filter(key=key).first() or seeded_wording(key)
    return render_template(template, context)


@lru_cache(maxsize=128)
def _compiled(text: str) -> Template:
    # Keyed by the wording itself, so an edit in the admin is picked up at once.
    return Template(text)


def render_template(template: MessageTemplate, context: dict) -> tuple[str, str]:
    ctx = Context(
        {"controller": settings.PRIVACYOPS_CONTROLLER, "authority": authority(), **context},
        autoescape=False,  # plain-text e-mail
    )
    subject = " ".join(_compiled(template.subject).render(ctx).split())
    return subject, _compiled(template.body).render(ctx).strip() + "\n"


def send_on_commit(messages: list[EmailMessage]) -> None:
    if not messages:
        return

    def send() -> None:
        get_connection().send_messages(messages)

    transaction.on_commit(send)


def letter_send(
    *,
    request: PrivacyRequest,
    key: str,
    by=None,
    to: list[str] | None = None,
    context: dict | None = None,
) -> RequestEvent:
    """Write the letter `key` into the request's history and e-mail it when the change commits.

    Without an e-mail address (a request received by telephone or post) the letter is still
    recorded, marked for sending by post.
    """
    recipients = [address for address in (to or [request.requester_email]) if address]
    subject, body = render(key, {"request": request, **(context or {})})
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.MESSAGE,
        by=by,
        note=subject,
        data={
            "template": key,
            "to": recipients,
            "subject": subject,
            "body": body,
            "delivery": "e-mail" if recipients else "post (no e-mail address given)",
        },
    )
    if recipients:
        send_on_commit([EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])
    return event
