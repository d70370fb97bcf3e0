"""Benchmark: every activity-event admin list and a subject's page on the partitioned table.

Run by hand, on PostgreSQL, against a database of its own (it empties subjects and events):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_lists \\
        .venv/bin/python bench/admin_lists.py [--subjects 1000000] [--events 20000000]

It migrates the database (activity events in monthly partitions), then generates the data in
the database itself (INSERT ... SELECT generate_series, no Python rows): `--subjects` data
subjects and `--events` events over the last 1,000 days, one subject in a thousand with no
events at all, subject #1 with 10,000 events. The events go in one statement per month with the
partitions' secondary indexes dropped, which are then rebuilt from their own definitions (the
same indexes, built by sorting rather than by 20M insertions); then each subject's event months
are set as migration subjects.0014 sets them (`activity_bounds.bounds_recompute`). Pages go
through Django's test client as a Legal user (bench/subjects_bench.py's client and timer: three
warm-up requests, then the median of --repeat); each line shows the median and the slowest
of those requests, the number of queries and the slowest query of one more request, and the
median time the timed requests spent waiting for the database (the rest is Python). With
--skip-generate it times the pages of what an earlier run left.
"""

import argparse
import datetime
import math
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from subjects_bench import client_for_legal, time_page  # noqa: E402

from privacyops.subjects import partitions  # noqa: E402
from privacyops.subjects.models import ActivityEvent, activity_bounds  # noqa: E402

TARGET_MS = 200
DAYS = 1000


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _series_range(partition, events: int, now: datetime.datetime) -> tuple[int, int]:
    """The numbers g (1..events) whose time, now - g/events * DAYS days, falls in the
    partition's month; one more at each end (the statement's own filter on the time is exact)."""
    span = datetime.timedelta(days=DAYS).total_seconds()
    low = math.floor((now - partition.upper).total_seconds() / span * events)
    high = math.ceil((now - partition.lower).total_seconds() / span * events)
    return max(1, low), min(events, high)


