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
from functools import lru_cache
from typing import NamedTuple

from . import useragent

COLUMNS = ("occurred_at", "ip", "user_agent", "page", "referrer", "login", "email")
EVENT_KINDS = frozenset({"page_view", "login", "login_failed", "app_use", "api"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LineError(ValueError):
    pass


class EventRow(NamedTuple):
    # A tuple: cheap to build millions of times, written to the database as it is.
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


@lru_cache(maxsize=65536)
def _ip(text: str) -> str:
    """The canonical form of an IP address (real traffic repeats addresses: cached)."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise LineError(f"ip: not an IP address: {text[:45]!r}") from None


def _text(record: dict, name: str, limit: int) -> str:
    value = record.get(name)
    if not value:
        return ""
    if value.__class__ is not str:
        raise LineError(f"{name}: expected text, got {type(value).__name__}")
    if len(value) > limit:
        value = value.strip()
        if len(value) > limit:
            raise LineError(f"{name}: longer than {limit} characters")
    return value.strip()


def clean(record: dict) -> EventRow:
    """Validate one decoded line; raise LineError saying which field is wrong and why."""
    if record.__class__ is not dict:
        raise LineError("not an object with the contract's columns")
    raw_time = record.get("occurred_at")
    if not raw_time or raw_time.__class__ is not str:
        raise LineError("occurred_at: missing")
    try:
        occurred_at = datetime.datetime.fromisoformat(raw_time.strip())
    except ValueError:
        raise LineError(f"occurred_at: not an ISO 8601 date and time: {raw_time[:40]!r}") from None
    if occurred_at.tzinfo is None:  # the contract's timestamps are UTC unless they say otherwise
        occurred_at = occurred_at.replace(tzinfo=datetime.UTC)
    ip = _text(record, "ip", 45)
    ip = _ip(ip) if ip else None
    email = _text(record, "email", 254)
    if email:
        email = email.lower()
        if not _EMAIL.match(email):
            raise LineError(f"email: not an e-mail address: {email[:60]!r}")
    event_kind = _text(record, "event_kind", 20) or "page_view"
    if event_kind not in EVENT_KINDS:
        raise LineError(f"event_kind: unknown kind {event_kind[:30]!r}")
    user_agent = _text(record, "user_agent", 500)
    browser, system = useragent.parse(user_agent)
    return EventRow(
        occurred_at,
        event_kind,
        ip,
        user_agent,
        browser,
        system,
        _text(record, "page", 500),
        _text(record, "referrer", 500),
        _text(record, "login", 150),
        email,
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
