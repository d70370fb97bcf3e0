"""The months a data subject's activity events lie in, kept on the subject's row.

`DataSubject.activity_from` is the first instant of the month (UTC) of the subject's earliest
event, `activity_until` the first instant of the month after its latest: every event of the
subject lies in [activity_from, activity_until). Lookups of one subject's events (the admin, the
access export, erasure) add that range to their filter, so that PostgreSQL reads only the
monthly partitions (privacyops/subjects/partitions.py, calendar months in UTC) the subject has
events in instead of probing every month's index.

The bounds are only ever widened, never narrowed: a deleted or purged event leaves them wider
than needed, which costs a few empty index probes and loses nothing. An access export or an
erasure that missed an event because a write forgot its bounds would be a legal failure, so
every way an event is written widens them: `ActivityEvent.save`, the manager's `bulk_create`
and `update` (when it moves an event in time or to a subject), and the COPY path of ingestion,
which calls `bounds_widen` itself. Subjects whose bounds are not set (NULL) are looked up over
every month.

Whole months, not the exact instants: the partitions are months, so nothing more would be
pruned, and a busy user's row is rewritten once a month rather than at every batch.
"""

import datetime

from django.db import connections, router, transaction
from django.db.models import Case, F, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from .people import DataSubject

_SUBJECTS_PER_UPDATE = 500  # SQLite's limit of parameters per statement is far above 500 × 10


