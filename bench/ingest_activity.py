"""Benchmark: ingestion (`load_activity`'s COPY path) into monthly partitions vs the plain table.

Run by hand, on PostgreSQL (issue 18: "ingestion into partitions no slower than into the plain
table"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_ingest \\
        .venv/bin/python bench/ingest_activity.py [--rows 5000000] [--ingest 200000] \\
        [--rounds 5] [--batch 10000] [--days 2] [--skip-generate] [--profile]

Two databases side by side, named after DATABASE_URL's: `<name>_plain` holds the events in one
plain table (the layout before migration subjects.0009, and SQLite's), `<name>_partitioned` in
monthly partitions (PostgreSQL's since subjects.0009). Each is migrated and given the same
100,000 data subjects (login names `bench<id>`, 1% under legal hold) and the same `--rows`
events over 1,000 days as `bench/retention_purge.py` generates (INSERT ... SELECT
generate_series, secondary indexes and the foreign key made after the rows), then vacuumed and
analysed; `--skip-generate` reuses them as they are.

Each round ingests `--ingest` new events, spread evenly over the last `--days` days (linked to
the subjects by login name, as a file would be), through `ingest.activity_events_write` in
transactions of `--batch` rows: what `load_activity` does per batch after parsing (subject
lookup, COPY, the subjects' event months widened, their last activity moved), timed alone.
The rounds alternate the layout that goes first. After each measurement the new events are
deleted, the subjects' bounds and last activity put back, and the table vacuumed and analysed,
so every round starts from the same data (`--unset-bounds`: from subjects whose event months
and last activity are not set, as `bench/retention_purge.py`'s (e) found them). `--profile`
sums the SQL statements of each layout's last round (COPY runs outside Django's cursor: it is
the remainder) and prints a cProfile of it.
"""

import argparse
import cProfile
import datetime
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import retention_purge as purge_bench  # noqa: E402  (bench/ is this script's directory)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from privacyops.subjects import ingest, partitions  # noqa: E402
from privacyops.subjects.activity_lines import EventRow  # noqa: E402
from privacyops.subjects.models import ActivityEvent  # noqa: E402

TABLE = ActivityEvent._meta.db_table
SUBJECTS = purge_bench.SUBJECTS
LAYOUTS = ("plain", "partitioned")
# The subjects' columns ingestion writes, kept as generated so every round starts alike.
SUBJECT_STATE = "bench_subject_state"
sql = purge_bench.sql


def use(database: str) -> None:
    """Point the default connection at one of the two databases."""
    connection.close()
    connection.settings_dict["NAME"] = database


def create_database(database: str) -> None:
    server = {key: settings.DATABASES["default"][key] for key in ("HOST", "PORT", "USER")}
    with psycopg.connect(
        host=server["HOST"], port=server["PORT"], user=server["USER"], dbname="postgres"
    ) as admin:
        admin.autocommit = True
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(f'CREATE DATABASE "{database}"')


def generate(database: str, layout: str, rows: int) -> None:
    create_database(database)
    use(database)
    call_command("migrate", verbosity=0)
    purge_bench.layout(layout == "partitioned")
    first = purge_bench.bench_subjects()
    purge_bench.fill_template(rows, first)
    purge_bench.fill()
    sql("DROP TABLE bench_events")
    # The generated rows carry their ids: new events are numbered after them.
    sql(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), (SELECT max(id) FROM {TABLE}))")
    from privacyops.subjects.models import activity_bounds

    activity_bounds.bounds_recompute(event_model=ActivityEvent)
    sql(
        "UPDATE subjects_datasubject s SET last_activity_at = m.at FROM (SELECT subject_id, "
        f"max(occurred_at) AS at FROM {TABLE} GROUP BY subject_id) m WHERE s.id = m.subject_id"
    )
    sql(f"DROP TABLE IF EXISTS {SUBJECT_STATE}")
    sql(
        f"CREATE TABLE {SUBJECT_STATE} AS SELECT id, activity_from, activity_until, "
        "last_activity_at FROM subjects_datasubject WHERE login_name LIKE %s",
        ["bench%"],
    )
    sql("VACUUM ANALYZE subjects_datasubject")
    purge_bench.settle()


def first_subject() -> int:
    return sql(f"SELECT min(id) FROM {SUBJECT_STATE}")[0][0]


