"""Writes of the integration layer: clients and keys, the call log, received batches.

Business rules stay in the apps: a batch of events is validated by the same code as
`load_activity` (subjects.activity_lines) and written by the same fast path
(subjects.ingest.activity_events_write); this module adds only what an API needs on top
(who sent it, its own event ids, the evidence of the call).
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from privacyops.subjects import activity_lines, ingest

from .models import ApiCall, ApiClient, ApiKey, ReceivedEvent, Scope

MAX_EVENTS_PER_BATCH = 10_000
MAX_EVENT_ID_LENGTH = ReceivedEvent._meta.get_field("external_id").max_length


class ApiError(ValueError):
    """A refusal the caller can act on: `errors` lists each (row, field, reason)."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


def _clean_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ApiError(f"Unknown scopes: {', '.join(unknown)}; known: {', '.join(Scope.values)}")
    return sorted(set(scopes))


def _key_name(client: ApiClient, at: datetime.datetime) -> str:
    return f"{client.name[:30]} {at:%Y-%m-%d %H:%M}"


@transaction.atomic
def api_key_issue(*, client: ApiClient) -> tuple[ApiKey, str]:
    """A new key for the client: (stored key, the key itself — shown once, never stored)."""
    return ApiKey.objects.create_key(client=client, name=_key_name(client, timezone.now()))


@transaction.atomic
def api_client_create(
    *,
    name: str,
    scopes,
    by=None,
    requests_per_minute: int | None = None,
    is_active: bool = True,
) -> tuple[ApiClient, str]:
    """Create a connected system with its scopes and first key; returns (client, key)."""
    name = (name or "").strip()
    if not name:
        raise ApiError("A client needs a name.")
    if ApiClient.objects.filter(name=name).exists():
        raise ApiError(f"A client named {name!r} exists already.")
    client = ApiClient.objects.create(
        name=name,
        scopes=_clean_scopes(scopes),
        created_by=by,
        requests_per_minute=requests_per_minute,
        is_active=is_active,
    )
    _, key = api_key_issue(client=client)
    return client, key


@transaction.atomic
def api_key_rotate(
    *, client: ApiClient, overlap: datetime.timedelta
) -> tuple[ApiKey, str, datetime.datetime]:
    """A new key; every current key keeps working until now + overlap, then is refused.

    Returns (new stored key, the key itself, the moment the old keys stop working).
    """
    ends = timezone.now() + overlap
    current = ApiKey.objects.filter(client=client, revoked=False)
    current.filter(expiry_date__isnull=True).update(expiry_date=ends)
    current.filter(expiry_date__gt=ends).update(expiry_date=ends)
    new, key = api_key_issue(client=client)
    return new, key, ends


@transaction.atomic
def api_keys_revoke(*, client: ApiClient) -> int:
    """Revoke every key of the client at once (cannot be undone); returns how many."""
    return ApiKey.objects.filter(client=client, revoked=False).update(revoked=True)


def api_call_record(
    *,
    client: ApiClient | None,
    key_prefix: str,
    method: str,
    endpoint: str,
    status_code: int,
    records: int,
    ip: str | None,
) -> ApiCall:
    """Append the evidence of one call (counts, never values); outside the call's transaction."""
    return ApiCall.objects.create(
        client=client,
        key_prefix=key_prefix[:8],
        method=method[:10],
        endpoint=endpoint[:100],
        status_code=status_code,
        records=records,
        ip=ip,
    )


@dataclass
class EventBatchResult:
    received: int = 0
    loaded: int = 0
    already_received: int = 0
    errors: list[dict] = field(default_factory=list)


def _row_error(row: int, reason: str) -> dict:
    # activity_lines says "field: reason" when a field is at fault.
    name, sep, rest = reason.partition(": ")
    if sep and name.isidentifier():
        return {"row": row, "field": name, "reason": rest}
    return {"row": row, "field": None, "reason": reason}


def _clean_batch(events) -> tuple[list[str], list[activity_lines.EventRow], list[dict]]:
    """Each event as load_activity checks a line, plus the client's own event id."""
    if not isinstance(events, list):
        raise ApiError("events: expected a list of events")
    if not events:
        raise ApiError("events: the batch is empty")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise ApiError(f"events: at most {MAX_EVENTS_PER_BATCH:,} events per batch")
    ids, rows, errors, seen = [], [], [], set()
    for number, record in enumerate(events):
        external_id = record.get("event_id") if record.__class__ is dict else None
        if isinstance(external_id, int) and not isinstance(external_id, bool):
            external_id = str(external_id)
        if not isinstance(external_id, str) or not external_id.strip():
            errors.append({"row": number, "field": "event_id", "reason": "missing"})
            continue
        external_id = external_id.strip()
        if len(external_id) > MAX_EVENT_ID_LENGTH:
            errors.append(
                {
                    "row": number,
                    "field": "event_id",
                    "reason": f"longer than {MAX_EVENT_ID_LENGTH} characters",
                }
            )
            continue
        if external_id in seen:
            errors.append(
                {"row": number, "field": "event_id", "reason": "repeated within the batch"}
            )
            continue
        seen.add(external_id)
        try:
            rows.append(activity_lines.clean(record))
        except activity_lines.LineError as error:
            errors.append(_row_error(number, str(error)))
            continue
        ids.append(external_id)
    return ids, rows, errors


def _claim_ids(client: ApiClient, ids: list[str]) -> set[str]:
    """Record the ids not received before; returns those (the ones to load now).

    On PostgreSQL one INSERT … ON CONFLICT DO NOTHING RETURNING: a concurrent replay waits on
    the unique index and then claims nothing. Elsewhere (SQLite serialises writers) a read,
    then an insert of the rest.
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = ReceivedEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (client_id, external_id, received_at) "
                "SELECT %s, v.id, %s FROM unnest(%s::text[]) AS v(id) "
                "ON CONFLICT (client_id, external_id) DO NOTHING RETURNING external_id",
                [client.pk, now, ids],
            )
            return {row[0] for row in cursor.fetchall()}
    known = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        known.update(
            ReceivedEvent.objects.filter(client=client, external_id__in=chunk).values_list(
                "external_id", flat=True
            )
        )
    new = [i for i in ids if i not in known]
    ReceivedEvent.objects.bulk_create(
        [ReceivedEvent(client=client, external_id=i, received_at=now) for i in new],
        batch_size=1000,
    )
    return set(new)


def activity_events_receive(*, client: ApiClient, events) -> EventBatchResult:
    """Load a batch of activity events pushed by a client: all of it, or nothing.

    Every event is checked as `load_activity` checks a line; any bad event refuses the whole
    batch (ApiError listing each row, field and reason). Events whose id this client sent
    before are skipped, so a replayed batch adds nothing.
    """
    ids, rows, errors = _clean_batch(events)
    if errors:
        raise ApiError(f"{len(errors)} of {len(events)} events are invalid", errors)
    result = EventBatchResult(received=len(rows))
    with transaction.atomic():
        new = _claim_ids(client, ids)
        if len(new) < len(ids):
            rows = [row for row, i in zip(rows, ids, strict=True) if i in new]
        if rows:
            ingest.activity_events_write(rows=rows)
    result.loaded = len(rows)
    result.already_received = result.received - result.loaded
    return result