def month_floor(moment: datetime.datetime) -> datetime.datetime:
    """The first instant (UTC) of the calendar month `moment` falls in (the partitions' month,
    as privacyops.subjects.partitions.month_start; a test holds the two together)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = moment.astimezone(datetime.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_ceiling(moment: datetime.datetime) -> datetime.datetime:
    """The first instant (UTC) of the month after the one `moment` falls in."""
    return (month_floor(moment) + datetime.timedelta(days=32)).replace(day=1)


def spans_of(pairs) -> dict[int, tuple[datetime.datetime, datetime.datetime]]:
    """(subject id, occurred_at) pairs -> {subject id: (earliest, latest)}, subjects only."""
    spans: dict[int, tuple[datetime.datetime, datetime.datetime]] = {}
    for subject_id, occurred_at in pairs:
        if subject_id is None or occurred_at is None:
            continue
        if subject_id in spans:
            earliest, latest = spans[subject_id]
            spans[subject_id] = (min(earliest, occurred_at), max(latest, occurred_at))
        else:
            spans[subject_id] = (occurred_at, occurred_at)
    return spans


def bounds_widen(
    *,
    spans: dict[int, tuple[datetime.datetime, datetime.datetime]],
    using: str | None = None,
    last_activity_precision: datetime.timedelta | None = None,
) -> None:
    """Widen each subject's bounds to cover its new events (earliest, latest), in the caller's
    transaction. Each update compares with the row as it is when written (LEAST / GREATEST in
    the statement itself), so two batches for one subject committing at once both count.

    With `last_activity_precision`, the same statement also moves each subject's last activity
    forward to its latest new event where the stored one is older by more than that (never
    back): ingestion's COPY path rewrites each subject's row once per batch, not twice."""
    if not spans:
        return
    using = using or router.db_for_write(DataSubject)
    months = {
        subject_id: (month_floor(earliest), month_ceiling(latest))
        for subject_id, (earliest, latest) in spans.items()
    }
    connection = connections[using]
    if connection.vendor == "postgresql":
        # One statement for the whole batch; rows already covering their months (and, if
        # asked, with a recent enough last activity) are not rewritten: every index of the
        # subjects' table gets a new entry for each row that is.
        table = DataSubject._meta.db_table
        stale = "s.activity_from IS NULL OR s.activity_from > v.lo OR s.activity_until IS NULL "
        stale += "OR s.activity_until < v.hi"
        last_activity = ""
        params = [list(months), [m[0] for m in months.values()], [m[1] for m in months.values()]]
        params.append([latest for _, latest in spans.values()])
        if last_activity_precision is not None:
            behind = "(s.last_activity_at IS NULL OR s.last_activity_at < v.at - %s)"
            last_activity = (
                f", last_activity_at = CASE WHEN {behind} THEN v.at ELSE s.last_activity_at END"
            )
            stale += f" OR {behind}"
            params = [last_activity_precision, *params, last_activity_precision]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS s SET "
                "activity_from = LEAST(coalesce(s.activity_from, v.lo), v.lo), "
                f"activity_until = GREATEST(coalesce(s.activity_until, v.hi), v.hi){last_activity} "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], "
                "%s::timestamptz[]) AS v(id, lo, hi, at) "
                f"WHERE s.id = v.id AND ({stale})",
                params,
            )
        return
    # Elsewhere (SQLite) one UPDATE per chunk of subjects, each row's new value a CASE of its
    # own: a constant number of statements per batch, as on PostgreSQL.
    subjects = DataSubject._base_manager.using(using)
    chunk = list(months.items())
    for start in range(0, len(chunk), _SUBJECTS_PER_UPDATE):
        part = chunk[start : start + _SUBJECTS_PER_UPDATE]
        moved = {}
        if last_activity_precision is not None:
            moved["last_activity_at"] = Case(
                *(
                    When(
                        Q(pk=subject_id)
                        & (
                            Q(last_activity_at__isnull=True)
                            | Q(last_activity_at__lt=spans[subject_id][1] - last_activity_precision)
                        ),
                        then=Value(spans[subject_id][1]),
                    )
                    for subject_id, _ in part
                ),
                default=F("last_activity_at"),
            )
        subjects.filter(pk__in=[subject_id for subject_id, _ in part]).update(
            **moved,
            activity_from=Case(
                *(
                    When(pk=subject_id, then=Least(Coalesce("activity_from", Value(lo)), Value(lo)))
                    for subject_id, (lo, _) in part
                ),
                default=F("activity_from"),
            ),
            activity_until=Case(
                *(
                    When(
                        pk=subject_id,
                        then=Greatest(Coalesce("activity_until", Value(hi)), Value(hi)),
                    )
                    for subject_id, (_, hi) in part
                ),
                default=F("activity_until"),
            ),
        )


def bounds_q(subject, *, prefix: str = "") -> Q:
    """The filter that keeps a lookup of the subject's events to its months: empty (every
    month) while its bounds are not set. `subject` is a DataSubject with its bounds loaded."""
    lower, upper = subject.activity_from, subject.activity_until
    if lower is None or upper is None:
        return Q()
    return Q(**{f"{prefix}occurred_at__gte": lower, f"{prefix}occurred_at__lt": upper})


# Where a subject has no bounds yet: every month (the comparison must still hold).
_EARLIEST = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
_LATEST = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def stored_bounds_q(*, subject_id: int, prefix: str = "") -> Q:
    """`bounds_q` with the bounds read by the statement itself, as stored when it runs: one
    query, and no instance that may predate the subject's latest events. PostgreSQL prunes the
    other months when the statement starts (EXPLAIN ANALYZE shows them "never executed")
    rather than when it is planned."""
    row = DataSubject._base_manager.filter(pk=subject_id).order_by()
    lower = Coalesce(Subquery(row.values("activity_from")[:1]), Value(_EARLIEST))
    upper = Coalesce(Subquery(row.values("activity_until")[:1]), Value(_LATEST))
    return Q(**{f"{prefix}occurred_at__gte": lower, f"{prefix}occurred_at__lt": upper})


def bounds_recompute(
    *, event_model, subject_model=None, using: str | None = None, subject_ids=None
) -> int:
    """Set every subject's bounds (or only those of `subject_ids`) from the events themselves
    (the migration's backfill, with its historical models, the benchmark's generator, and
    `manage.py activity_bounds_repair`): the exact months, whatever was there before. Returns
    the number of subjects with events.

    The subjects' table is locked against writes (not reads) until the caller's transaction
    ends, PostgreSQL's SHARE ROW EXCLUSIVE: this narrows bounds, and a batch of events
    committing between the read of the events and the write of the bounds (its own widening
    already done) would be narrowed away. A batch writing its events meanwhile widens after
    the lock is released, as usual."""
    subject_model = subject_model or DataSubject
    using = using or router.db_for_write(subject_model)
    connection = connections[using]
    ids = None if subject_ids is None else sorted(set(subject_ids))
    if connection.vendor == "postgresql":
        subjects, events = subject_model._meta.db_table, event_model._meta.db_table
        only, params = ("", []) if ids is None else ("AND subject_id = ANY(%s::bigint[]) ", [ids])
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {subjects} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                f"UPDATE {subjects} AS s SET "
                "activity_from = date_trunc('month', b.lo AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "
                "activity_until = (date_trunc('month', b.hi AT TIME ZONE 'UTC') "
                "+ interval '1 month') AT TIME ZONE 'UTC' "
                f"FROM (SELECT subject_id, min(occurred_at) AS lo, max(occurred_at) AS hi "
                f"FROM {events} WHERE subject_id IS NOT NULL {only}GROUP BY subject_id) AS b "
                "WHERE s.id = b.subject_id",
                params,
            )
            return cursor.rowcount
    from django.db.models import Max, Min

    events = event_model._base_manager.using(using).filter(subject__isnull=False)
    if ids is not None:
        events = events.filter(subject__in=ids)
    spans = {
        row["subject"]: (row["earliest"], row["latest"])
        for row in events.values("subject")
        .annotate(earliest=Min("occurred_at"), latest=Max("occurred_at"))
        .order_by()
    }
    subjects = subject_model._base_manager.using(using)
    for subject_id, (earliest, latest) in spans.items():
        subjects.filter(pk=subject_id).update(
            activity_from=month_floor(earliest), activity_until=month_ceiling(latest)
        )
    return len(spans)