def new_events(count: int, first: int, days: float) -> list[EventRow]:
    """`count` events, the newest a minute ago, evenly over `days` days; subjects round robin."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    step = datetime.timedelta(days=days) / count
    return [
        EventRow(
            now - i * step,
            "page_view",
            f"10.9.{i % 250}.{i % 199}",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0",
            "Chrome",
            "Linux",
            f"/product/page-{i % 500}",
            "https://www.google.com/",
            f"bench{first + i % SUBJECTS}",
            "",
        )
        for i in range(count)
    ]


def restore(before: int, *, unset: bool = False) -> None:
    """Back to the generated data: the new events gone, the subjects' columns as they were
    (with `unset`, their event months and last activity not set, as before a first load)."""
    sql(f"DELETE FROM {TABLE} WHERE id > %s", [before])
    if unset:
        sql(
            "UPDATE subjects_datasubject SET activity_from = NULL, activity_until = NULL, "
            f"last_activity_at = NULL WHERE id IN (SELECT id FROM {SUBJECT_STATE}) "
            "AND (activity_from, activity_until, last_activity_at) IS DISTINCT FROM "
            "(NULL, NULL, NULL)"
        )
        sql("VACUUM ANALYZE subjects_datasubject")
        purge_bench.settle()
        return
    sql(
        f"UPDATE subjects_datasubject s SET activity_from = b.activity_from, "
        f"activity_until = b.activity_until, last_activity_at = b.last_activity_at "
        f"FROM {SUBJECT_STATE} b WHERE s.id = b.id AND (s.activity_from, s.activity_until, "
        "s.last_activity_at) IS DISTINCT FROM (b.activity_from, b.activity_until, "
        "b.last_activity_at)"
    )
    sql("VACUUM ANALYZE subjects_datasubject")
    purge_bench.settle()


def measure(rows: list[EventRow], batch: int, profile: bool) -> tuple[float, dict, object]:
    """Seconds to write `rows` batch by batch; with `profile`, the statements and a cProfile."""
    timed, spent = purge_bench.statement_timer(150)

    profiler = cProfile.Profile() if profile else None
    t = time.perf_counter()
    with connection.execute_wrapper(timed):
        if profiler:
            profiler.enable()
        for start in range(0, len(rows), batch):
            with transaction.atomic():
                ingest.activity_events_write(rows=rows[start : start + batch])
        if profiler:
            profiler.disable()
    return time.perf_counter() - t, spent, profiler


def landing(before: int) -> str:
    """Where the round's events went (the partitions they landed in)."""
    if not partitions.is_partitioned():
        return "one table"
    counts = sql(
        f"SELECT tableoid::regclass::text, count(*) FROM {TABLE} WHERE id > %s GROUP BY 1 "
        "ORDER BY 1",
        [before],
    )
    return ", ".join(f"{count} in {name.removeprefix(TABLE + '_')}" for name, count in counts)


def print_profile(layout: str, seconds: float, spent: dict, profiler) -> None:
    in_sql = sum(map(sum, spent.values()))
    print(
        f"profile, {layout}: {seconds:.2f} s; {sum(map(len, spent.values()))} statements "
        f"{in_sql:.2f} s; outside them (COPY, Python) {seconds - in_sql:.2f} s"
    )
    for shape, times in sorted(spent.items(), key=lambda item: -sum(item[1]))[:8]:
        print(f"  {sum(times):7.3f} s  x{len(times):<4} {shape}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000, help="events already there")
    parser.add_argument("--ingest", type=int, default=200_000, help="events ingested per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000, help="events per transaction")
    parser.add_argument("--days", type=float, default=2.0, help="the new events' time span")
    parser.add_argument("--skip-generate", action="store_true", help="reuse both databases")
    parser.add_argument("--profile", action="store_true", help="statements and cProfile")
    parser.add_argument(
        "--unset-bounds",
        action="store_true",
        help="every round's subjects without event months or last activity (a first load)",
    )
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"] or not db["NAME"].startswith("privacyops_bench_ingest"):
        sys.exit("Run against PostgreSQL with a database name starting privacyops_bench_ingest.")
    databases = {layout: f"{db['NAME']}_{layout}" for layout in LAYOUTS}

    print(f"# ingestion benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    machine = f"{platform.node()} {platform.machine()} {os.cpu_count()} cores"
    print(f"# {machine}, load average {os.getloadavg()}")
    if not args.skip_generate:
        for layout, database in databases.items():
            t = time.perf_counter()
            generate(database, layout, args.rows)
            print(f"generated {database}: {time.perf_counter() - t:.0f} s")
    for layout, database in databases.items():
        use(database)
        assert partitions.is_partitioned() == (layout == "partitioned"), database
        events = sql(f"SELECT count(*) FROM {TABLE}")[0][0]
        print(f"{database}: {events} events, {sql('SELECT version()')[0][0].split(' on ')[0]}")

    use(databases["plain"])
    rows = new_events(args.ingest, first_subject(), args.days)
    span = f"{rows[-1].occurred_at:%Y-%m-%d %H:%M} to {rows[0].occurred_at:%Y-%m-%d %H:%M} UTC"
    print(f"{args.ingest} events per round, {span}, batches of {args.batch}")
    # A reused database may have been left by a run of the other kind.
    for database in databases.values():
        use(database)
        restore(sql(f"SELECT max(id) FROM {TABLE}")[0][0], unset=args.unset_bounds)
    times: dict[str, list[float]] = {layout: [] for layout in LAYOUTS}
    for round_ in range(args.rounds):
        order = LAYOUTS if round_ % 2 == 0 else LAYOUTS[::-1]
        for layout in order:
            use(databases[layout])
            before = sql(f"SELECT max(id) FROM {TABLE}")[0][0]
            profile = args.profile and round_ == args.rounds - 1
            seconds, spent, profiler = measure(rows, args.batch, profile)
            times[layout].append(seconds)
            added = sql(f"SELECT count(*) FROM {TABLE} WHERE id > %s", [before])[0][0]
            assert added == args.ingest, (layout, added)
            where = landing(before)
            if profile:
                print_profile(layout, seconds, spent, profiler)
            restore(before, unset=args.unset_bounds)
            print(
                f"round {round_ + 1} {layout:<11} {seconds:6.2f} s "
                f"({args.ingest / seconds:,.0f} events/s; {where}); "
                f"load average {os.getloadavg()[0]:.1f}"
            )
    plain, part = (statistics.median(times[layout]) for layout in LAYOUTS)
    ratios = [p / q for p, q in zip(times["partitioned"], times["plain"], strict=True)]
    print(
        f"median of {args.rounds}: plain {plain:.2f} s, partitioned {part:.2f} s, "
        f"partitioned/plain {part / plain:.2f} (per round "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ")"
    )
    print(f"# finished {datetime.datetime.now(datetime.UTC):%H:%M} UTC, load {os.getloadavg()}")


if __name__ == "__main__":
    main()
