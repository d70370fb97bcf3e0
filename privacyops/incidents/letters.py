"""Letters of incidents, from the editable templates; e-mailed only when the change commits."""

from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template import Context, Template

from . import seed
from .models import LetterTemplate


def authority() -> str:
    return settings.PRIVACYOPS_SUPERVISORY_AUTHORITY  # one setting, shared with dsr's letters


def template_for(key: str) -> LetterTemplate:
    found = LetterTemplate.objects.filter(key=key).first()
    if found is not None:
        return found
    subject, body = seed.LETTERS[key]
    return LetterTemplate(key=key, subject=subject, body=body)


@lru_cache(maxsize=64)
def _compiled(text: str) -> Template:
    return Template(text)


def render(key: str, context: dict) -> tuple[str, str]:
    template = template_for(key)
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


def message(subject: str, body: str, to: list[str]) -> EmailMessage:
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
