"""Purging a whole month at once: the month's partition is replaced, not emptied row by row.

Where a kind of record lives in range partitions of the rule's own clock column (activity
events on PostgreSQL: `privacyops.subjects.partitions`) and the rule deletes its rows, every
month that lies entirely on or before the cutoff is swapped, one transaction each (the months'
transactions follow one another, taken oldest first, on `RETENTION_SWAP_CONNECTIONS` connections:
`months_swap`):

  1. the table is locked against writes (SHARE ROW EXCLUSIVE: reads go on; a late event for
     that month cannot slip in between reading what stays and the drop);
  2. what the rule leaves is read, by this role: where only holds keep rows
     (`keeps_only_held`), the held subjects' ids; else the ids of the rows that stay
     (`engine.stays_q`: held, restricted, out of scope, kept by a longer rule; few), with
     `kept_filter`;
  3. the database function `privacyops_activity_month_replace` (migrations subjects.0015 and
     0016, SECURITY DEFINER: only the table's owner may detach and drop partitions, and the
     runtime role of README's two-role setup owns nothing) copies those rows (by id, and every
     row of the kept subjects, through the (subject, time) index) into a fresh table,
     detaches the old partition, attaches the fresh table in its place for the same range,
     drops the old partition and gives the fresh one its name. It takes the month's lower
     bound and ids only and finds the partition in the catalogue: a caller can make it
     dispose of rows it could DELETE anyway, nothing more.

DDL is transactional in PostgreSQL: if anything fails or the process dies, the transaction
rolls back and the month is exactly as it was. The disposed count (rows in the old partition
less the rows copied) is the month's proof of disposition; the caller commits it, and the
month in the run's checkpoint, inside the same transaction.

Months not entirely past the cutoff, the default partition, and every table that is not
partitioned go through the windows (`engine.windows`). The choice is a capability of the
table (is it range-partitioned on the clock column, and may this role execute the functions
that replace its partitions: `partitions.may_manage`?), asked of the database.
"""

import queue
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from privacyops.core.registry import Registration
from privacyops.subjects import partitions

from . import engine
from .models import RetentionRule


@dataclass(frozen=True)
class Month:
    partition: partitions.Partition

    @property
    def key(self) -> list[str]:
        """How the month is written in a run's checkpoint ("swapped")."""
        return [self.partition.lower.isoformat(), self.partition.upper.isoformat()]


def swap_column(rule: RetentionRule, registration: Registration, action: str) -> str | None:
    """The partition key when this run may swap whole months of this kind of record, else
    None: it deletes rows, with no disposal of its own and nothing pointing at them, and the
    table is range-partitioned on the column the rule's clock reads."""
    if not engine.deletes_rows(action, registration) or registration.dispose is not None:
        return None
    model = registration.model
    if not engine.fast_deletable(model):
        return None
    column = engine.window_column(rule, registration)
    if column is None:
        return None
    table = model._meta.db_table
    key = partitions.partition_key(table)
    if key != model._meta.get_field(column).column or not partitions.may_manage(table):
        return None
    return column


def months_to_swap(
    rule: RetentionRule, registration: Registration, action: str, state: dict, *, cutoff
) -> list[Month]:
    """The months entirely on or before the cutoff not swapped yet by this run, oldest first."""
    if swap_column(rule, registration, action) is None:
        return []
    done = {tuple(key) for key in state.get("swapped") or []}
    found = []
    for partition in partitions.month_partitions(registration.model._meta.db_table):
        month = Month(partition)
        # Upper bounds are exclusive: every row of the month is before `upper` <= cutoff.
        if partition.upper <= cutoff and tuple(month.key) not in done:
            found.append(month)
    return found


def keeps_only_held(rule: RetentionRule, registration: Registration, *, now) -> bool:
    """Whether what a swap leaves of a month is exactly its held rows: the rule covers every row
    of this kind (no scope), no other rule keeps any longer, and the rows hang off a data
    subject alone (no account path), in the column the month function copies by. The held rows
    of a month are then every row of the held subjects, and the rows its swap keeps are exactly
    the month's held rows (`runs` counts them from the swap)."""
    if engine.scope_q(rule, registration) or engine.kept_by_other_rules(rule, registration, now):
        return False
    if registration.subject_path is None or registration.account_path is not None:
        return False
    field = registration.model._meta.get_field(registration.subject_path)
    return getattr(field, "column", None) == partitions.SUBJECT_COLUMN


