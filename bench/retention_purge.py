"""Benchmark: the retention purge engine against the floor (one raw DELETE) and the ORM.

Run by hand, on PostgreSQL, against a database of its own (it truncates activity events):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_r \\
        .venv/bin/python bench/retention_purge.py [--rows 5000000] [--slice 100000]

It migrates that database, creates 100,000 data subjects, 1% of them under legal hold, and a
template of `--rows` activity events, 60% of them older than the 13-month rule (event ids in
time order, as ingestion makes them; no event within a week of the cutoff, so the few minutes
between the measurements never move a row across it). Each measurement starts from the same
freshly loaded, vacuumed and analysed table. The events table is switched between its two
layouts (`privacyops.subjects.partitions`: one plain table as on SQLite, or monthly
partitions as on PostgreSQL since migration subjects.0009) while it is empty:

  (a) this engine on the partitioned table: `retention_rule_run` of the seeded 13-month rule
      (whole months past the cutoff swapped, the edge month in windows of
      RETENTION_WINDOW_SIZE rows; checkpoints, held count, records), the months on
      RETENTION_SWAP_CONNECTIONS connections (default 1; RETENTION_SWAP_CONNECTIONS=2 in the
      environment to set two against (a1));
  (a1) with --one-connection: the same engine with every month on the run's own connection
      (RETENTION_SWAP_CONNECTIONS=1);
  (a0) with --plain-engine: the same engine on the plain table (windows only, as before);
  (b) the floor: one raw SQL DELETE of the same rows on the plain table;
  (c) QuerySet.delete() with a pre_delete receiver connected, on the first `--slice`
      expired rows only (the collector loads every object into memory), extrapolated
      linearly to the full set (plain table);
  (d) the conversion migration's work: the loaded plain table turned into partitions
      (`convert_to_partitions`, every row moved), per million rows;
  (e) ingestion: `load_activity`'s COPY path (`ingest.write_events`) of --ingest rows into
      the plain and into the partitioned table, each holding what a purge left;
  (f) with --drop-floor: the fastest way the database itself removes whole months, on the
      partitioned table freshly loaded again: each month that (a) swaps detached and dropped,
      one transaction each, nothing kept, nothing counted, nothing recorded. What is left of
      (a) beyond (f) is the engine's own work (the count, the kept rows, the records); (f)
      itself is mostly the filesystem freeing the months' files at each commit;
  (g) with --count-floor: (f) with each month counted exactly first, in its transaction
      (`SELECT count(*)`, the fastest exact count PostgreSQL has: a parallel index-only scan),
      still nothing kept. No purge that proves how many rows it disposed of, as the engine's
      records must, can take less than (g) on this table; keeping the held rows comes on top.

With --cold, the kernel's page cache is dropped before each of (a), (b), (f) and (g). With
--profile, (a) also prints the time spent in its commits (not in any statement: at a commit
PostgreSQL truncates the files of a dropped partition, and the filesystem frees them).
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.backends.utils import CursorWrapper  # noqa: E402
from django.db.models.signals import pre_delete  # noqa: E402

from privacyops.retention import services  # noqa: E402
from privacyops.retention.models import LegalHold, PurgeRun, RetentionRule  # noqa: E402
from privacyops.subjects import ingest, partitions  # noqa: E402
from privacyops.subjects.activity_lines import EventRow  # noqa: E402
from privacyops.subjects.models import ActivityEvent, DataSubject  # noqa: E402

SUBJECTS = 100_000
HELD_EVERY = 100  # 1% of subjects under legal hold
TABLE = ActivityEvent._meta.db_table


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


class statement_timer:
    """While entered, the seconds of each statement shape (its first `width` characters) on
    every connection, the purge's month-swap threads' too (`RETENTION_SWAP_CONNECTIONS`)."""

    def __init__(self, width: int):
        self.width = width
        self.spent: dict[str, list[float]] = {}

    def __enter__(self):
        real = CursorWrapper._execute

        def timed(cursor, statement, *args):
            t = time.perf_counter()
            try:
                return real(cursor, statement, *args)
            finally:
                shape = " ".join(statement.split())[: self.width]
                self.spent.setdefault(shape, []).append(time.perf_counter() - t)

        CursorWrapper._execute = timed
        self.real = real
        return self

    def __exit__(self, *exc):
        CursorWrapper._execute = self.real
        return False


class commit_timer:
    """While entered, the seconds of each commit, on every connection."""

    def __init__(self):
        self.times: list[float] = []

    def __enter__(self):
        wrapper = type(connections["default"])
        real = self.real = wrapper._commit
        times = self.times

        def timed(conn):
            t = time.perf_counter()
            try:
                return real(conn)
            finally:
                times.append(time.perf_counter() - t)

        wrapper._commit = timed
        return self

    def __exit__(self, *exc):
        type(connections["default"])._commit = self.real
        return False


def uncache(cold: bool) -> None:
    """With --cold: the kernel's page cache dropped (root, Linux), as a nightly purge finds
    months nobody has read for a year. PostgreSQL's own shared_buffers stay (128 MB here)."""
    if cold:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")


