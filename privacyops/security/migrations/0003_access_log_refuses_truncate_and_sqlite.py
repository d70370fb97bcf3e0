"""The access log refuses TRUNCATE on PostgreSQL, and UPDATE and DELETE on SQLite too.

PostgreSQL: a statement-level BEFORE TRUNCATE trigger joins the row trigger of 0002. SQLite:
BEFORE UPDATE and BEFORE DELETE triggers, so `QuerySet.update()` and `.delete()` fail there as
they do on PostgreSQL.

Both backends consult `security_access_log_maintenance`, a table no model knows and the runtime
database role is granted nothing on (`manage.py database_grants`): a row in it lets the
*owner* empty the table in a maintenance window (the test suite's flush between transactional
tests is such a window). It is no boundary against the owner — the owner may drop a trigger —
which is why web processes and workers run as a runtime role (docs/security.md).
"""

from django.db import migrations

from privacyops.security.database import MAINTENANCE_TABLE

POSTGRESQL = f"""
CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} (opened_by text NOT NULL);
CREATE OR REPLACE FUNCTION security_access_log_no_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {MAINTENANCE_TABLE}) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'the access log is append-only: TRUNCATE refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS security_access_log_no_truncate ON security_accesslogentry;
CREATE TRIGGER security_access_log_no_truncate
    BEFORE TRUNCATE ON security_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION security_access_log_no_truncate();
"""

POSTGRESQL_DROP = f"""
DROP TRIGGER IF EXISTS security_access_log_no_truncate ON security_accesslogentry;
DROP FUNCTION IF EXISTS security_access_log_no_truncate();
DROP TABLE IF EXISTS {MAINTENANCE_TABLE};
"""

SQLITE = [
    f"CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} (opened_by text NOT NULL)",
    "DROP TRIGGER IF EXISTS security_access_log_no_update",
    """
    CREATE TRIGGER security_access_log_no_update
    BEFORE UPDATE ON security_accesslogentry
    BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused');
    END
    """,
    "DROP TRIGGER IF EXISTS security_access_log_no_delete",
    f"""
    CREATE TRIGGER security_access_log_no_delete
    BEFORE DELETE ON security_accesslogentry
    WHEN NOT EXISTS (SELECT 1 FROM {MAINTENANCE_TABLE})
    BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only: DELETE refused');
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS security_access_log_no_update",
    "DROP TRIGGER IF EXISTS security_access_log_no_delete",
    f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("security", "0002_access_log_append_only")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
