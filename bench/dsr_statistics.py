"""Benchmark: the request statistics (privacyops.dsr.statistics) over many closed requests,
against PostgreSQL's own way of computing the same figures in one statement.

Run by hand, on PostgreSQL, against a database of its own (it deletes every privacy request):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_s \\
        .venv/bin/python bench/dsr_statistics.py [--requests 200000]

It migrates that database, bulk-loads `--requests` requests received over three calendar years
(every right, both regimes), of which nine in ten are closed with an outcome (every result),
then times, for the middle year per month and per right and regime:
- `request_statistics` (GROUP BY for counts and means; a window numbers each group's rows so
  only the middle one or two come back for the median): what the admin page runs;
- the same table as one PostgreSQL statement with `percentile_cont(0.5)` (the database's own
  median) over the outcomes and a GROUP BY over the requests received;
and checks both give the same figures. Best of three runs each.
"""

import argparse
import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from privacyops.dsr import statistics  # noqa: E402
from privacyops.dsr.models import (  # noqa: E402
    PrivacyRequest,
    RequestEvent,
    RequestOutcome,
    RequestType,
)

RESULTS = [r.value for r in RequestOutcome.Result]
STATES = {
    "complied": "completed",
    "in_part": "completed",
    "refused": "refused",
    "redirected": "redirected",
    "withdrawn": "withdrawn",
    "unconfirmed": "closed_unconfirmed",
}
YEAR = 2025


def load(count: int) -> None:
    for model in (RequestOutcome, RequestEvent, PrivacyRequest):
        model.objects.all()._raw_delete(model.objects.db)
    rng = random.Random(15)
    start = timezone.make_aware(datetime.datetime(YEAR - 1, 1, 1))
    span = 3 * 365 * 86400
    requests, plans = [], []
    for n in range(count):
        received = start + datetime.timedelta(seconds=rng.randrange(span))
        closed = rng.random() < 0.9
        result = rng.choice(RESULTS) if closed else ""
        days = rng.randrange(0, 80)
        requests.append(
            PrivacyRequest(
                request_type=rng.choice(RequestType.values),
                channel="email",
                regime=rng.choice(["GDPR", "CCPA"]),
                requester_name=f"Requester {n}",
                received_at=received,
                state=STATES[result] if closed else "in_progress",
                due_date=(received + datetime.timedelta(days=30)).date(),
                closed_at=received + datetime.timedelta(days=days) if closed else None,
            )
        )
        plans.append((result, days))
    for i in range(0, count, 10_000):
        PrivacyRequest.objects.bulk_create(requests[i : i + 10_000])
    outcomes = [
        RequestOutcome(
            request=r,
            request_type=r.request_type,
            regime=r.regime,
            result=result,
            refusal_ground="other" if result == "refused" else "",
            received_at=r.received_at,
            completed_at=r.closed_at,
            response_days=days,
            due_date=r.due_date,
            on_time=days <= 30,
        )
        for r, (result, days) in zip(requests, plans, strict=True)
        if result
    ]
    RequestOutcome.objects.bulk_create(outcomes, batch_size=10_000)
    with connection.cursor() as cursor:
        for model in (PrivacyRequest, RequestOutcome):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


NATIVE = """
WITH o AS (
  SELECT date_trunc('month', completed_at AT TIME ZONE %(tz)s)::date AS period,
         request_type, regime,
         count(*) FILTER (WHERE result = 'complied') AS complied,
         count(*) FILTER (WHERE result = 'refused') AS refused,
         count(*) FILTER (WHERE result = ANY(%(answered)s)) AS answered,
         count(*) FILTER (WHERE result = ANY(%(answered)s) AND on_time) AS on_time,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY response_days)
           FILTER (WHERE result = ANY(%(answered)s)) AS median_days
  FROM dsr_requestoutcome
  WHERE completed_at >= %(since)s AND completed_at < %(until)s
  GROUP BY 1, 2, 3
), r AS (
  SELECT date_trunc('month', received_at AT TIME ZONE %(tz)s)::date AS period,
         request_type, regime, count(*) AS received
  FROM dsr_privacyrequest
  WHERE received_at >= %(since)s AND received_at < %(until)s AND state <> 'duplicate'
  GROUP BY 1, 2, 3
)
SELECT coalesce(o.period, r.period), coalesce(o.request_type, r.request_type),
       coalesce(o.regime, r.regime), coalesce(r.received, 0), coalesce(o.complied, 0),
       coalesce(o.refused, 0), coalesce(o.answered, 0), coalesce(o.on_time, 0), o.median_days
FROM o FULL JOIN r USING (period, request_type, regime)
"""


def native() -> dict:
    since, until = statistics.period_bounds(YEAR)
    params = {
        "tz": str(timezone.get_current_timezone()),
        "answered": [str(a) for a in statistics.ANSWERED],
        "since": since,
        "until": until,
    }
    with connection.cursor() as cursor:
        cursor.execute(NATIVE, params)
        return {
            (row[0], row[1], row[2]): (*row[3:8], None if row[8] is None else float(row[8]))
            for row in cursor.fetchall()
        }


def ours() -> dict:
    return {
        (row.period, row.request_type, row.regime): (
            row.received,
            row.complied,
            row.refused,
            row.answered,
            row.on_time,
            row.median_days,
        )
        for row in statistics.request_statistics(year=YEAR, by="month")
    }


def best_of(function, runs: int = 3) -> tuple[float, dict]:
    times, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = function()
        times.append(time.perf_counter() - started)
    return min(times), answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"{platform.node()} {platform.python_version()} {connection.vendor}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    load(args.requests)
    print(f"loaded {args.requests} requests in {time.perf_counter() - started:.1f} s")
    ours_s, ours_table = best_of(ours)
    native_s, native_table = best_of(native)
    assert ours_table == native_table, "the two ways disagree"
    print(f"{len(ours_table)} rows (month x right x regime of {YEAR}), the same both ways")
    print(
        f"request_statistics: {ours_s * 1000:.0f} ms; one statement with percentile_cont: "
        f"{native_s * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    times = statistics.response_times(
        since=datetime.date(YEAR, 1, 1), until=datetime.date(YEAR + 1, 1, 1)
    )
    print(
        f"response_times over {YEAR}: {times.count} answered, median {times.median_days}, "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
