"""Monthly range partitions of activity events on PostgreSQL (SQLite keeps one plain table).

On PostgreSQL `subjects_activityevent` is partitioned by range of `occurred_at`, one partition
per calendar month (UTC), named `subjects_activityevent_pYYYY_MM`, plus a default partition
(`subjects_activityevent_default`) that catches rows of a month that has no partition yet.
PostgreSQL requires the partition key in every unique constraint, so the table's primary key is
(id, occurred_at); the Django model keeps its single `id` (a sequence makes it unique, and no
table has a foreign key to activity events).

`partitions_ensure` creates the months ahead (beat, daily; ACTIVITY_PARTITION_MONTHS_AHEAD),
moving any rows the default partition already holds for such a month into it. Creating,
attaching and dropping partitions is the table owner's right alone, so it (and the purge's
month replacement) goes through two SECURITY DEFINER functions the owner created in migrations
subjects.0015 and 0016, which `manage.py database_grants` lets the runtime role execute.
`partition_key` / `month_partitions` / `may_manage` tell the retention engine whether it may
swap whole months (a capability, asked of the database, not of the vendor).
`convert_to_partitions` / `convert_to_plain` are the migration's two directions.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

from .models import ActivityEvent

TABLE = ActivityEvent._meta.db_table
KEY = "occurred_at"
# The column the month function (subjects.0016) copies a kept subject's rows by.
SUBJECT_COLUMN = "subject_id"
DEFAULT_PARTITION = f"{TABLE}_default"
PLAIN_TABLE = f"{TABLE}_plain"
SEQUENCE = f"{TABLE}_id_seq"
# The SECURITY DEFINER functions of migrations subjects.0015 and 0016, by their signatures.
ENSURE_FUNCTION = "privacyops_activity_months_ensure"
REPLACE_FUNCTION = "privacyops_activity_month_replace"
FUNCTIONS = (
    f"{ENSURE_FUNCTION}(timestamptz, integer)",
    f"{REPLACE_FUNCTION}(timestamptz, bigint[], bigint[])",
)

log = logging.getLogger(__name__)
_BOUND = re.compile(r"FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)")


@dataclass(frozen=True)
class Partition:
    name: str
    lower: datetime.datetime  # inclusive
    upper: datetime.datetime  # exclusive


def month_start(moment: datetime.datetime) -> datetime.datetime:
    """The first instant (UTC) of the calendar month `moment` falls in."""
    moment = moment.astimezone(datetime.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(start: datetime.datetime) -> datetime.datetime:
    return (start + datetime.timedelta(days=32)).replace(day=1)


def partition_name(start: datetime.datetime, table: str = TABLE) -> str:
    return f"{table}_p{start:%Y_%m}"


def _rows(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def is_partitioned(table: str = TABLE, *, connection=None) -> bool:
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return bool(
            _rows(
                cursor,
                "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
                [table],
            )
        )


def partition_key(table: str, *, connection=None) -> str | None:
    """The column a table is range-partitioned on (one column), else None."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        found = _rows(
            cursor,
            """SELECT a.attname FROM pg_partitioned_table p
               JOIN pg_class c ON c.oid = p.partrelid
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
               WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace
                 AND p.partstrat = 'r' AND p.partnatts = 1""",
            [table],
        )
    return found[0][0] if found else None


def month_partitions(table: str = TABLE, *, connection=None) -> list[Partition]:
    """The table's range partitions, oldest first (the default partition is not among them)."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        found = _rows(
            cursor,
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
               JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
               WHERE p.relname = %s AND p.relnamespace = current_schema()::regnamespace""",
            [table],
        )
    result = []
    for name, bound in found:
        match = _BOUND.search(bound or "")
        if match:
            lower, upper = (datetime.datetime.fromisoformat(v) for v in match.groups())
            result.append(Partition(name, lower, upper))
    return sorted(result, key=lambda p: p.lower)


def may_manage(table: str = TABLE, *, connection=None) -> bool:
    """Whether this database role may create the table's months and replace a purged month:
    it may EXECUTE both functions of migration subjects.0015 (SECURITY DEFINER, owned by the
    table's owner, which may always call them). With the two roles of README.md
    ("Configuration") the runtime role may once `database_grants` granted it; a role with no
    grant (or a table the functions do not serve) gets no month swapped (the purge works in
    windows, as on a plain table) and no partition created."""
    connection = connection or default_connection
    if connection.vendor != "postgresql" or table != TABLE:
        return False
    with connection.cursor() as cursor:
        found = _rows(
            cursor,
            "SELECT bool_and(to_regprocedure(f) IS NOT NULL "
            "AND has_function_privilege(to_regprocedure(f), 'EXECUTE')) "
            "FROM unnest(%s::text[]) f",
            [list(FUNCTIONS)],
        )
    return bool(found and found[0][0])


def default_partition_rows(*, connection=None) -> int | None:
    """Rows of activity events in the default partition (strays of a month without its own
    partition); None where the table is not partitioned (SQLite)."""
    connection = connection or default_connection
    if not is_partitioned(connection=connection):
        return None
    with connection.cursor() as cursor:
        if not _rows(cursor, "SELECT 1 FROM pg_class WHERE relname = %s", [DEFAULT_PARTITION]):
            return None
        return _rows(cursor, f"SELECT count(*) FROM {DEFAULT_PARTITION}")[0][0]


def months_ahead() -> int:
    return settings.ACTIVITY_PARTITION_MONTHS_AHEAD


