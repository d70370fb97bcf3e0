"""Activity events through the integration API vs `load_activity`, on the same rows, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_f \\
        .venv/bin/python bench/api_events.py [--rows 200000] [--rounds 2]

Migrates the database, makes --subjects data subjects (their login names appear in the rows, so
both paths link events to subjects), then per round: `load_activity` on a JSON-lines file of
--rows events, and the same rows POSTed to /api/v1/events/ in batches of 10,000 (Django's test
client, in process: the request bodies are encoded before the clock starts, so the figure is
the server's work: parsing, checking, the id claim, COPY, commit, the call log). Each round
shifts the timestamps, so `load_activity` sees a new file. Also times /api/v1/may-send/ with 1
address and with 1,000.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from privacyops.api import services as api_services  # noqa: E402
from privacyops.api.models import ApiClient  # noqa: E402
from privacyops.subjects import ingest  # noqa: E402
from privacyops.subjects.models import ActivityEvent, DataSubject  # noqa: E402

BATCH = api_services.MAX_EVENTS_PER_BATCH
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
]


def rows(count: int, subjects: int, shift: int) -> list[dict]:
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=shift)
    return [
        {
            "occurred_at": (start + datetime.timedelta(seconds=n)).isoformat(),
            "ip": f"10.{n % 250}.{(n // 250) % 250}.{n % 7 + 1}",
            "user_agent": AGENTS[n % len(AGENTS)],
            "page": f"/app/deals/{n % 5000}",
            "referrer": "https://www.infoserv.eu/" if n % 3 == 0 else "",
            "login": f"bench-user-{n % subjects}" if n % 4 else "",
        }
        for n in range(count)
    ]


def ensure_subjects(count: int) -> None:
    have = DataSubject.objects.filter(login_name__startswith="bench-user-").count()
    DataSubject.objects.bulk_create(
        [
            DataSubject(
                kind="customer_contact", full_name=f"Bench {n}", login_name=f"bench-user-{n}"
            )
            for n in range(have, count)
        ],
        batch_size=2000,
    )


def bench_load_activity(events: list[dict]) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for event in events:
            handle.write(json.dumps(event) + "\n")
    try:
        started = time.perf_counter()
        result = ingest.activity_events_load(path=handle.name)
        elapsed = time.perf_counter() - started
    finally:
        os.unlink(handle.name)
    assert result.loaded == len(events) and not result.rejected_count, result
    return elapsed


def bench_api(client: Client, key: str, events: list[dict], round_no: int) -> float:
    bodies = [
        json.dumps(
            {
                "events": [
                    {**event, "event_id": f"r{round_no}-{start + i}"}
                    for i, event in enumerate(events[start : start + BATCH])
                ]
            }
        )
        for start in range(0, len(events), BATCH)
    ]
    started = time.perf_counter()
    for body in bodies:
        response = client.post(
            "/api/v1/events/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {key}",
        )
        assert response.status_code == 200, response.content[:300]
    return time.perf_counter() - started


def bench_may_send(client: Client, key: str, repeat: int = 20) -> dict:
    def timed(body):
        payload = json.dumps(body)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    "/api/v1/may-send/",
                    payload,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Api-Key {key}",
                )
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:300]
        return statistics.median(times), len(queries)

    one = timed({"kind": "newsletter", "email": "someone@example.com"})
    many = timed({"kind": "newsletter", "emails": [f"p{n}@example.com" for n in range(1000)]})
    return {"one": one, "many": many}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--subjects", type=int, default=20_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    call_command("migrate", verbosity=0)
    ensure_subjects(args.subjects)
    api = ApiClient.objects.filter(name="bench").first()
    if api is None:
        api, key = api_services.api_client_create(
            name="bench", scopes=["events:write", "may-send:read"], requests_per_minute=100_000
        )
    else:
        _, key = api_services.api_key_issue(client=api)
    client = Client()

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"# api events benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.machine()}, nproc {os.cpu_count()}, {memory:.0f} GiB RAM, "
        f"PostgreSQL {pg_version}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"# {args.rows:,} rows per path per round, {args.subjects:,} subjects, "
        f"{ActivityEvent.objects.order_by().count():,} events in the table before"
    )
    print("| round | load_activity | API (batches of 10,000) | API / load_activity |")
    print("|---|---|---|---|")
    base = int(time.time()) % 10_000  # a new file (and new event ids) on every run
    for round_no in range(args.rounds):
        events = rows(args.rows, args.subjects, shift=base + round_no)
        loaded = bench_load_activity(events)
        pushed = bench_api(client, key, events, base * 100 + round_no)
        print(
            f"| {round_no + 1} | {args.rows / loaded:,.0f} rows/s ({loaded:.1f} s) "
            f"| {args.rows / pushed:,.0f} rows/s ({pushed:.1f} s) | {loaded / pushed:.2f} |"
        )
    replayed = bench_api(client, key, events[:BATCH], base * 100 + args.rounds - 1)
    print(f"# replay of one batch of 10,000 (adds nothing): {replayed:.2f} s")
    may = bench_may_send(client, key)
    (t1, q1), (tm, qm) = may["one"], may["many"]
    print(
        f"# may-send: 1 address {t1 * 1000:.1f} ms ({q1} queries), 1,000 addresses "
        f"{tm * 1000:.1f} ms ({qm} queries), ratio {tm / t1:.1f}x"
    )


if __name__ == "__main__":
    main()
