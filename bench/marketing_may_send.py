"""Benchmark: `may_send` lookups and the all-or-nothing subscriber import, on PostgreSQL.

Run by hand, against a database of its own (it empties the marketing tables):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench_m \\
        .venv/bin/python bench/marketing_may_send.py [--subscribers 200000] [--import-rows 5000]

It migrates that database, bulk-loads `--subscribers` data subjects with an e-mail contact point
and a newsletter subscription, and puts every second address on the suppression list (salted
hashes). Then it measures:

  (a) `may_send(address, "newsletter")` for 20,000 random addresses (subscribed, suppressed,
      unknown; written with random case and spaces), one call at a time as a sender would
      (one query per call);
  (b) importing a `--import-rows` CSV list (half new addresses, a quarter suppressed, a
      quarter already subscribed) through the admin's resource, dry run and real run.
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

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from privacyops.inventory.selectors import policy_version_in_force  # noqa: E402
from privacyops.marketing import selectors, services  # noqa: E402
from privacyops.marketing.models import (  # noqa: E402
    OptOut,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from privacyops.marketing.resources import SubscriptionResource  # noqa: E402
from privacyops.subjects.models import ContactPoint, DataSubject  # noqa: E402

BATCH = 10_000
CONSENTED = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)


def address(n: int) -> str:
    return f"bench.subscriber{n}@example.com"


def load(subscribers: int) -> None:
    Subscription.objects.all().delete()
    SubscriptionEvent.objects.all().delete()
    OptOut.objects.all().delete()
    SuppressionEntry.objects.all().delete()
    ContactPoint.objects.filter(value__startswith="bench.").delete()
    DataSubject.objects.filter(full_name__startswith="Bench ").delete()
    policy = policy_version_in_force(on=CONSENTED.date())
    for start in range(0, subscribers, BATCH):
        numbers = range(start, min(start + BATCH, subscribers))
        subjects = DataSubject.objects.bulk_create(
            [DataSubject(kind="newsletter_subscriber", full_name=f"Bench {n}") for n in numbers]
        )
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(subject=s, kind="email", value=address(n), is_primary=True)
                for s, n in zip(subjects, numbers, strict=True)
            ]
        )
        Subscription.objects.bulk_create(
            [
                Subscription(
                    subject=s,
                    channel="newsletter",
                    email=address(n),
                    consented_at=CONSENTED,
                    consent_source="import",
                    policy_version=policy,
                )
                for s, n in zip(subjects, numbers, strict=True)
            ]
        )
        SuppressionEntry.objects.bulk_create(
            [
                SuppressionEntry(
                    email_hash=selectors.email_hash(address(n)), channel="", reason="opted_out"
                )
                for n in numbers
                if n % 2
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_may_send(subscribers: int, calls: int = 20_000) -> tuple[float, dict]:
    rng = random.Random(7)
    picks = []
    for _ in range(calls):
        n = rng.randrange(subscribers * 2)  # half of them unknown addresses
        written = address(n)
        written = "".join(c.upper() if rng.random() < 0.2 else c for c in written)
        picks.append(" " * rng.randrange(2) + written + " " * rng.randrange(2))
    answers = {True: 0, False: 0}
    started = time.perf_counter()
    for written in picks:
        answers[services.may_send(written, "newsletter")] += 1
    return time.perf_counter() - started, answers


def import_list(subscribers: int, rows: int) -> str:
    lines = ["email,name,channel,consented_at,source,form,ip,policy_version"]
    for i in range(rows):
        if i % 2 == 0:
            n = subscribers + i  # new address
        elif i % 4 == 1:
            n = 2 * i + 1  # odd: suppressed
        else:
            n = 2 * i  # even: already subscribed, same evidence
        lines.append(f"{address(n)},Bench {n},newsletter,{CONSENTED.isoformat()},,,,")
    return "\n".join(lines) + "\n"


def bench_import(subscribers: int, rows: int) -> dict:
    dataset = tablib.Dataset().load(import_list(subscribers, rows), format="csv")
    timings = {}
    for dry_run in (True, False):
        resource = SubscriptionResource()
        started = time.perf_counter()
        result = resource.import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)
        timings["dry run" if dry_run else "import"] = time.perf_counter() - started
        assert not result.has_errors() and not result.has_validation_errors()
        timings["totals"] = dict(result.totals)
        timings["suppressed"] = len(result.suppressed_rows)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=200_000)
    parser.add_argument("--import-rows", type=int, default=5_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load(args.subscribers)
    print(f"loaded {args.subscribers:,} subscribers in {time.perf_counter() - started:.1f} s")
    seconds, answers = bench_may_send(args.subscribers)
    calls = sum(answers.values())
    print(
        f"may_send: {calls:,} calls in {seconds:.2f} s = {1000 * seconds / calls:.3f} ms/call "
        f"({answers[True]:,} yes, {answers[False]:,} no)"
    )
    timings = bench_import(args.subscribers, args.import_rows)
    rows = args.import_rows
    print(
        f"import of {rows:,} rows: dry run {timings['dry run']:.1f} s, "
        f"real {timings['import']:.1f} s ({rows / timings['import']:.0f} rows/s); "
        f"totals {timings['totals']}, suppressed {timings['suppressed']:,}"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"PostgreSQL {connection.pg_version}"
    )


if __name__ == "__main__":
    main()
