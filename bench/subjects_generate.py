"""Fill a PostgreSQL database with 1M data subjects and 10M activity events, using COPY.

Run by hand, against a database of its own (never the one tests or the demo use):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench \\
        .venv/bin/python bench/subjects_generate.py [--subjects 1000000] [--events 10000000]

It migrates the database, empties the subjects tables and streams generated rows through
COPY ... FROM STDIN. The event table's secondary indexes are dropped during the load and
rebuilt after it (what any bulk load of this size does). COPY bypasses the model, so each
subject's event months (`activity_from` / `activity_until`) are then set from the events in one
statement, as migration subjects.0014 backfills them (`bounds_recompute`). Subject #1
("heavy.user") gets 10,000 events for the `personal_data_for` benchmark. Prints the time of
each step.
"""

import argparse
import datetime
import os
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

from privacyops.subjects import partitions  # noqa: E402
from privacyops.subjects.models import (  # noqa: E402
    Account,
    ActivityEvent,
    ContactPoint,
    activity_bounds,
)

FIRST = [
    "Ivan",
    "Georgi",
    "Dimitar",
    "Nikolay",
    "Petar",
    "Stefan",
    "Ana",
    "Maria",
    "Elena",
    "Ivana",
    "Desislava",
    "Mila",
    "Yana",
    "Boris",
    "Lora",
    "Martin",
    "Sofia",
    "Katharina",
    "Jonas",
    "Emil",
]
LAST = [
    "Petrov",
    "Ivanov",
    "Dimitrov",
    "Georgiev",
    "Nikolov",
    "Stoyanov",
    "Todorov",
    "Koleva",
    "Marinova",
    "Iliev",
    "Vogel",
    "Becker",
    "Laurent",
    "Popov",
    "Kostov",
    "Hristova",
    "Pavlova",
    "Angelov",
]
KINDS = ["visitor"] * 4 + ["lead"] * 2 + ["trial_user", "customer_contact", "customer_end_user"]
KINDS += ["newsletter_subscriber"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
]
PARSED = [
    ("Chrome 124", "Windows 10/11"),
    ("Safari 17", "macOS 10.15"),
    ("Firefox 125", "Linux"),
    ("Safari 17", "iOS 17"),
]
PAGES = ["/", "/pricing", "/features/pipeline", "/blog/gdpr", "/app/contacts", "/app/deals"]
EVENT_KINDS = ["page_view"] * 7 + ["login", "app_use", "api"]
HEAVY_EVENTS = 10_000
EVENT_INDEXES = [
    "subjects_event_subject_time",
    "subjects_event_time",
    "subjects_event_login",
    "subjects_event_ip",
    "subjects_event_kind_time",
]


def step(name):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"{name} ...", flush=True)

        def __exit__(self, *exc):
            print(f"  {name}: {time.perf_counter() - self.start:.1f} s", flush=True)

    return Timer()


def copy_lines(table, columns, lines, chunk=20_000):
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        buffer = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= chunk:
                copy.write("".join(buffer))
                buffer = []
        if buffer:
            copy.write("".join(buffer))


