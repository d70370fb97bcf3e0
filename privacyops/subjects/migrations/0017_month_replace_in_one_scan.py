"""PostgreSQL: the purge's month replacement counts the month and collects the rows that stay
in one scan, on every core.

The month function of subjects.0016 read each month twice: a `count(*)` of the partition (the
proof of disposition) and an `INSERT ... SELECT` of the rows that stay. The held subjects'
events are spread over the whole month (a few on nearly every other page), so the copy reads
most of the month's pages anyway, and PostgreSQL 15 runs an `INSERT ... SELECT` on one
process. Now one `SELECT` both counts every row and gathers the rows that stay into an array
(aggregate `privacyops_rows_collect`, which PostgreSQL may run as a parallel aggregate: its
states are arrays that concatenate), and the fresh table is filled from that array. Measured in
docs/benchmarks.md ("one scan"). Both statements are in a helper, `privacyops_month_scan`,
polymorphic in the table's row type: PL/pgSQL fixes a declared type when a session first runs
a function, and the table gets a new row type each time it is made again (the conversions of
`privacyops.subjects.partitions`); a polymorphic function is compiled anew for each type.

Where many rows would stay (more than `COLLECT_LIMIT`, bounded from above by the kept ids and
the kept subjects' rows as the (subject, time) index counts them), gathering them in memory is
no longer cheap and may not fit: the function then copies them as before, by `INSERT ...
SELECT`, and counts apart. Either way the result is the same rows, the same counts.

The signature is unchanged (`CREATE OR REPLACE`): whoever could execute the function still may,
with no new grant. The guarantees of subjects.0015/0016 stay: SECURITY DEFINER, search_path
pinned, PUBLIC's EXECUTE revoked, every identifier from the catalogue. The helper takes names,
so only the owner may run it (PUBLIC's EXECUTE revoked, as on the aggregate): the month
function runs it with the owner's rights.

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

COLLECT = "privacyops_rows_collect"
COLLECT_SIGNATURE = f"{COLLECT}(anycompatible)"
COLLECT_LIMIT = 100_000
SCAN = "privacyops_month_scan"
SCAN_SIGNATURE = f"{SCAN}(text, text, text, bigint[], bigint[], anyarray)"

# The month's rows counted and those that stay gathered, in one statement, then written to the
# fresh table; `row_type` (a NULL array of the table's row type) only says which type.
_SCAN = """
CREATE FUNCTION {scan}(old_name text, fresh_name text, column_list text, kept_ids bigint[],
                       kept_subjects bigint[], row_type anyarray,
                       OUT total bigint, OUT kept bigint)
LANGUAGE plpgsql {pinned} AS $body$
DECLARE
    kept_rows row_type%TYPE;
BEGIN
    EXECUTE format('SELECT count(*), %I.{collect}(ROW(%s)::%I.%I)'
                   ' FILTER (WHERE id = ANY($1) OR subject_id = ANY($2)) FROM %I.%I',
                   '{schema}', column_list, '{schema}', '{table}', '{schema}', old_name)
        INTO total, kept_rows USING kept_ids, kept_subjects;
    kept := 0;
    IF kept_rows IS NOT NULL THEN
        EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM unnest($1)',
                       '{schema}', fresh_name, column_list, column_list)
            USING kept_rows;
        GET DIAGNOSTICS kept = ROW_COUNT;
    END IF;
END
$body$
"""

_BODY = """
DECLARE
    old_name text;
    month_upper timestamptz;
    fresh_name text;
    column_list text;
    total bigint;
    bound bigint;