def kept_filter(rule: RetentionRule, registration: Registration, *, now) -> Q:
    """The month's rows the rule leaves (`engine.stays_q`), as cheap to find as it can be.

    Where the rule covers every row of this kind and no other rule keeps any longer, what
    stays is only what `engine.held_q` holds: the held keys are read first (a few hundred
    ids), so the database finds those rows through the (subject, time) index instead of
    reading the whole month to probe each row against the hold subqueries. Read inside the
    month's own transaction, so a hold placed during a run protects every month not yet
    swapped, as it protects every window not yet deleted."""
    if not engine.scope_q(rule, registration) and not engine.kept_by_other_rules(
        rule, registration, now
    ):
        return engine.held_keys_q(registration, timezone.localdate(now))
    return engine.stays_q(rule, registration, now=now)


def kept_ids(*, month: Month, kept: Q, rule, registration) -> list[int]:
    """The ids of the month's rows matching `kept` (few: held, restricted, kept longer)."""
    model = registration.model
    column = model._meta.get_field(engine.window_column(rule, registration)).name
    return list(
        model._base_manager.filter(
            **{f"{column}__gte": month.partition.lower, f"{column}__lt": month.partition.upper}
        )
        .filter(kept)
        .order_by()
        .values_list("pk", flat=True)
    )


def month_replace(
    cursor, *, month: Month, kept_ids: list[int], kept_subjects: list[int] = ()
) -> tuple[int, int]:
    """The database replaces the month's partition by a copy of the rows to keep — those of
    `kept_ids` and every row of the `kept_subjects` — (function
    `privacyops_activity_month_replace`, migrations subjects.0015/0016, the owner's rights);
    (rows disposed of, rows kept). Nothing is committed here.

    The ids are read before, in a statement of their own: a query still reading the month
    (a subquery of this call) would keep its partition open, and PostgreSQL refuses to drop
    a table that one of the session's active queries uses."""
    cursor.execute(
        f"SELECT disposed, kept FROM {partitions.REPLACE_FUNCTION}(%s, %s::bigint[], %s::bigint[])",
        [month.partition.lower, list(kept_ids), list(kept_subjects)],
    )
    disposed, kept = cursor.fetchone()
    return disposed, kept


@dataclass(frozen=True)
class Swapped:
    disposed: int  # the month's proof of disposition
    kept: int
    kept_are_held: bool  # what was kept is exactly the month's held rows (`keeps_only_held`)


def month_swap(*, rule: RetentionRule, registration: Registration, month: Month, now) -> Swapped:
    """Replace one month's partition by a copy of the rows the rule leaves. Runs inside the
    caller's transaction (the caller commits the counts with it)."""
    table = registration.model._meta.db_table
    with connection.cursor() as cursor:
        # Writes wait from here to the commit, so what is kept, read next, is all the month
        # will have (the function takes the same lock again, as the owner).
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        # Foreign-key checks deferred to commit (rows written earlier in this transaction:
        # tests, a caller's own inserts) must run now: a table with pending checks cannot go.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        only_held = keeps_only_held(rule, registration, now=now)
        if only_held:
            # The held subjects' ids (a few hundred), read in this transaction: the function
            # copies their rows by the (subject, time) index, one probe per subject.
            subjects, _ = engine.held_keys(timezone.localdate(now))
            ids, subjects = [], sorted(subjects)
        else:
            kept = kept_filter(rule, registration, now=now)
            ids = kept_ids(month=month, kept=kept, rule=rule, registration=registration)
            subjects = []
        disposed, kept = month_replace(cursor, month=month, kept_ids=ids, kept_subjects=subjects)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' own mode
    return Swapped(disposed=disposed, kept=kept, kept_are_held=only_held)


def months_swap(months: list[Month], swap) -> None:
    """`swap(month)` for every month, each in its own transaction, on connections of their own
    (`RETENTION_SWAP_CONNECTIONS` threads, one connection each).

    Why: PostgreSQL frees a dropped partition's files after the commit, once the commit has
    released the transaction's locks, and the client waits for it (50-100 ms a month here,
    the filesystem freeing 200 MB). On a second connection the next month's swap runs
    meanwhile. The months' transactions still follow one another (each locks the table first,
    `month_swap`): only the freeing of files overlaps.

    The first failure stops every thread before its next month and is raised here; a month
    in flight elsewhere commits or rolls back whole, as always. Inside a transaction (a
    test's, a caller's) the months are swapped here, one after the other, on this connection:
    other connections would not see its rows and would wait on its locks."""
    workers = min(max(1, settings.RETENTION_SWAP_CONNECTIONS), len(months))
    if workers == 1 or connection.in_atomic_block:
        for month in months:
            swap(month)
        return
    todo = queue.SimpleQueue()
    for month in months:
        todo.put(month)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            while not failures:
                try:
                    month = todo.get_nowait()
                except queue.Empty:
                    return
                swap(month)
        except BaseException as exc:  # raised in the caller's thread below
            failures.append(exc)
        finally:
            connections.close_all()  # this thread's own

    threads = [
        threading.Thread(target=work, name=f"retention-swap-{n}", daemon=True)
        for n in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
