"""PostgreSQL: two functions, owned by the owner role, through which any role granted EXECUTE
creates the coming months' activity-event partitions and replaces a purged month's partition.

README's two roles: the runtime role (web, workers, beat) owns no table, and only a table's
owner may create, attach, detach or drop its partitions. The functions are SECURITY DEFINER
(they run with the owner's rights) and take only a timestamp, a number of months and event
ids; every identifier they touch is read from the catalogue, never built from the caller's
text, so they give a caller no power it lacks: the rows a replacement disposes of are rows the
runtime role may already DELETE. Nobody but the owner may call them until
`manage.py database_grants ROLE` grants EXECUTE (PUBLIC's is revoked here).

search_path is pinned (pg_catalog, the schema, pg_temp last so that a caller's temporary
objects can never shadow a name) and TimeZone is UTC (months are calendar months of UTC, as in
`privacyops.subjects.partitions`). Names, ranges and the move of the default partition's rows
are those `partitions` made from Python before; `partitions.partitions_ensure` and
`retention.partition_swap.month_swap` call these and nothing else.

SQLite, and a PostgreSQL table that is not partitioned (subjects.0009 not applied): nothing.
"""

from django.db import migrations

from privacyops.subjects import partitions

# The names as they are at this migration (runtime code may rename things later; a later
# migration would then replace these functions).
TABLE = "subjects_activityevent"
NAMES = {"table": TABLE, "default": f"{TABLE}_default", "key": "occurred_at"}

# The monthly partitions of the parent and their bounds, read from the catalogue (the default
# partition's bound is DEFAULT and matches no FROM).
_MONTHS = """
    SELECT c.relname AS name,
           substring(pg_get_expr(c.relpartbound, c.oid) FROM $re$FROM \\('([^']+)'\\)$re$)
               ::timestamptz AS lower,
           substring(pg_get_expr(c.relpartbound, c.oid) FROM $re$TO \\('([^']+)'\\)$re$)
               ::timestamptz AS upper
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = format('%I.%I', '{schema}', '{table}')::regclass
"""

_ENSURE_BODY = """
DECLARE
    month_lower timestamptz;
    month_upper timestamptz;
    part text;
    created text[] := '{{}}';
BEGIN
    IF months IS NULL OR months < 0 OR months > 1200 THEN
        RAISE EXCEPTION 'months ahead must be between 0 and 1200, not %', months;
    END IF;
    FOR step IN 0..months LOOP
        month_lower := date_trunc('month', first_month) + make_interval(months => step);
        month_upper := month_lower + interval '1 month';
        CONTINUE WHEN EXISTS (SELECT 1 FROM ({months}) m WHERE m.lower = month_lower);
        part := '{table}_p' || to_char(month_lower, 'YYYY_MM');
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS)',
                       '{schema}', part, '{schema}', '{table}');
        -- PostgreSQL refuses to attach a range the default partition holds rows in: they move.
        IF to_regclass(format('%I.%I', '{schema}', '{default}')) IS NOT NULL THEN
            EXECUTE format('WITH moved AS (DELETE FROM %I.%I WHERE {key} >= $1 AND {key} < $2'
                           ' RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
                           '{schema}', '{default}', '{schema}', part)
                USING month_lower, month_upper;
        END IF;
        EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                       '{schema}', '{table}', '{schema}', part, month_lower, month_upper);
        created := created || part;
    END LOOP;
    RETURN created;
END
"""

_REPLACE_BODY = """
DECLARE
    old_name text;
    month_upper timestamptz;
    fresh_name text;
    column_list text;
    total bigint;
    copied bigint;
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
    EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %I.%I WHERE id = ANY($1)',
                   '{schema}', fresh_name, column_list, column_list, '{schema}', old_name)
        USING kept_ids;
    GET DIAGNOSTICS copied = ROW_COUNT;
    EXECUTE format('SELECT count(*) FROM %I.%I', '{schema}', old_name) INTO total;
    EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I',
                   '{schema}', '{table}', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   '{schema}', '{table}', '{schema}', fresh_name, month_lower, month_upper);
    EXECUTE format('DROP TABLE %I.%I', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{schema}', fresh_name, old_name);
    RETURN total - copied;
END
"""


# name: (arguments, their types alone, result, body)
FUNCTIONS = {
    "privacyops_activity_months_ensure": (
        "first_month timestamptz, months integer",
        "timestamptz, integer",
        "text[]",
        _ENSURE_BODY,
    ),
    "privacyops_activity_month_replace": (
        "month_lower timestamptz, kept_ids bigint[]",
        "timestamptz, bigint[]",
        "bigint",
        _REPLACE_BODY,
    ),
}


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(TABLE, connection=connection):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        # The names are written into the bodies as SQL string literals (format's %I quotes them).
        names = {**NAMES, "schema": schema.replace("'", "''")}
        months = _MONTHS.format(**names)
        pinned = (
            f"SET search_path = pg_catalog, {connection.ops.quote_name(schema)}, pg_temp "
            "SET TimeZone = 'UTC'"
        )
        for name, (arguments, types, result, body) in FUNCTIONS.items():
            source = body.format(months=months, **names)
            cursor.execute(
                f"CREATE FUNCTION {name}({arguments}) RETURNS {result} "
                f"LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $body${source}$body$"
            )
            cursor.execute(f"REVOKE EXECUTE ON FUNCTION {name}({types}) FROM PUBLIC")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, (_, types, _, _) in FUNCTIONS.items():
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}({types})")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0014_subject_activity_months")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
