"""The database side of the access log's append-only promise, and the runtime role's grants.

The standard two-role deployment: migrations run as the role that owns the tables; web
processes, workers and beat run as a runtime role that may read and write the application's
rows but owns nothing. Only an owner can ALTER a table, disable its triggers or drop them, so
the runtime role can neither rewrite the access log nor switch off what guards it.
"""

from contextlib import contextmanager

from django.db import connections, transaction

ACCESS_LOG_TABLE = "security_accesslogentry"
# No model knows this table and the runtime role is granted nothing on it: a row in it opens a
# maintenance window in which the owner may empty the access log (the triggers consult it).
MAINTENANCE_TABLE = "security_access_log_maintenance"
# SECURITY DEFINER functions (owned by the owner, PUBLIC's EXECUTE revoked) the runtime role may
# call: activity events' monthly partitions, created ahead and replaced by a purge (migration
# subjects.0015 and 0016; privacyops.subjects.partitions). Granted where they exist.
RUNTIME_FUNCTIONS = (
    "privacyops_activity_months_ensure(timestamptz, integer)",
    "privacyops_activity_month_replace(timestamptz, bigint[], bigint[])",
)


def quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def runtime_role_grants(*, role: str, using: str = "default") -> list[str]:
    """The SQL that gives `role` exactly what the running product needs (PostgreSQL).

    Run it after every `migrate` (new tables need their grants): `manage.py database_grants`.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ValueError("Database roles and grants are PostgreSQL's; SQLite has no roles.")
    who = quote(connection, role)
    database = quote(connection, connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f FROM unnest(%s::text[]) f WHERE to_regprocedure(f) IS NOT NULL",
            [list(RUNTIME_FUNCTIONS)],
        )
        functions = [row[0] for row in cursor.fetchall()]
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {who}",
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        # The access log: read and add, nothing else; the maintenance switch: nothing at all.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(connection, ACCESS_LOG_TABLE)} FROM {who}",
        f"REVOKE ALL ON {quote(connection, MAINTENANCE_TABLE)} FROM {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
        *(f"GRANT EXECUTE ON FUNCTION {function} TO {who}" for function in functions),
    ]


@contextmanager
def access_log_maintenance(*, by: str, using: str = "default"):
    """A window in which the owner may empty the access log (never the runtime role).

    Used by the test suite between transactional tests; an operator would use it only to drop
    a whole test or staging database's log. Every statement runs in one transaction.
    """
    connection = connections[using]
    table = quote(connection, MAINTENANCE_TABLE)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (opened_by) VALUES (%s)", [by[:100]])
        yield  # on an error the transaction rolls back, the window's row with it
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
