"""PostgreSQL: the purge's month replacement no longer counts the month's rows; it returns the
rows it kept, and the purge counts the month itself.

`privacyops_activity_month_replace` (subjects.0016) counted every row of the old partition
(an index-only scan, 35 ms for a 600,000-row month here) between copying what stays and
detaching it, on the one connection the month's transaction runs on. The count is the month's
proof of disposition, and nothing about it needs the owner's rights: the runtime role may read
every event. The purge now counts the month on a connection of its own, while this function
copies what stays (`retention.partition_swap.month_swap`): that connection holds the table
before the copy begins, so the detach here waits for the count to end, and it reads the rows
as the swap drops them (no write can reach the month from the swap's lock to its commit).

Same arguments, one result (the rows kept) instead of two: the function is dropped and made
again, and whoever could execute it before (the runtime role, granted by
`manage.py database_grants`) may execute it after, so an upgrade needs no new grant. The
guarantees of subjects.0015 are unchanged: SECURITY DEFINER, search_path pinned, EXECUTE
revoked from PUBLIC, every identifier read from the catalogue; the rows it disposes of are
rows the caller may DELETE anyway.

SQLite, and a table that is not partitioned: nothing.
"""

import importlib

from django.db import migrations

from privacyops.subjects import partitions

functions_0015 = importlib.import_module(
    "privacyops.subjects.migrations.0015_activity_partition_functions"
)
functions_0016 = importlib.import_module(
    "privacyops.subjects.migrations.0016_month_replace_by_kept_subjects"
)

NAME = functions_0016.NAME
SIGNATURE = functions_0016.NEW  # the same argument types before and after
ARGUMENTS = "month_lower timestamptz, kept_ids bigint[], kept_subjects bigint[]"

_BODY = """
DECLARE
    old_name text;
    month_upper timestamptz;
    fresh_name text;
    column_list text;
    kept bigint;
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
    EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I',
                   '{schema}', '{table}', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   '{schema}', '{table}', '{schema}', fresh_name, month_lower, month_upper);
    EXECUTE format('DROP TABLE %I.%I', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{schema}', fresh_name, old_name);
    RETURN kept;
END
"""


def _remake(connection, *, arguments: str, result: str, body: str) -> None:
    """Drop the function and create it again with this result and body, for the same roles."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [SIGNATURE])
        if not cursor.fetchone()[0]:
            return
        grantees = functions_0016._grantees(cursor, SIGNATURE)
        cursor.execute(f"DROP FUNCTION {SIGNATURE}")
        functions_0016._create(cursor, connection, arguments=arguments, result=result, body=body)
        cursor.execute(f"REVOKE EXECUTE ON FUNCTION {SIGNATURE} FROM PUBLIC")
        for role in grantees:
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {quote(role)}")


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        _remake(connection, arguments=ARGUMENTS, result="RETURNS bigint", body=_BODY)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        _remake(
            connection,
            arguments=functions_0016.NEW_ARGUMENTS,
            result="",
            body=functions_0016._BODY,
        )


class Migration(migrations.Migration):
    dependencies = [("subjects", "0016_month_replace_by_kept_subjects")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
