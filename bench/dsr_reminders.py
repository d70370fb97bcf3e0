"""Benchmark: the reminders-and-escalations job over many open privacy requests.

Run by hand, on PostgreSQL, against a database of its own (it deletes every privacy request):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_d \\
        .venv/bin/python bench/dsr_reminders.py [--requests 100000]

It migrates that database, bulk-loads `--requests` open requests with due dates spread over
the next 60 days and the last 10 (so about a quarter are owed a reminder or an escalation),
then runs `jobs.reminders_send` twice: the first run sends, the second finds everything sent.
It prints wall time and the number of SQL queries of each run. E-mail goes to the locmem
backend, so the measurement is the job, not an SMTP server.
"""

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402

from privacyops.dsr import jobs  # noqa: E402
from privacyops.dsr.models import PrivacyRequest, ReminderSent, RequestEvent  # noqa: E402


def load(count: int) -> None:
    RequestEvent.objects.all()._raw_delete(RequestEvent.objects.db)
    ReminderSent.objects.all()._raw_delete(ReminderSent.objects.db)
    PrivacyRequest.objects.all()._raw_delete(PrivacyRequest.objects.db)
    today = timezone.localdate()
    now = timezone.now()
    batch = []
    for n in range(count):
        batch.append(
            PrivacyRequest(
                request_type="access",
                channel="email",
                requester_name=f"Requester {n}",
                requester_email=f"r{n}@example.com",
                received_at=now,
                state="in_progress",
                due_date=today + datetime.timedelta(days=(n % 70) - 10),
            )
        )
        if len(batch) == 10_000:
            PrivacyRequest.objects.bulk_create(batch)
            batch = []
    PrivacyRequest.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PrivacyRequest._meta.db_table}")


def measure(label: str) -> None:
    settings.DEBUG = True  # records queries
    reset_queries()
    started = time.perf_counter()
    run = jobs.reminders_send()
    elapsed = time.perf_counter() - started
    queries = len(connection.queries)
    settings.DEBUG = False
    print(f"{label}: {elapsed:.2f} s, {queries} queries, summary {run.summary}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    print(f"{platform.node()} {platform.python_version()} {connection.vendor}")
    started = time.perf_counter()
    load(args.requests)
    print(f"loaded {args.requests} open requests in {time.perf_counter() - started:.1f} s")
    measure("first run (sends)")
    measure("second run (nothing owed)")


if __name__ == "__main__":
    main()
