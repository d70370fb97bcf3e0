"""Reading Other Information files: one line in, one clean event row out (no Django).

The contract of `load_activity` (DESIGN.md): JSON lines, or CSV with the same columns,
`occurred_at` (ISO 8601), `ip`, `user_agent`, `page`, `referrer`, `login` (account name) and
optional `email` (and optional `event_kind`). A line that breaks the contract raises
`LineError` with the reason; nothing is guessed.
"""

import csv
import datetime
import io
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import useragent

COLUMNS = ("occurred_at", "ip", "user_agent", "page", "referrer", "login", "email")
EVENT_KINDS = frozenset({"page_view", "login", "login_failed", "app_use", "api"})
MAX_LENGTHS = {"user_agent": 500, "page": 500, "referrer": 500, "login": 150, "email": 254}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LineError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class EventRow:
    occurred_at: datetime.datetime
    event_kind: str
    ip: str | None
    user_agent: str
    browser: str
    operating_system: str
    page: str
    referrer: str
    login: str
    email: str


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineError(f"{name}: expected text, got {type(value).__name__}")
    value = value.strip()
    limit = MAX_LENGTHS.get(name)
    if limit and len(value) > limit:
        raise LineError(f"{name}: longer than {limit} characters")
    return value


def clean(record: dict) -> EventRow:
    """Validate one decoded line; raise LineError saying which field is wrong and why."""
    if not isinstance(record, dict):
        raise LineError("not an object with the contract's columns")
    raw_time = record.get("occurred_at")
    if not raw_time or not isinstance(raw_time, str):
        raise LineError("occurred_at: missing")
    try:
        occurred_at = datetime.datetime.fromisoformat(raw_time.strip())
    except ValueError:
        raise LineError(f"occurred_at: not an ISO 8601 date and time: {raw_time[:40]!r}") from None
    if occurred_at.tzinfo is None:  # the contract's timestamps are UTC unless they say otherwise
        occurred_at = occurred_at.replace(tzinfo=datetime.UTC)
    ip = _text(record, "ip") or None
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            raise LineError(f"ip: not an IP address: {ip[:45]!r}") from None
    email = _text(record, "email").lower()
    if email and not _EMAIL.match(email):
        raise LineError(f"email: not an e-mail address: {email[:60]!r}")
    event_kind = _text(record, "event_kind") or "page_view"
    if event_kind not in EVENT_KINDS:
        raise LineError(f"event_kind: unknown kind {event_kind[:30]!r}")
    user_agent = _text(record, "user_agent")
    browser, system = useragent.parse(user_agent)
    return EventRow(
        occurred_at=occurred_at,
        event_kind=event_kind,
        ip=ip,
        user_agent=user_agent,
        browser=browser,
        operating_system=system,
        page=_text(record, "page"),
        referrer=_text(record, "referrer"),
        login=_text(record, "login"),
        email=email,
    )


def sniff_format(first_bytes: bytes) -> str:
    return "jsonl" if first_bytes.lstrip()[:1] in (b"{", b"[") else "csv"


def read_lines(stream: io.TextIOBase, *, fmt: str) -> Iterator[tuple[int, dict | LineError]]:
    """(line number, decoded record or the error) for every data line of the file."""
    if fmt == "csv":
        reader = csv.DictReader(stream)
        missing = {"occurred_at"} - set(reader.fieldnames or ())
        if missing:
            yield 1, LineError("header: no occurred_at column")
            return
        for record in reader:
            if None in record:  # more cells than header columns
                yield reader.line_num, LineError("more values than columns")
                continue
            yield reader.line_num, record
        return
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as error:
            yield number, LineError(f"not valid JSON: {error.msg}")