def drop_floor(cutoff, cold: bool = False, count: bool = False) -> tuple[float, int]:
    """(f): every month entirely on or before the cutoff detached and dropped, one transaction
    each, as the engine commits its months (synchronous_commit off); (seconds, months). (g),
    with `count`: each month first counted exactly, as a purge that proves what it disposed of
    must, by the fastest count PostgreSQL has (a parallel index-only scan)."""
    months = [p for p in partitions.month_partitions(TABLE) if p.upper <= cutoff]
    uncache(cold)
    t = time.perf_counter()
    for month in months:
        with transaction.atomic():
            sql("SET LOCAL synchronous_commit = off")
            if count:
                sql(f"SELECT count(*) FROM {month.name}")
            sql(f"ALTER TABLE {TABLE} DETACH PARTITION {month.name}")
            sql(f"DROP TABLE {month.name}")
    return time.perf_counter() - t, len(months)


def bench_subjects() -> int:
    """SUBJECTS data subjects whose login names are 'bench' and their ids (as the template's
    events name them), one in HELD_EVERY under legal hold, instead of any before; the first id."""
    LegalHold.objects.all().delete()
    DataSubject.objects.filter(login_name__startswith="bench").delete()
    people = DataSubject.objects.bulk_create(
        [
            DataSubject(kind="customer_contact", full_name=f"Bench {i}", login_name=f"bench{i}")
            for i in range(SUBJECTS)
        ],
        batch_size=5000,
    )
    first = min(p.pk for p in people)
    DataSubject.objects.filter(pk__in=[p.pk for p in people]).update(login_name=None)
    sql("UPDATE subjects_datasubject SET login_name = 'bench' || id WHERE id >= %s", [first])
    legal, _ = get_user_model().objects.get_or_create(username="bench-legal")
    LegalHold.objects.bulk_create(
        [
            LegalHold(subject=p, matter="Bench dispute", reason="bench", placed_by=legal)
            for p in people[::HELD_EVERY]
        ]
    )
    return first


def fill_template(rows: int, first_subject: int) -> None:
    """bench_events: the events every measurement starts from (60% older than 410 days)."""
    sql("DROP TABLE IF EXISTS bench_events")
    sql(
        f"""
        CREATE TABLE bench_events AS
        SELECT g AS id,
               now() - CASE WHEN f < 0.4 THEN (f / 0.4) * interval '380 days'
                            ELSE interval '410 days' + ((f - 0.4) / 0.6) * interval '590 days'
                       END AS occurred_at,
               (ARRAY['page_view','login','app_use','api'])[1 + g % 4] AS event_kind,
               ('10.' || (g % 250) || '.' || (g % 199) || '.' || (g % 97))::inet AS ip,
               'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0' AS user_agent,
               'Chrome' AS browser,
               'Linux' AS operating_system,
               '/product/page-' || (g % 500) AS page,
               'https://www.google.com/' AS referrer,
               'bench' || ({first_subject} + g % {SUBJECTS}) AS login,
               '' AS email,
               {first_subject} + g % {SUBJECTS} AS subject_id
        FROM (SELECT g, ({rows} - g)::float8 / {rows} AS f
              FROM generate_series(1, {rows}) AS g) AS s
        """
    )


COLUMNS = (
    "id, occurred_at, event_kind, ip, user_agent, browser, operating_system, page, referrer, "
    "login, email, subject_id"
)


def layout(partitioned: bool) -> None:
    """Empty the events table and give it the layout asked for (cheap: no rows to move)."""
    sql(f"TRUNCATE {TABLE}")
    if partitioned:
        partitions.convert_to_partitions()
        # Every month the template spans (1,000 days back), as beat and the migration leave it.
        partitions.partitions_ensure(
            now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1010), ahead=36
        )
    else:
        partitions.convert_to_plain()


