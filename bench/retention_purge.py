"""Benchmark: the retention purge engine against the floor (one raw DELETE) and the ORM.

Run by hand, on PostgreSQL, against a database of its own (it truncates activity events):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_r \\
        .venv/bin/python bench/retention_purge.py [--rows 5000000] [--slice 100000]

It migrates that database, creates 100,000 data subjects, 1% of them under legal hold, and a
template of `--rows` activity events, 60% of them older than the 13-month rule (event ids in
time order, as ingestion makes them; no event within a week of the cutoff, so the few minutes
between the measurements never move a row across it). Each measurement starts from the same
freshly loaded, vacuumed and analysed table:

  (a) this engine: `retention_rule_run` of the seeded 13-month rule (windows of
      RETENTION_WINDOW_SIZE rows along the events' time index, one transaction each,
      checkpoints, held count, records);
  (b) the floor: one raw SQL DELETE of the same rows;
  (c) QuerySet.delete() with a pre_delete receiver connected, on the first `--slice`
      expired rows only (the collector loads every object into memory), extrapolated
      linearly to the full set.
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
from django.db import connection  # noqa: E402
from django.db.models.signals import pre_delete  # noqa: E402

from privacyops.retention import services  # noqa: E402
from privacyops.retention.models import LegalHold, PurgeRun, RetentionRule  # noqa: E402
from privacyops.subjects.models import ActivityEvent, DataSubject  # noqa: E402

SUBJECTS = 100_000
HELD_EVERY = 100  # 1% of subjects under legal hold
TABLE = ActivityEvent._meta.db_table


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


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


def load() -> None:
    sql(f"TRUNCATE {TABLE}")
    sql(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM bench_events ORDER BY id")
    sql(f"VACUUM ANALYZE {TABLE}")
    sql("CHECKPOINT")


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
        f"{settings.RETENTION_WINDOW_SIZE} rows"
    )

    t = time.perf_counter()
    sql(f"TRUNCATE {TABLE}")
    LegalHold.objects.all().delete()
    PurgeRun.objects.all().delete()
    DataSubject.objects.filter(login_name__startswith="bench").delete()
    people = DataSubject.objects.bulk_create(
        [
            DataSubject(kind="customer_contact", full_name=f"Bench {i}", login_name=f"bench{i}")
            for i in range(SUBJECTS)
        ],
        batch_size=5000,
    )
    first = min(p.pk for p in people)
    legal, _ = get_user_model().objects.get_or_create(username="bench-legal")
    LegalHold.objects.bulk_create(
        [
            LegalHold(subject=p, matter="Bench dispute", reason="bench", placed_by=legal)
            for p in people[::HELD_EVERY]
        ]
    )
    fill_template(args.rows, first)
    # Statistics as autovacuum would keep them in production (it may be off on a test VM).
    sql("ANALYZE subjects_datasubject")
    sql("ANALYZE retention_legalhold")
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
        t = time.perf_counter()
        run = services.retention_rule_run(rule=rule)
        seconds = time.perf_counter() - t
        assert run.status == "succeeded", run.errors
        assert run.rows_deleted == to_purge and run.rows_skipped_held == held, run
        assert remaining() == args.rows - to_purge
        return seconds

    def floor_run() -> float:
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

    # (a) and (b) in pairs, each from a freshly loaded table; every other pair (b) goes
    # first, so neither always runs on a warmer machine.
    ratios, engine_times, floor_times = [], [], []
    for round_ in range(args.repeat):
        order = [("a", engine_run), ("b", floor_run)]
        times = {}
        for name, measure in order if round_ % 2 == 0 else reversed(order):
            load()
            times[name] = measure()
        engine_times.append(times["a"])
        floor_times.append(times["b"])
        ratios.append(times["a"] / times["b"])
        print(
            f"round {round_ + 1}: (a) engine {times['a']:.2f} s, (b) raw SQL DELETE "
            f"{times['b']:.2f} s, (a)/(b) {ratios[-1]:.2f}; load average {os.getloadavg()[0]:.1f}"
        )
    results = {"a": statistics.median(engine_times), "b": statistics.median(floor_times)}
    print(
        f"(a) engine:           {results['a']:8.2f} s  (median of {args.repeat}; "
        f"{to_purge} deleted, {held} kept under hold)"
    )
    print(f"(b) raw SQL DELETE:   {results['b']:8.2f} s  (median of {args.repeat})")
    per_round = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"(a)/(b) per round: {per_round}; median {statistics.median(ratios):.2f}")
    if args.skip_orm:
        finish()
        return

    # (c) QuerySet.delete() with a pre_delete receiver, on a slice
    load()
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
    sql(f"TRUNCATE {TABLE}")
    sql("DROP TABLE IF EXISTS bench_events")
    print(f"# finished {datetime.datetime.now(datetime.UTC):%H:%M} UTC")


if __name__ == "__main__":
    main()
