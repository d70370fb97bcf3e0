"""The wording of letters to requesters and customers, and how they leave.

Templates are editable in the admin (MessageTemplate); a deleted one falls back on the wording
seeded by the data migration (seed/letters.py). Writing a letter into a request's history and
sending it is a service: `services.letter_send`. Mail leaves only when the transaction that
caused it commits: a rolled-back change sends nothing.
"""

from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template import Context, Template
from django.utils import translation

from .models import MessageTemplate
from .seed.letters import seeded_letter


def authority() -> str:
    """Where a requester may complain (GDPR Art. 77); stated in every refusal."""
    return settings.PRIVACYOPS_SUPERVISORY_AUTHORITY


def seeded_wording(key: str, language: str = "") -> MessageTemplate:
    # For a template someone deleted in the admin: a letter the law requires must still go out.
    language = language or settings.LANGUAGE_CODE
    subject, body = seeded_letter(key, language)
    return MessageTemplate(key=key, language=language, subject=subject, body=body)


def template_for(key: str, language: str = "") -> MessageTemplate:
    """Letter `key` in `language` as edited in the admin; else in English (the site's
    language); else as seeded in `language`."""
    language = language or settings.LANGUAGE_CODE
    stored = {
        t.language: t
        for t in MessageTemplate.objects.filter(
            key=key, language__in={language, settings.LANGUAGE_CODE}
        )
    }
    return (
        stored.get(language) or stored.get(settings.LANGUAGE_CODE) or seeded_wording(key, language)
    )


def render(key: str, context: dict, language: str = "") -> tuple[str, str]:
    """(subject, body) of letter `key` in `language` (English when not given)."""
    template = template_for(key, language)
    with translation.override(template.language):
        # Choices, states and dates inside the letter come out in the letter's language.
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
