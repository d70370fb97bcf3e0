"""Time the subjects admin, personal_data_for and load_activity against COPY, on a big database.

Run by hand after bench/subjects_generate.py filled the database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/privacyops_bench \\
        .venv/bin/python bench/subjects_bench.py [--load-lines 500000]

Admin pages go through Django's test client as a Legal user, after warm-up; each figure is
the median of --repeat requests. The ingestion comparison writes one CSV file of events and
loads it twice into the same (indexed) table, in the same run: first with PostgreSQL's COPY
(streamed from the client, as psql's \\copy does), then with `load_activity`.
"""

import argparse
import csv
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from privacyops.core import registry, roles  # noqa: E402
from privacyops.core.services import roles_sync  # noqa: E402
from privacyops.subjects.models import ActivityEvent, DataSubject  # noqa: E402

TARGET_PAGE_MS = 200


def client_for_legal() -> Client:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    roles_sync()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-legal", defaults={"is_staff": True}
    )
    user.groups.set([Group.objects.get(name=roles.LEGAL)])
    try:  # the admin asks for a second factor once privacyops.security is installed
        from tests.two_factor import SecondFactorClient

        client = SecondFactorClient()
    except ImportError:
        client = Client()
    client.force_login(user)
    return client


class PageTiming(NamedTuple):
    median: float  # ms, of the timed requests
    worst: float  # ms, the slowest timed request
    queries: int  # of one more request
    slowest_query: float  # ms, of that request
    sql_median: float  # ms spent waiting for the database, median over the timed requests


def time_page(client, url, repeat) -> PageTiming:
    for _ in range(3):  # warm-up: caches, plans, imports
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples, in_sql = [], []
    waited = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[0] += time.perf_counter() - start

    with connection.execute_wrapper(timed):
        for _ in range(repeat):
            waited[0] = 0.0
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            in_sql.append(waited[0] * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return PageTiming(
        statistics.median(samples),
        max(samples),
        len(queries),
        max(float(q["time"]) for q in queries) * 1000,
        statistics.median(in_sql),
    )


def write_events_csv(path: Path, lines: int) -> None:
    logins = list(
        DataSubject.objects.filter(login_name__isnull=False)
        .order_by("pk")
        .values_list("login_name", flat=True)[:5000]
    )
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ]
    # A file of its own each run: load_activity never loads the same file twice.
    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["occurred_at", "ip", "user_agent", "page", "referrer", "login", "email"])
        for n in range(lines):
            writer.writerow(
                [
                    (start + datetime.timedelta(seconds=n)).isoformat(),
                    f"203.0.{n % 250}.{n % 200 + 1}",
                    agents[n % 2],
                    f"/app/deals/{n % 1000}",
                    "https://www.google.com/",
                    logins[n % len(logins)] if n % 3 else "",
                    "",
                ]
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--load-lines", type=int, default=500_000)
    parser.add_argument("--only-load", action="store_true", help="skip the pages")
    parser.add_argument("--skip-load", action="store_true", help="skip the ingestion")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"# subjects benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.machine()}, nproc {os.cpu_count()}, {memory:.0f} GiB RAM, "
        f"PostgreSQL {pg_version}, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"# rows: {DataSubject.objects.order_by().count():,} subjects, "
        f"{ActivityEvent.objects.order_by().count():,} activity events"
    )

    if not args.only_load:
        bench_pages_and_export(args)
    if not args.skip_load:
        bench_ingestion(args)


