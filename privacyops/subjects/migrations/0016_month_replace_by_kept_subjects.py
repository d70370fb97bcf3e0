"""PostgreSQL: the purge's month replacement also keeps whole subjects' rows, and says how many
rows it kept.

`privacyops_activity_month_replace(timestamptz, bigint[])` (subjects.0015) took the ids of the
rows to keep, which the purge had to find first, one by one, through the (subject, time) index,
before the function looked each up again by id. Where nothing but holds keeps a row (the usual
case), the rows that stay are simply every row of the held subjects: the new function takes
those subjects' ids too and copies their rows in the same statement (one index probe per
subject, not two per row), and returns the rows kept with the rows disposed of, so the purge
counts the held rows of a swapped month without reading them again.

The old function is replaced, not overloaded: one way in. Whoever could execute it (the runtime
role, granted by `manage.py database_grants`) may execute the new one, so an upgrade needs no new
grant. The guarantees of subjects.0015 are unchanged: SECURITY DEFINER, search_path pinned,
EXECUTE revoked from PUBLIC, every identifier read from the catalogue; the rows it disposes of
are rows the caller may DELETE anyway.

SQLite, and a table that is not partitioned: nothing.
"""

import importlib

from django.db import migrations

from privacyops.subjects import partitions

functions_0015 = importlib.import_module(
    "privacyops.subjects.migrations.0015_activity_partition_functions"
)

NAME = "privacyops_activity_month_replace"
OLD = f"{NAME}(timestamptz, bigint[])"
NEW_ARGUMENTS = (
    "month_lower timestamptz, kept_ids bigint[], kept_subjects bigint[], "
    "OUT disposed bigint, OUT kept bigint"
)
NEW = f"{NAME}(timestamptz, bigint[], bigint[])"

_BODY = """
DECLARE
    old_name text;
    month_upper timestamptz;
    fresh_name text;
    column_list text;
    total bigint;
BEGIN
    SELECT m.name, m.upper INTO old_name, month_upper FROM ({months}) m WHERE m.lower = month_lower;
    IF old_name IS NULL THEN
        RAISE EXCEPTION 'no monthly partition of {table} starts at %', month_lower
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Reads go on; no late event of the month can slip in between the copy and the drop.
    EXECUTE format('LOCK TABLE %I.%I IN SHARE ROW EXCLUSIVE MODE', '{schema}', '{table}');
    fresh_name := left(old_name || '_swap', 63);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO column_list
    FROM pg_attribute a
    WHERE a.attrelid = format('%I.%I', '{schema}', '{table}')::regclass
      AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format('DROP TABLE IF EXISTS %I.%I', '{schema}', fresh_name);
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS)',
                   '{schema}', fresh_name, '{schema}', '{table}');
    -- One statement for both: a row of a kept subject whose id is also listed is copied once.
    EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %I.%I'
                   ' WHERE id = ANY($1) OR subject_id = ANY($2)',
                   '{schema}', fresh_name, column_list, column_list, '{schema}', old_name)
        USING coalesce(kept_ids, '{{}}'), coalesce(kept_subjects, '{{}}');
    GET DIAGNOSTICS kept = ROW_COUNT;
    EXECUTE format('SELECT count(*) FROM %I.%I', '{schema}', old_name) INTO total;
    EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I',
                   '{schema}', '{table}', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   '{schema}', '{table}', '{schema}', fresh_name, month_lower, month_upper);
    EXECUTE format('DROP TABLE %I.%I', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{schema}', fresh_name, old_name);
    disposed := total - kept;
END
"""


def _grantees(cursor, signature: str) -> list[str]:
    """The roles (not the owner, not PUBLIC) that may execute a function."""
    cursor.execute(
        """SELECT r.rolname FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a
           JOIN pg_roles r ON r.oid = a.grantee
           WHERE p.oid = to_regprocedure(%s) AND a.privilege_type = 'EXECUTE'
             AND a.grantee <> p.proowner""",
        [signature],
    )
    return [row[0] for row in cursor.fetchall()]


def _replace(connection, *, drop: str, create) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [drop])
        if not cursor.fetchone()[0]:
            return
        grantees = _grantees(cursor, drop)
        signature = create(cursor)
        cursor.execute(f"DROP FUNCTION {drop}")
        cursor.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
        for role in grantees:
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {quote(role)}")


def _create(cursor, connection, *, arguments: str, result: str, body: str) -> None:
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    names = {**functions_0015.NAMES, "schema": schema.replace("'", "''")}
    pinned = (
        f"SET search_path = pg_catalog, {connection.ops.quote_name(schema)}, pg_temp "
        "SET TimeZone = 'UTC'"
    )
    source = body.format(months=functions_0015._MONTHS.format(**names), **names)
    cursor.execute(
        f"CREATE FUNCTION {NAME}({arguments}) {result} "
        f"LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $body${source}$body$"
    )


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        return

    def create(cursor) -> str:
        _create(cursor, connection, arguments=NEW_ARGUMENTS, result="", body=_BODY)
        return NEW

    _replace(connection, drop=OLD, create=create)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        return
    arguments, _, result, body = functions_0015.FUNCTIONS[NAME]

    def create(cursor) -> str:
        _create(cursor, connection, arguments=arguments, result=f"RETURNS {result}", body=body)
        return OLD

    _replace(connection, drop=NEW, create=create)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0015_activity_partition_functions")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