def generate(subjects: int, events: int) -> None:
    t = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    sql("TRUNCATE subjects_activityevent")
    sql("TRUNCATE subjects_datasubject RESTART IDENTITY CASCADE")
    # Required text columns other work may have added: filled with a distinct value each.
    known = {"id", "kind", "full_name", "title", "login_name", "age_band", "created_at"}
    extra = [
        name
        for (name,) in sql(
            """SELECT column_name FROM information_schema.columns
               WHERE table_name = 'subjects_datasubject' AND is_nullable = 'NO'
                 AND column_default IS NULL AND data_type IN ('character varying', 'text')"""
        )
        if name not in known
    ]
    names = "".join(f", {n}" for n in extra)
    values = "".join(", 'bench-' || g" for _ in extra)
    sql(
        f"""INSERT INTO subjects_datasubject (kind, full_name, title, login_name, age_band,
                created_at{names})
            SELECT (ARRAY['customer_contact','lead','trial_user','visitor'])[1 + g % 4],
                   'Person ' || g, '', 'user' || g, '', now() - (g % {DAYS}) * interval '1 day'
                   {values}
            FROM generate_series(1, {subjects}) AS g"""
    )
    print(f"subjects: {subjects} in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    partitions.partitions_ensure(
        now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=DAYS + 5), ahead=36
    )
    # Rows go into the partitions without their secondary indexes, which are built afterwards
    # from the same definitions (one sort per index and month instead of 20M random index
    # insertions: the 5M run of the indexed table took 643 s). The primary key stays: ids
    # ascend, so it only ever appends. Each month is one statement.
    indexes = sql(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'subjects_activityevent'::regclass AND NOT i.indisprimary"""
    )
    for name, _ in indexes:
        sql(f'DROP INDEX "{name}"')
    # Subject #1 gets 10,000 events; the rest spread over every subject but one in a thousand.
    per_month = 0
    for partition in partitions.month_partitions():
        # g runs over all events; those of this month are the ones whose time falls in it.
        low, high = _series_range(partition, events, now)
        if low > high:
            continue
        per_month += sql(
            f"""INSERT INTO subjects_activityevent (occurred_at, event_kind, ip, user_agent,
                    browser, operating_system, page, referrer, login, email, subject_id)
                SELECT o, (ARRAY['page_view','login','app_use','api'])[1 + g % 4],
                       ('10.' || (g % 250) || '.' || (g % 199) || '.' || (g % 97))::inet,
                       'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0', 'Chrome', 'Linux',
                       '/product/page-' || (g % 500), 'https://www.google.com/',
                       'user' || s, '', s
                FROM (SELECT g, '{now.isoformat()}'::timestamptz
                                   - ((g::float8 / {events}) * {DAYS}) * interval '1 day' AS o,
                             CASE WHEN g % 2000 = 0 THEN 1
                                  ELSE 2 + (g::bigint * 7919) % ({subjects} - 1) END AS s
                      FROM generate_series({low}, {high}) AS g) AS e
                WHERE (s % 1000 <> 0 OR s = 1) AND o >= '{partition.lower.isoformat()}'
                  AND o < '{partition.upper.isoformat()}'"""
        )
    print(f"events: {per_month} in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    sql("SET maintenance_work_mem = '1GB'")
    for _, definition in indexes:
        sql(definition.replace(" ON ONLY ", " ON ", 1))
    print(f"indexes: {len(indexes)} built in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    bounds = activity_bounds.bounds_recompute(event_model=ActivityEvent)
    print(f"subjects' activity bounds: {bounds} subjects in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    sql("VACUUM ANALYZE subjects_activityevent")
    sql("VACUUM ANALYZE subjects_datasubject")
    print(f"vacuum analyze: {time.perf_counter() - t:.0f} s", flush=True)


def pages() -> list[tuple[str, str]]:
    events = reverse("admin:subjects_activityevent_changelist")
    today = datetime.datetime.now(datetime.UTC)
    # As the date filter's own links write them: aware, URL-encoded.
    month = quote(partitions.month_start(today).isoformat())
    week = quote((today - datetime.timedelta(days=7)).isoformat())
    return [
        ("events list", events),
        ("events, this month", f"{events}?occurred_at__gte={month}"),
        ("events, past 7 days", f"{events}?occurred_at__gte={week}"),
        ("events, by kind", f"{events}?event_kind__exact=login"),
        (
            "events, kind + month",
            f"{events}?event_kind__exact=login&occurred_at__gte={month}",
        ),
        ("events, search login", f"{events}?q=user1002"),
        ("events, search IP", f"{events}?q=10.12.34.56"),
        ("events of subject #1 (10,000)", f"{events}?subject__id__exact=1"),
        ("events of a subject with none", f"{events}?subject__id__exact=1000"),
        ("subject #1's page", reverse("admin:subjects_datasubject_change", args=[1])),
        ("a subject's page", reverse("admin:subjects_datasubject_change", args=[4242])),
        ("subjects list", reverse("admin:subjects_datasubject_changelist")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"] or "bench" not in db["NAME"]:
        sys.exit("Run against a PostgreSQL database of its own whose name contains 'bench'.")
    call_command("migrate", verbosity=0)
    print(f"# admin lists benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"{sql('SELECT version()')[0][0].split(' on ')[0]}"
    )
    if not args.skip_generate:
        generate(args.subjects, args.events)
    assert partitions.is_partitioned()
    counts = sql(
        "SELECT (SELECT reltuples::bigint FROM pg_class WHERE relname = 'subjects_datasubject'),"
        " (SELECT sum(reltuples)::bigint FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid"
        "  WHERE i.inhparent = 'subjects_activityevent'::regclass)"
    )[0]
    print(
        f"subjects ≈{counts[0]}, events ≈{counts[1]} in {len(partitions.month_partitions())} "
        f"monthly partitions; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # The test client's host, over plain HTTP (production settings otherwise redirect).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    client = client_for_legal()
    worst = 0.0
    print(f"{'page':34} {'median':>10} {'slowest':>10}  queries  {'in SQL':>9}  slowest query")
    for name, url in pages():
        timing = time_page(client, url, args.repeat)
        worst = max(worst, timing.median)
        print(
            f"{name:34} {timing.median:7.1f} ms {timing.worst:7.1f} ms  {timing.queries:7}  "
            f"{timing.sql_median:6.1f} ms  {timing.slowest_query:6.1f} ms",
            flush=True,
        )
    verdict = "under" if worst < TARGET_MS else "NOT under"
    print(
        f"slowest page {worst:.1f} ms: {verdict} {TARGET_MS} ms; load average "
        f"{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