def bench_pages_and_export(args):
    client = client_for_legal()
    heavy = DataSubject.objects.get(login_name="heavy.user")
    some_email = heavy.contact_points.get(kind="email").value
    pages = [
        ("subjects list", reverse("admin:subjects_datasubject_changelist")),
        (
            "subjects search by e-mail",
            reverse("admin:subjects_datasubject_changelist") + f"?q={some_email}",
        ),  # noqa: E501
        (
            "subjects search by name prefix",
            reverse("admin:subjects_datasubject_changelist") + "?q=Ivana%20Pet",
        ),  # noqa: E501
        (
            "subjects filter under 18",
            reverse("admin:subjects_datasubject_changelist") + "?under_18=yes",
        ),  # noqa: E501
        (
            "subjects filter kind",
            reverse("admin:subjects_datasubject_changelist") + "?kind__exact=lead",
        ),  # noqa: E501
        (
            "subject page (10,000 events)",
            reverse("admin:subjects_datasubject_change", args=[heavy.pk]),
        ),  # noqa: E501
        ("contact points list", reverse("admin:subjects_contactpoint_changelist")),
        ("accounts list", reverse("admin:subjects_account_changelist")),
        (
            "accounts search by number",
            reverse("admin:subjects_account_changelist") + "?q=INF-0012345",
        ),  # noqa: E501
        ("account page", reverse("admin:subjects_account_change", args=[1])),
        ("events list", reverse("admin:subjects_activityevent_changelist")),
        (
            "events search by login",
            reverse("admin:subjects_activityevent_changelist") + "?q=user1002",
        ),  # noqa: E501
        (
            "events filter kind",
            reverse("admin:subjects_activityevent_changelist") + "?event_kind__exact=login",
        ),  # noqa: E501
        (
            "events of one subject",
            reverse("admin:subjects_activityevent_changelist") + f"?subject__id__exact={heavy.pk}",
        ),  # noqa: E501
    ]
    print("\n| page | median ms | queries | slowest query ms | < 200 ms |")
    print("|---|---:|---:|---:|---|")
    for name, url in pages:
        median, _, count, slowest, _ = time_page(client, url, args.repeat)
        ok = "yes" if median < TARGET_PAGE_MS else "**no**"
        print(f"| {name} | {median:.0f} | {count} | {slowest:.0f} | {ok} |", flush=True)

    registry.personal_data_for(heavy)  # warm-up
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        data = registry.personal_data_for(heavy)
        samples.append(time.perf_counter() - start)
    events = len(
        data["categories"]["Other Information"].get(
            str(ActivityEvent._meta.verbose_name_plural), []
        )
    )
    print(
        f"\npersonal_data_for(subject with {events:,} events): median "
        f"{statistics.median(samples):.2f} s (target < 1 s)"
    )


def copy_file(path: Path) -> float:
    columns = "occurred_at, ip, user_agent, page, referrer, login, email"
    sql = (
        f"COPY {ActivityEvent._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, "
        "HEADER true, FORCE_NOT_NULL (user_agent, page, referrer, login, email))"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy, path.open("rb") as f:
        while block := f.read(1 << 20):
            copy.write(block)
    return time.perf_counter() - start


def load_activity_file(path: Path) -> float:
    start = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "manage.py", "load_activity", str(path)],  # its default batch size
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    assert process.returncode == 0, process.stderr[-2000:]
    assert "already loaded" not in process.stdout
    return seconds


def bench_ingestion(args):
    """Same file, both ways, several rounds in alternating order (the machine is shared)."""
    lines = args.load_lines
    copies, loads = [], []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            path = Path(folder) / f"events-{round_}.csv"
            write_events_csv(path, lines)
            if round_ % 2:
                loads.append(load_activity_file(path))
                copies.append(copy_file(path))
            else:
                copies.append(copy_file(path))
                loads.append(load_activity_file(path))
            path.unlink()
    copy_seconds, load_seconds = statistics.median(copies), statistics.median(loads)
    print(f"\ningestion of the same {lines:,}-line CSV file into the indexed event table")
    print(f"(median of {args.rounds} rounds, order alternating; each round a new file):")
    print(f"  PostgreSQL COPY:  {copy_seconds:6.1f} s  {lines / copy_seconds:9,.0f} rows/s")
    print(f"  load_activity:    {load_seconds:6.1f} s  {lines / load_seconds:9,.0f} rows/s")
    print(f"  rounds, s: COPY {[round(c, 1) for c in copies]}, load {[round(x, 1) for x in loads]}")
    print(
        f"  load_activity / COPY rate: {copy_seconds / load_seconds:.2f} (target >= 0.33); "
        "load_activity also checks every line, derives browser and OS, links subjects "
        "(foreign-key checks) and commits per batch; its time includes starting Django"
    )


if __name__ == "__main__":
    main()