def fill() -> None:
    """The template into the table (either layout); its secondary indexes and foreign key are
    dropped first and made again after, as a bulk load is done (20M rows into six live indexes
    takes over half an hour here; building them after, minutes). The table ends up exactly as the
    migrations make it, its indexes freshly built, whichever layout is measured next."""
    indexes = sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
        [TABLE, "%_pkey"],
    )
    keys = sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [TABLE],
    )
    for name, _ in keys:
        sql(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        sql(f'DROP INDEX "{name}"')
    sql(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM bench_events ORDER BY id")
    for _, definition in indexes:
        # A partitioned table's index reads "ON ONLY" the parent, which would build it on no
        # partition: made on the parent, it is built on every month.
        sql(definition.replace(" ON ONLY ", " ON ", 1))
    for name, definition in keys:
        sql(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')


def settle() -> None:
    sql(f"VACUUM ANALYZE {TABLE}")
    sql("CHECKPOINT")


def load(partitioned: bool = False) -> None:
    layout(partitioned)
    fill()
    settle()


def ingest_rows(count: int, first_subject: int) -> tuple[list, list]:
    now = datetime.datetime.now(datetime.UTC)
    rows = [
        EventRow(
            now - datetime.timedelta(seconds=i),
            "page_view",
            f"10.9.{i % 250}.{i % 199}",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0",
            "Chrome",
            "Linux",
            f"/product/page-{i % 500}",
            "https://www.google.com/",
            f"bench{first_subject + i % SUBJECTS}",
            "",
        )
        for i in range(count)
    ]
    return rows, [first_subject + i % SUBJECTS for i in range(count)]


def time_ingest(rows, subject_ids, batch: int = 10_000) -> float:
    # Both layouts start from the same subjects: without this the first layout measured
    # widens every subject's event months and the second finds nothing to widen.
    sql(
        "UPDATE subjects_datasubject SET activity_from = NULL, activity_until = NULL, "
        "last_activity_at = NULL WHERE login_name LIKE 'bench%%'"
    )
    sql(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM bench_events))",
        [TABLE],
    )
    sql("VACUUM ANALYZE subjects_datasubject")
    t = time.perf_counter()
    for start in range(0, len(rows), batch):
        with transaction.atomic():
            ingest.write_events(rows[start : start + batch], subject_ids[start : start + batch])
    return time.perf_counter() - t


def expected(cutoff) -> tuple[int, int]:
    ((purge, held),) = sql(
        """SELECT count(*) FILTER (WHERE h.subject_id IS NULL),
                   count(*) FILTER (WHERE h.subject_id IS NOT NULL)
            FROM bench_events e LEFT JOIN (SELECT DISTINCT subject_id FROM retention_legalhold
                                      WHERE released_at IS NULL) h USING (subject_id)
            WHERE e.occurred_at <= %s""",
        [cutoff],
    )
    return purge, held


def remaining() -> int:
    return sql(f"SELECT count(*) FROM {TABLE}")[0][0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--slice", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of (a) and (b)")
    parser.add_argument("--skip-orm", action="store_true", help="leave out (c)")
    parser.add_argument("--plain-engine", action="store_true", help="add (a0)")
    parser.add_argument("--ingest", type=int, default=200_000, help="rows for (e); 0: none")
    parser.add_argument(
        "--profile", action="store_true", help="print (a)'s slowest SQL statements, summed"
    )
    parser.add_argument("--drop-floor", action="store_true", help="add (f), a DROP per month")
    parser.add_argument(
        "--count-floor", action="store_true", help="add (g), (f) with each month counted"
    )
    parser.add_argument(
        "--one-connection", action="store_true", help="add (a1), every month on one connection"
    )
    parser.add_argument(
        "--cold", action="store_true", help="drop the page cache before (a), (b), (f) (root)"
    )
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"] or "bench" not in db["NAME"]:
        sys.exit("Run against a PostgreSQL database of its own whose name contains 'bench'.")

    call_command("migrate", verbosity=0)
    started = datetime.datetime.now(datetime.UTC)
    print(f"# retention purge benchmark, {started:%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"{sql('SELECT version()')[0][0].split(' on ')[0]}, window "
        f"{settings.RETENTION_WINDOW_SIZE} rows, months swapped on "
        f"{settings.RETENTION_SWAP_CONNECTIONS} connections"
    )

    t = time.perf_counter()
    layout(False)
    PurgeRun.objects.all().delete()
    first = bench_subjects()
    fill_template(args.rows, first)
    # Vacuumed and analysed as autovacuum keeps them in production (it may be off on a test
    # VM): the subjects' bulk update above leaves two dead rows for each live one and no
    # visibility map, which a month's attach then pays for in its foreign-key check.
    sql("VACUUM ANALYZE subjects_datasubject")
    sql("VACUUM ANALYZE retention_legalhold")
    print(f"setup: {time.perf_counter() - t:.0f} s; load average {os.getloadavg()[0]:.1f}")

    rule = RetentionRule.objects.get(code="activity-events-13-months")
    RetentionRule.objects.exclude(pk=rule.pk).update(is_active=False)
    cutoff = rule.cutoff()
    to_purge, held = expected(cutoff)
    print(
        f"rows {args.rows}: {to_purge} to purge, {held} expired but held, "
        f"{args.rows - to_purge - held} fresh"
    )

    def engine_run() -> float:
        PurgeRun.objects.all().delete()
        timing, committing = statement_timer(160), commit_timer()
        spent = timing.spent
        uncache(args.cold)
        t = time.perf_counter()
        if args.profile:
            with timing, committing:
                run = services.retention_rule_run(rule=rule)
        else:
            run = services.retention_rule_run(rule=rule)
        seconds = time.perf_counter() - t
        if args.profile:
            top = sorted(spent.items(), key=lambda item: -sum(item[1]))[:25]
            in_sql = sum(map(sum, spent.values()))
            print(
                f"(a) {seconds:.2f} s, {sum(map(len, spent.values()))} statements taking "
                f"{in_sql:.2f} s, {len(committing.times)} commits taking "
                f"{sum(committing.times):.2f} s (slowest {max(committing.times):.3f} s); slowest:"
            )
            for shape, times in top:
                print(f"  {sum(times):7.3f} s  x{len(times):<4} {shape}")
        assert run.status == "succeeded", run.errors
        assert run.rows_deleted == to_purge and run.rows_skipped_held == held, run
        assert remaining() == args.rows - to_purge
        return seconds

    def floor_run() -> float:
        uncache(args.cold)
        t = time.perf_counter()
        deleted = sql(
            f"""DELETE FROM {TABLE} e WHERE e.occurred_at <= %s AND NOT EXISTS (
                    SELECT 1 FROM retention_legalhold h
                    WHERE h.subject_id = e.subject_id AND h.released_at IS NULL)""",
            [cutoff],
        )
        seconds = time.perf_counter() - t
        assert deleted == to_purge, deleted
        return seconds

    def partitioned_load() -> float:
        """Fill the plain table, then convert it as migration subjects.0009 does: (d)."""
        layout(False)
        fill()
        t = time.perf_counter()
        partitions.convert_to_partitions()
        seconds = time.perf_counter() - t
        settle()
        return seconds

    new_rows, new_ids = ingest_rows(args.ingest, first)
    # (a) and (b) in pairs, (a) on the partitioned table, (b) on the plain one, each from a
    # freshly loaded table; every other pair (b) goes first, so neither always runs on a
    # warmer machine. Ingestion (e) into each right after its purge, in the first round.
    ratios, engine_times, floor_times, converts, plain_engine = [], [], [], [], []
    ingests: dict[str, float] = {}
    for round_ in range(args.repeat):
        times = {}

        def measure_a(times: dict, round_: int) -> None:
            converts.append(partitioned_load())
            times["a"] = engine_run()
            assert partitions.is_partitioned()
            if round_ == 0 and args.ingest:
                ingests["partitioned"] = time_ingest(new_rows, new_ids)

        def measure_b(times: dict, round_: int) -> None:
            load(partitioned=False)
            times["b"] = floor_run()
            if round_ == 0 and args.ingest:
                ingests["plain"] = time_ingest(new_rows, new_ids)

        for measure in (measure_a, measure_b) if round_ % 2 == 0 else (measure_b, measure_a):
            measure(times, round_)
        if args.plain_engine:
            load(partitioned=False)
            plain_engine.append(engine_run())
        if args.one_connection and round_ == 0:
            partitioned_load()
            spread, settings.RETENTION_SWAP_CONNECTIONS = settings.RETENTION_SWAP_CONNECTIONS, 1
            one_connection = engine_run()
            settings.RETENTION_SWAP_CONNECTIONS = spread
        if args.drop_floor and round_ == 0:
            partitioned_load()
            floor_months = drop_floor(cutoff, args.cold)
        if args.count_floor and round_ == 0:
            partitioned_load()
            counted_months = drop_floor(cutoff, args.cold, count=True)
        engine_times.append(times["a"])
        floor_times.append(times["b"])
        ratios.append(times["a"] / times["b"])
        print(
            f"round {round_ + 1}: (a) engine, partitioned {times['a']:.2f} s, (b) raw SQL "
            f"DELETE, plain {times['b']:.2f} s, (a)/(b) {ratios[-1]:.2f}"
            + (f", (a0) engine, plain {plain_engine[-1]:.2f} s" if plain_engine else "")
            + f"; (d) conversion {converts[-1]:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
    results = {"a": statistics.median(engine_times), "b": statistics.median(floor_times)}
    print(
        f"(a) engine, partitioned: {results['a']:8.2f} s  (median of {args.repeat}; "
        f"{to_purge} deleted, {held} kept under hold)"
    )
    print(f"(b) raw SQL DELETE, plain: {results['b']:8.2f} s  (median of {args.repeat})")
    if plain_engine:
        print(f"(a0) engine, plain:      {statistics.median(plain_engine):8.2f} s")
    per_round = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"(a)/(b) per round: {per_round}; median {statistics.median(ratios):.2f}")
    per_million = statistics.median(converts) / (args.rows / 1_000_000)
    print(
        f"(d) conversion of {args.rows} rows: {statistics.median(converts):.1f} s "
        f"(median), {per_million:.2f} s per million rows"
    )
    if args.drop_floor:
        seconds, count = floor_months
        print(
            f"(f) DETACH + DROP of the {count} months (a) swaps, nothing kept: {seconds:.2f} s; "
            f"(f)/(b) {seconds / results['b']:.2f}, (a)/(f) {results['a'] / seconds:.2f}"
        )
    if args.count_floor:
        seconds, count = counted_months
        print(
            f"(g) count(*), DETACH + DROP of the {count} months, nothing kept: {seconds:.2f} s; "
            f"(g)/(b) {seconds / results['b']:.2f}, (a)/(g) {results['a'] / seconds:.2f}"
        )
    if args.one_connection:
        print(
            f"(a1) engine, every month on one connection: {one_connection:.2f} s; "
            f"(a1)/(b) {one_connection / results['b']:.2f}"
        )
    if ingests:
        print(
            f"(e) ingestion of {args.ingest} events (COPY, batches of 10,000): plain "
            f"{ingests['plain']:.2f} s, partitioned {ingests['partitioned']:.2f} s, "
            f"partitioned/plain {ingests['partitioned'] / ingests['plain']:.2f}"
        )
    if args.skip_orm:
        finish()
        return

    # (c) QuerySet.delete() with a pre_delete receiver, on a slice
    load(partitioned=False)
    seen = []

    def receiver(sender, instance, **kwargs):  # what an audit library does per object
        seen.append(instance.pk)

    pre_delete.connect(receiver, sender=ActivityEvent, dispatch_uid="bench")
    held_ids = LegalHold.objects.values("subject_id")
    expired = ActivityEvent.objects.filter(occurred_at__lte=cutoff).exclude(subject_id__in=held_ids)
    bound = expired.order_by("pk").values_list("pk", flat=True)[args.slice - 1]
    t = time.perf_counter()
    _, per_model = expired.filter(pk__lte=bound).delete()
    slice_seconds = time.perf_counter() - t
    pre_delete.disconnect(dispatch_uid="bench", sender=ActivityEvent)
    sliced = per_model.get(ActivityEvent._meta.label, 0)
    assert sliced == args.slice == len(seen), (sliced, len(seen))
    results["c"] = slice_seconds * to_purge / sliced
    print(
        f"(c) QuerySet.delete() + pre_delete: {slice_seconds:.1f} s for {sliced} rows, "
        f"extrapolated to {to_purge}: {results['c']:.0f} s"
    )

    print(f"(c)/(b): {results['c'] / results['b']:.0f} (extrapolated)")
    finish()


def finish() -> None:
    layout(True)  # empty, and partitioned as the migrations leave it
    sql("DROP TABLE IF EXISTS bench_events")
    print(f"# finished {datetime.datetime.now(datetime.UTC):%H:%M} UTC")


if __name__ == "__main__":
    main()