BEGIN
    SELECT m.name, m.upper INTO old_name, month_upper FROM ({months}) m WHERE m.lower = month_lower;
    IF old_name IS NULL THEN
        RAISE EXCEPTION 'no monthly partition of {table} starts at %', month_lower
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Reads go on; no late event of the month can slip in between the copy and the drop.
    EXECUTE format('LOCK TABLE %I.%I IN SHARE ROW EXCLUSIVE MODE', '{schema}', '{table}');
    kept_ids := coalesce(kept_ids, '{{}}');
    kept_subjects := coalesce(kept_subjects, '{{}}');
    fresh_name := left(old_name || '_swap', 63);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO column_list
    FROM pg_attribute a
    WHERE a.attrelid = format('%I.%I', '{schema}', '{table}')::regclass
      AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format('DROP TABLE IF EXISTS %I.%I', '{schema}', fresh_name);
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS)',
                   '{schema}', fresh_name, '{schema}', '{table}');
    -- At least as many rows as stay (a row kept by id and by subject counts twice here).
    bound := cardinality(kept_ids);
    IF cardinality(kept_subjects) > 0 THEN
        EXECUTE format('SELECT count(*) FROM %I.%I WHERE subject_id = ANY($1)',
                       '{schema}', old_name)
            INTO total USING kept_subjects;
        bound := bound + total;
    END IF;
    IF bound <= {limit} THEN
        -- One scan: every row counted, the rows that stay gathered (on every core). The
        -- table's row type is named here, at each call, not in a declaration: PL/pgSQL fixes
        -- declared types when a session first runs a function, and the table gets a new row
        -- type whenever it is made again (partitions.convert_to_plain/convert_to_partitions);
        -- the polymorphic {scan} is compiled anew for each row type it is given.
        EXECUTE format('SELECT total, kept FROM %I.{scan}(%L, %L, %L, $1, $2, NULL::%I.%I[])',
                       '{schema}', old_name, fresh_name, column_list, '{schema}', '{table}')
            INTO total, kept USING kept_ids, kept_subjects;
    ELSE
        -- One statement for both: a row of a kept subject whose id is also listed is copied once.
        EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %I.%I'
                       ' WHERE id = ANY($1) OR subject_id = ANY($2)',
                       '{schema}', fresh_name, column_list, column_list, '{schema}', old_name)
            USING kept_ids, kept_subjects;
        GET DIAGNOSTICS kept = ROW_COUNT;
        EXECUTE format('SELECT count(*) FROM %I.%I', '{schema}', old_name) INTO total;
    END IF;
    EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I',
                   '{schema}', '{table}', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   '{schema}', '{table}', '{schema}', fresh_name, month_lower, month_upper);
    EXECUTE format('DROP TABLE %I.%I', '{schema}', old_name);
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{schema}', fresh_name, old_name);
    disposed := total - kept;
END
"""


# What the month function's body names (the limit as the tests may set it).
ONE_SCAN = {"collect": COLLECT, "scan": SCAN, "limit": COLLECT_LIMIT}


def _names(connection, **extra) -> tuple[dict, str]:
    """The names the bodies are formatted with, and the pinned settings of every function."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    names = {**functions_0015.NAMES, "schema": schema.replace("'", "''"), **extra}
    pinned = f"SET search_path = pg_catalog, {quote(schema)}, pg_temp SET TimeZone = 'UTC'"
    return names, pinned


def _replace_function(connection, body: str, **extra) -> None:
    """CREATE OR REPLACE of the month function (same signature: its grants stay)."""
    names, pinned = _names(connection, **extra)
    source = body.format(months=functions_0015._MONTHS.format(**names), **names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {functions_0016.NAME}({functions_0016.NEW_ARGUMENTS}) "
            f"LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $body${source}$body$"
        )


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        return
    names, pinned = _names(connection, **ONE_SCAN)
    with connection.cursor() as cursor:
        # array_agg has no parallel form before PostgreSQL 16; this one's states concatenate.
        cursor.execute(
            f"CREATE AGGREGATE {COLLECT}(anycompatible) (SFUNC = array_append, "
            "STYPE = anycompatiblearray, COMBINEFUNC = array_cat, PARALLEL = SAFE)"
        )
        # Run by the month function, as the owner (SECURITY DEFINER); nobody else needs either.
        cursor.execute(_SCAN.format(pinned=pinned, **names))
        for signature in (COLLECT_SIGNATURE, SCAN_SIGNATURE):
            cursor.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    _replace_function(connection, _BODY, **ONE_SCAN)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if not partitions.is_partitioned(functions_0015.TABLE, connection=connection):
        return
    _replace_function(connection, functions_0016._BODY)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {SCAN_SIGNATURE}")
        cursor.execute(f"DROP AGGREGATE IF EXISTS {COLLECT_SIGNATURE}")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0016_month_replace_by_kept_subjects")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