def partitions_ensure(*, ahead: int | None = None, now=None, connection=None) -> list[str]:
    """Create the partitions of this month and the next `ahead` months that do not exist yet
    (ACTIVITY_PARTITION_MONTHS_AHEAD by default), moving any rows the default partition holds
    for them; idempotent; returns the names created. Through the database function
    `privacyops_activity_months_ensure` (the owner's rights, for any role granted EXECUTE).
    Does nothing where the table is not partitioned or the role may not call it."""
    connection = connection or default_connection
    if not is_partitioned(connection=connection):
        return []
    if not may_manage(connection=connection):
        log.warning(
            "This database role may not execute %s: the partitions of %s are not created "
            "ahead (grant it with manage.py database_grants; new months' rows go to the "
            "default partition)",
            ENSURE_FUNCTION,
            TABLE,
        )
        return []
    ahead = months_ahead() if ahead is None else ahead
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ENSURE_FUNCTION}(%s, %s)", [month_start(now or timezone.now()), ahead]
        )
        return list(cursor.fetchone()[0])


# --- Conversion (the migration) ----------------------------------------------------------


def _index_definitions(cursor, table: str) -> list[str]:
    return [
        row[0]
        for row in _rows(
            cursor,
            """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
               JOIN pg_class c ON c.oid = i.indrelid
               WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace
                 AND NOT i.indisprimary""",
            [table],
        )
    ]


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    return _rows(
        cursor,
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype = 'f'""",
        [table],
    )


def _drop_indexes_and_keys(cursor, table: str) -> list[tuple[str, str]]:
    """Drop a table's secondary indexes, foreign keys and primary key; return how to remake
    the keys (the same names, so Django's migrations still find them)."""
    keys = _foreign_keys(cursor, table)
    for name, _ in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for (name,) in _rows(
        cursor,
        """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass AND NOT i.indisprimary""",
        [table],
    ):
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{TABLE}_pkey"')
    return keys


def _restore_indexes_and_keys(cursor, table, indexes, keys) -> None:
    for definition in indexes:
        # A partitioned table's index reads "ON ONLY table": made on a whole table here.
        cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _checks_now(cursor) -> None:
    """Run the foreign-key checks deferred to commit now (rows written earlier in the same
    transaction): PostgreSQL refuses to alter or drop a table with checks pending. Django's
    keys are deferred again afterwards (SET CONSTRAINTS ALL DEFERRED, their own mode)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _next_id(cursor, table: str) -> int:
    (value,) = _rows(cursor, f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0]
    sequence = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0]
    if sequence:
        last, called = _rows(cursor, f"SELECT last_value, is_called FROM {sequence}")[0]
        value = max(value, last + 1 if called else last)
    return value


def convert_to_partitions(*, connection=None, ahead: int | None = None, now=None) -> None:
    """Turn the plain activity-event table into monthly partitions, moving every row (one
    transaction; the caller's, in a migration). A partition for each month that has rows, for
    this month and `ahead` months more; a default partition for the rest."""
    connection = connection or default_connection
    if connection.vendor != "postgresql" or is_partitioned(connection=connection):
        return
    ahead = months_ahead() if ahead is None else ahead
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        _checks_now(cursor)
        next_id = _next_id(cursor, TABLE)
        # Taken before the rename, the definitions name the table the new one will be.
        indexes = _index_definitions(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {PLAIN_TABLE}")
        keys = _drop_indexes_and_keys(cursor, PLAIN_TABLE)
        cursor.execute(f"ALTER TABLE {PLAIN_TABLE} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        cursor.execute(f"ALTER TABLE {PLAIN_TABLE} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {PLAIN_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
            f" INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({KEY})"
        )
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id START {next_id}")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        start = month_start(now or timezone.now())
        months = {start}
        for _ in range(ahead):
            months.add(next_month(max(months)))
        horizon = next_month(max(months))
        months |= {
            row[0]
            for row in _rows(
                cursor,
                f"SELECT DISTINCT date_trunc('month', {KEY}) FROM {PLAIN_TABLE} WHERE {KEY} < %s",
                [horizon],
            )
        }
        for month in sorted(months):
            name = partition_name(month)
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [month, next_month(month)],
            )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {PLAIN_TABLE}")
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, {KEY})')
        _restore_indexes_and_keys(cursor, TABLE, indexes, keys)
        cursor.execute(f"DROP TABLE {PLAIN_TABLE}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")


def convert_to_plain(*, connection=None) -> None:
    """The way back: one plain table with its single-column key, every row moved."""
    connection = connection or default_connection
    if not is_partitioned(connection=connection):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _checks_now(cursor)
        next_id = _next_id(cursor, TABLE)
        indexes = _index_definitions(cursor, TABLE)
        keys = _foreign_keys(cursor, TABLE)
        cursor.execute(f"CREATE TABLE {PLAIN_TABLE} (LIKE {TABLE} INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {PLAIN_TABLE} SELECT * FROM {TABLE}")
        cursor.execute(f"ALTER TABLE {PLAIN_TABLE} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"DROP TABLE {TABLE} CASCADE")  # its partitions and its sequence
        cursor.execute(f"ALTER TABLE {PLAIN_TABLE} RENAME TO {TABLE}")
        cursor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY "
            f"(START WITH {next_id})"
        )
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id)')
        _restore_indexes_and_keys(cursor, TABLE, indexes, keys)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