def has_custom_fields(model, columns) -> bool:
    """True when a column is stored through project code (e.g. encrypted at rest)."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return any(not type(fields[c]).__module__.startswith("django.") for c in columns)


def load_lines(model, columns, lines, chunk=5_000):
    """COPY when every column is a plain Django field; else bulk_create, so that fields which
    encrypt or hash their value on save (privacyops.security) store what they would in use."""
    if not has_custom_fields(model, columns):
        copy_lines(model._meta.db_table, columns, lines)
        return
    attnames = {f.column: f.attname for f in model._meta.concrete_fields}
    batch = []
    for line in lines:
        values = [None if v == "\\N" else v for v in line.rstrip("\n").split("\t")]
        row = {
            attnames[c]: (v == "t" if v in ("t", "f") else v)
            for c, v in zip(columns, values, strict=True)
        }
        batch.append(model(**row))
        if len(batch) >= chunk:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def login_of(n):
    return f"user{n}" if n % 5 < 2 or n == 1 else None  # 40% have a login account


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "benchmarks run on PostgreSQL"
    rng = random.Random(1)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    with step("migrate"):
        call_command("migrate", verbosity=0)
    with step("empty the subjects tables"), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE subjects_activityevent, subjects_contactpoint, subjects_accountcontact, "
            "subjects_accountassignment, subjects_licenseholderchange, "
            "subjects_customerdataset_subjects, subjects_customerdataset, subjects_account, "
            "subjects_datasubject RESTART IDENTITY CASCADE"
        )

    n_subjects = args.subjects
    with step(f"{n_subjects:,} data subjects"):

        def subjects():
            for n in range(1, n_subjects + 1):
                name = f"{FIRST[n % len(FIRST)]} {LAST[(n // 7) % len(LAST)]}"
                login = "heavy.user" if n == 1 else login_of(n)
                birth, band = "\\N", ""
                if n % 50 == 0:
                    birth = (
                        datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 20000)
                    ).isoformat()
                elif n % 997 == 0:
                    band = "16_17"
                elif n % 3 == 0:
                    band = "18_plus"
                created = now - datetime.timedelta(minutes=n_subjects - n)
                yield (
                    f"{n}\t{KINDS[n % len(KINDS)]}\t{name}\t\t{login or chr(92) + 'N'}\t{birth}\t"
                    f"{band}\t{created.isoformat()}\t\\N\t\\N\t\t\n"
                )

        copy_lines(
            "subjects_datasubject",
            [
                "id",
                "kind",
                "full_name",
                "title",
                "login_name",
                "birth_date",
                "age_band",
                "created_at",
                "last_activity_at",
                "erased_at",
                # Not null since subjects.0013; empty: none came from a connected system.
                "external_source",
                "external_id",
            ],
            subjects(),
        )
    with step(f"{int(n_subjects * 0.9):,} e-mail contact points"):

        def emails():
            for n in range(1, n_subjects + 1):
                if n % 10 == 9:
                    continue
                first, last = FIRST[n % len(FIRST)].lower(), LAST[(n // 7) % len(LAST)].lower()
                yield f"{n}\temail\t{first}.{last}.{n}@mail{n % 97}.example\tt\t{now.isoformat()}\n"

        load_lines(
            ContactPoint,
            ["subject_id", "kind", "value", "is_primary", "created_at"],
            emails(),
        )
    n_accounts = args.accounts
    with step(f"{n_accounts:,} accounts with two contacts each"):

        def accounts():
            for a in range(1, n_accounts + 1):
                holder = a * 10  # subjects 10, 20, ... are license holders
                closed = (now.date() - datetime.timedelta(days=a % 900)).isoformat()
                status, closed_at = ("closed", closed) if a % 9 == 0 else ("open", "\\N")
                yield (
                    f"{a}\tINF-{a:07d}\t{LAST[a % len(LAST)]} Trading {a} OOD\t{200000000 + a}\t"
                    f"BG{200000000 + a}\t{a} Main Street, Sofia\t{holder}\t"
                    f"owner{a}@company{a}.example\t+359 2 {a:07d}\t{status}\t2020-01-01\t"
                    f"{closed_at}\n"
                )

        load_lines(
            Account,
            [
                "id",
                "account_number",
                "company_name",
                "registration_number",
                "vat_number",
                "billing_address",
                "license_holder_id",
                "license_holder_email",
                "license_holder_phone",
                "status",
                "opened_at",
                "closed_at",
            ],
            accounts(),
        )
        copy_lines(
            "subjects_accountcontact",
            ["account_id", "subject_id", "role"],
            (
                line
                for a in range(1, n_accounts + 1)
                for line in (f"{a}\t{a * 10}\tlicense_holder\n", f"{a}\t{a * 10 + 1}\tuser\n")
            ),
        )
    with step("sequences"), connection.cursor() as cursor:
        for table in ("subjects_datasubject", "subjects_account"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )

    with step("drop event indexes for the load"), connection.cursor() as cursor:
        for index in EVENT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
    n_events = args.events
    span = 365 * 24 * 3600
    with step("month partitions of the events' year"):
        # migrate creates this month and the months ahead only: without these, a year of events
        # would all land in the default partition, which no production table looks like.
        first = now - datetime.timedelta(seconds=span)
        months = (now.year - first.year) * 12 + now.month - first.month
        created = partitions.partitions_ensure(now=first, ahead=months)
        print(f"  {len(created)} created")
    with step(f"{n_events:,} activity events"):

        def events():
            ips = [
                f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{i % 254 + 1}"
                for i in range(5000)
            ]  # noqa: E501
            times = [
                (now - datetime.timedelta(seconds=s)).isoformat()
                for s in sorted(rng.sample(range(span), 20000))
            ]  # noqa: E501
            n_times, null = len(times), "\\N"
            # agent, browser, OS, page and referrer columns, pre-joined
            tails = [
                f"{AGENTS[a]}\t{PARSED[a][0]}\t{PARSED[a][1]}\t{page}\thttps://www.google.com/\t"
                for a in range(len(AGENTS))
                for page in PAGES
            ]
            n_tails = len(tails)
            for n in range(n_events):
                if n < HEAVY_EVENTS:
                    subject, login = 1, "heavy.user"
                else:
                    who = (n * 2654435761) % n_subjects + 1  # spread, no per-row RNG
                    login = login_of(who)
                    subject = who if (login or n % 3 == 0) else None
                yield (
                    f"{times[(n * 7919) % n_times]}\t{EVENT_KINDS[n % 10]}\t{ips[n % 5000]}\t"
                    f"{tails[n % n_tails]}{login or ''}\t\t{subject or null}\n"
                )

        copy_lines(
            "subjects_activityevent",
            [
                "occurred_at",
                "event_kind",
                "ip",
                "user_agent",
                "browser",
                "operating_system",
                "page",
                "referrer",
                "login",
                "email",
                "subject_id",
            ],
            events(),
            chunk=50_000,
        )
    with step("rebuild event indexes"), connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX subjects_event_subject_time ON subjects_activityevent "
            "(subject_id, occurred_at)"
        )
        cursor.execute(
            "CREATE INDEX subjects_event_time ON subjects_activityevent (occurred_at DESC, id DESC)"
        )
        cursor.execute("CREATE INDEX subjects_event_login ON subjects_activityevent (login)")
        cursor.execute("CREATE INDEX subjects_event_ip ON subjects_activityevent (ip)")
        cursor.execute(
            "CREATE INDEX subjects_event_kind_time ON subjects_activityevent "
            "(event_kind, occurred_at)"
        )
    # Without them, erasure and the access export would look up each subject over every month
    # (and privacy_doctor's subjects.bounds would report every event); after the indexes, so
    # the grouping can read the (subject, time) index.
    with step("each subject's event months"):
        with_events = activity_bounds.bounds_recompute(event_model=ActivityEvent)
        print(f"  {with_events:,} subjects with events")
    with step("analyze"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE subjects_datasubject")
        cursor.execute("VACUUM ANALYZE subjects_contactpoint")
        cursor.execute("VACUUM ANALYZE subjects_account")
        cursor.execute("VACUUM ANALYZE subjects_activityevent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
