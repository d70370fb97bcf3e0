"""The access log is append-only in the database itself, on both backends and for both roles.

On SQLite and PostgreSQL the ORM's `update()` and `delete()` fail; on PostgreSQL TRUNCATE fails
for the owner too (outside a maintenance window), and a runtime role with the grants of
`manage.py database_grants` can read and add entries but can neither update, delete, truncate,
alter the table nor disable its triggers.
"""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from privacyops.security import services
from privacyops.security.database import access_log_maintenance
from privacyops.security.models import AccessLogEntry
from privacyops.subjects import partitions

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and TRUNCATE are PostgreSQL's"
)


def _entry(**kwargs):
    defaults = {"user": None, "action": AccessLogEntry.Action.VIEWED, "object_type": "x"}
    return services.access_log_record(**{**defaults, **kwargs})


@pytest.mark.django_db
def test_the_orm_cannot_update_or_delete_entries_on_any_backend():
    entry = _entry(object_repr="original")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).object_repr == "original"


@pytest.mark.django_db
def test_a_maintenance_window_lets_the_owner_empty_the_log_and_then_closes():
    _entry()
    # Emptied the way Django's flush empties a table (TRUNCATE on PostgreSQL, DELETE on SQLite).
    emptying = connection.ops.sql_flush(no_style(), ["security_accesslogentry"])

    def empty_the_log():
        with connection.cursor() as cursor:
            for statement in emptying:
                cursor.execute(statement)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        empty_the_log()
    with access_log_maintenance(by="test"):
        empty_the_log()
    assert not AccessLogEntry.objects.exists()
    _entry()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.all().delete()


@postgresql_only
@pytest.mark.django_db
def test_the_owner_cannot_truncate_the_log():
    _entry()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE security_accesslogentry")
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has no roles")
def test_the_grants_command_says_sqlite_has_no_roles():
    with pytest.raises(CommandError, match="SQLite has no roles"):
        call_command("database_grants", "privacyops_runtime")


@postgresql_only
@pytest.mark.django_db  # which of the owner's functions exist is read from the catalogue
def test_the_grants_command_prints_the_statements(capsys):
    call_command("database_grants", "privacyops_runtime")
    printed = capsys.readouterr().out
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in printed
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "security_accesslogentry"' in printed
    # The owner's functions that create and replace activity-event partitions (subjects.0015).
    functions = [line for line in printed.splitlines() if "GRANT EXECUTE" in line]
    if partitions.is_partitioned():
        assert functions == [
            f'GRANT EXECUTE ON FUNCTION {function} TO "privacyops_runtime";'
            for function in partitions.FUNCTIONS
        ]
    else:
        assert functions == []


@pytest.fixture
def runtime_role(transactional_db):
    """A login role with exactly the runtime grants, dropped again afterwards."""
    name = f"privacyops_runtime_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
    call_command("database_grants", name, "--apply")
    settings = connection.settings_dict
    yield psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=name,
        password=password,
        autocommit=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@postgresql_only
def test_the_runtime_role_reads_and_adds_but_can_change_nothing(runtime_role):
    entry = _entry(object_repr="original")
    with runtime_role as conn:
        # What the product needs: read and add entries, work with its other tables.
        conn.execute("SELECT count(*) FROM security_accesslogentry").fetchone()
        conn.execute(
            "INSERT INTO security_accesslogentry (occurred_at, username, user_agent, action, "
            "object_type, object_id, object_repr, subject_repr, detail) VALUES "
            "(now(), 'runtime', '', 'viewed', 'x', '', '', '', '{}')"
        )
        conn.execute("SELECT count(*) FROM subjects_datasubject").fetchone()
        if partitions.is_partitioned():  # this month exists already: nothing to create
            ensure = f"SELECT {partitions.ENSURE_FUNCTION}(now(), 0)"
            assert conn.execute(ensure).fetchone() == ([],)
        for statement in (
            f"UPDATE security_accesslogentry SET object_repr = 'x' WHERE id = {entry.pk}",
            f"DELETE FROM security_accesslogentry WHERE id = {entry.pk}",
            "TRUNCATE security_accesslogentry",
            "ALTER TABLE security_accesslogentry DISABLE TRIGGER ALL",
            "ALTER TABLE security_accesslogentry DISABLE TRIGGER security_access_log_append_only",
            "DROP TRIGGER security_access_log_no_truncate ON security_accesslogentry",
            "ALTER TABLE security_accesslogentry ADD COLUMN sneaky text",
            "INSERT INTO security_access_log_maintenance (opened_by) VALUES ('runtime')",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)
    assert AccessLogEntry.objects.get(pk=entry.pk).object_repr == "original"
    assert AccessLogEntry.objects.count() == 2
