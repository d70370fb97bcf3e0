"""Purging a whole month at once: the month's partition is replaced, not emptied row by row.

Where a kind of record lives in range partitions of the rule's own clock column (activity
events on PostgreSQL: `privacyops.subjects.partitions`) and the rule deletes its rows, every
month that lies entirely on or before the cutoff is swapped, oldest first, one transaction each:

  1. the table is locked against writes (SHARE ROW EXCLUSIVE: reads go on; a late event for
     that month cannot slip in between the copy and the drop);
  2. the rows the rule leaves (`engine.stays_q`: held, restricted, out of scope, kept by a
     longer rule; few) are copied into a fresh table;
  3. the old partition is detached, the fresh table attached in its place for the same range,
     the old partition dropped and the fresh one takes its name.

DDL is transactional in PostgreSQL: if anything fails or the process dies, the transaction
rolls back and the month is exactly as it was. The disposed count (rows in the old partition
less the rows copied) is the month's proof of disposition; the caller commits it, and the
month in the run's checkpoint, inside the same transaction.

Months not entirely past the cutoff, the default partition, and every table that is not
partitioned go through the windows (`engine.windows`). The choice is a capability of the
table (is it range-partitioned on the clock column, and may this role attach and drop its
partitions?), asked of the database.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
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


def copy_kept(cursor, *, fresh: str, month: Month, kept: Q, rule, registration) -> int:
    """Copy the month's rows matching `kept` into `fresh`; how many."""
    model = registration.model
    column = model._meta.get_field(engine.window_column(rule, registration)).name
    columns = [f.column for f in model._meta.concrete_fields]
    rows = (
        model._base_manager.filter(
            **{f"{column}__gte": month.partition.lower, f"{column}__lt": month.partition.upper}
        )
        .filter(kept)
        .order_by()
        .values_list(*[f.attname for f in model._meta.concrete_fields])
    )
    try:
        select, params = rows.query.sql_with_params()
    except EmptyResultSet:  # nobody held: nothing stays
        return 0
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    cursor.execute(f"INSERT INTO {fresh} ({names}) {select}", params)
    return cursor.rowcount


def attach(cursor, *, table: str, name: str, month: Month) -> None:
    cursor.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
        [month.partition.lower, month.partition.upper],
    )


def month_swap(*, rule: RetentionRule, registration: Registration, month: Month, now) -> int:
    """Replace one month's partition by a copy of the rows the rule leaves; the number of rows
    disposed of. Runs inside the caller's transaction (the caller commits the count with it)."""
    table = registration.model._meta.db_table
    old = month.partition.name
    fresh = f"{old}_swap"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        # Foreign-key checks deferred to commit (rows written earlier in this transaction:
        # tests, a caller's own inserts) must run now: a table with pending checks cannot go.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP TABLE IF EXISTS {fresh}")
        cursor.execute(f"CREATE TABLE {fresh} (LIKE {table} INCLUDING DEFAULTS)")
        kept = copy_kept(
            cursor,
            fresh=fresh,
            month=month,
            kept=kept_filter(rule, registration, now=now),
            rule=rule,
            registration=registration,
        )
        cursor.execute(f"SELECT count(*) FROM {old}")
        (total,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {old}")
        attach(cursor, table=table, name=fresh, month=month)
        cursor.execute(f"DROP TABLE {old}")
        cursor.execute(f"ALTER TABLE {fresh} RENAME TO {old}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' own mode
    return total - kept
