"""Signed one-click unsubscribe links and the List-Unsubscribe headers that carry them.

A token is `django.core.signing` output (HMAC-SHA256 under SECRET_KEY, timestamped): it names a
data subject and a channel (or every channel) and cannot be forged or altered without the key.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from privacyops.core.signed_links import signed_payload

from .models import Channel

SALT = "privacyops.marketing.unsubscribe"
ALL = "*"


class InvalidToken(Exception):
    """The link was altered, truncated or made up."""


class ExpiredToken(InvalidToken):
    """The link is genuine but older than PRIVACYOPS_UNSUBSCRIBE_LINK_DAYS."""


@dataclass(frozen=True)
class UnsubscribeTarget:
    subject_id: int
    channel: str | None  # None: every marketing channel


def unsubscribe_token(*, subject, channel: str | None = None) -> str:
    if channel is not None and channel not in Channel.values:
        raise ValueError(f"Unknown marketing channel {channel!r}")
    return signing.dumps({"s": subject.pk, "c": channel or ALL}, salt=SALT)


def unsubscribe_token_read(token: str) -> UnsubscribeTarget:
    max_age = datetime.timedelta(days=settings.PRIVACYOPS_UNSUBSCRIBE_LINK_DAYS)
    try:
        payload = signed_payload(token, salt=SALT, max_age=max_age, shape={"s": int, "c": str})
    except signing.SignatureExpired as error:
        raise ExpiredToken(str(error)) from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise InvalidToken(str(error)) from error
    subject_id, channel = payload["s"], payload["c"]
    if channel != ALL and channel not in Channel.values:
        raise InvalidToken("unexpected payload")
    return UnsubscribeTarget(subject_id=subject_id, channel=None if channel == ALL else channel)


def unsubscribe_url(*, subject, channel: str | None = None) -> str:
    token = unsubscribe_token(subject=subject, channel=channel)
    base = settings.PRIVACYOPS_PUBLIC_URL
    return base.rstrip("/") + reverse("marketing:unsubscribe", args=[token])


def list_unsubscribe_headers(*, subject, channel: str | None = None) -> dict[str, str]:
    """Headers for an outgoing marketing message (RFC 2369 + RFC 8058 one-click)."""
    url = unsubscribe_url(subject=subject, channel=channel)
    mailto = f"mailto:{settings.PRIVACYOPS_UNSUBSCRIBE_EMAIL}?subject=unsubscribe"
    return {
        "List-Unsubscribe": f"<{url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
