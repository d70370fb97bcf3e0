"""Letters of incidents, from the editable templates; e-mailed only when the change commits."""

from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template import Context, Template
from django.utils import translation

from . import seed, seed_bg
from .models import LetterTemplate


def authority() -> str:
    return settings.PRIVACYOPS_SUPERVISORY_AUTHORITY  # one setting, shared with dsr's letters


def seeded_letter(key: str, language: str = "en") -> tuple[str, str]:
    """(subject, body) of letter `key` as seeded in `language` (English if not seeded in it)."""
    return seed_bg.LETTERS_BG[key] if language == "bg" else seed.LETTERS[key]


def template_for(key: str, language: str = "") -> LetterTemplate:
    """Letter `key` in `language` as edited in the admin; else in English; else as seeded."""
    language = language or settings.LANGUAGE_CODE
    stored = {
        t.language: t
        for t in LetterTemplate.objects.filter(
            key=key, language__in={language, settings.LANGUAGE_CODE}
        )
    }
    found = stored.get(language) or stored.get(settings.LANGUAGE_CODE)
    if found is not None:
        return found
    subject, body = seeded_letter(key, language)
    return LetterTemplate(key=key, language=language, subject=subject, body=body)


@lru_cache(maxsize=64)
def _compiled(text: str) -> Template:
    return Template(text)


def render(key: str, context: dict, language: str = "") -> tuple[str, str]:
    """(subject, body) of letter `key` in `language` (English when not given); choices and
    dates inside it come out in the letter's language."""
    template = template_for(key, language)
    with translation.override(template.language):
        return _render(template, context)


def _render(template: LetterTemplate, context: dict) -> tuple[str, str]:
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
