"""One signed HTTP POST (Standard Webhooks): pure Python, no Django.

The headers are `webhook-id`, `webhook-timestamp` (the moment of this attempt, so a late retry
still verifies) and `webhook-signature` (v1, HMAC-SHA256 of "id.timestamp.body"), as
`standardwebhooks.Webhook(secret).verify(body, headers)` checks them.
"""

import datetime
import urllib.error
import urllib.request
from dataclasses import dataclass

from standardwebhooks import Webhook

USER_AGENT = "privacyops-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (timeout, refused connection, TLS error)
    error: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime.datetime) -> dict:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body),
    }


def post(
    *, url: str, secret: str, message_id: str, body: str, at: datetime.datetime, timeout: float
) -> Answer:
    headers = signed_headers(secret=secret, message_id=message_id, body=body, at=at)
    call = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:  # noqa: S310 (https only, checked)
            response.read(1024)
            return Answer(response.status)
    except urllib.error.HTTPError as error:
        return Answer(error.code, f"HTTP {error.code}")
    except TimeoutError:
        return Answer(None, f"No answer within {timeout:g} s.")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(None, f"Not delivered: {type(reason).__name__}.")
